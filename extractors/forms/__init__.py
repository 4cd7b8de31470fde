"""Faxed forms: the CMS-484 oxygen CMN and the standard written order, read by labels, then validated."""
