"""Document extraction (remittances, CMNs, written orders).

Not built yet: issue 4. The contract is shared/contracts/extract.md.
"""
