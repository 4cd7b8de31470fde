"""Serving the app in production: gunicorn with several processes.

One Python process is bound to one core by the GIL; the queue's work is short
requests, so a few processes with a few threads each use the machine.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from hme_rpa.config import Config

# The request path without its query string: search terms can be patient names.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self.hme_config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Runs in each worker after the fork, so each has its own connection pool.
        from . import create_app

        return create_app(self.hme_config)


def serve(config: Config, *, host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(config, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
        "timeout": 120, "graceful_timeout": 20, "accesslog": "-", "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-", "proc_name": "hme-rpa-queue",
    }).run()
