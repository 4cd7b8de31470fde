"""The overnight robots: claim status, EOB download and cash posting, CMN pull.

    runtime/   the browser, the credential vault, retries, politeness, the circuit breaker, checkpoints
    portals/   one page object per screen of each portal and of the billing system
    robots/    the three robots: what each plans for a night and how it works one unit
    runner.py  plans a night, leases units, records the run; `hme-rpa run` and `hme-rpa schedule` call it
"""
