"""hme-rpa: robots and a work queue for the HME/DME back office.

This package is the shell around the parts: the one configuration object and
the `hme-rpa` command line. The parts themselves live beside it: `bots/`,
`extractors/`, `queue_server/`, `sandbox/`.
"""

__version__ = "0.1.0"
