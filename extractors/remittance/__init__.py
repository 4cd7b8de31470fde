"""Remittance (EOB) readers: the Medicare SPR and the commercial layout, then the balancing rules."""
