"""Practice payer portals, document portal and legacy billing system.

Not built yet: issue 3.
"""
