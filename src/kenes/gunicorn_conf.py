"""Production settings of the web server: ``gunicorn -c python:kenes.gunicorn_conf kenes.wsgi``.

Threaded workers (``gthread``): each process serves ``KENES_WEB_THREADS`` requests at once and
has one intake writer thread (kenes.proposals.batcher), so concurrent submissions are committed
together. One process per core is enough: the threads wait on the database, not on the CPU.
Everything can be overridden on the command line or through the environment below.
"""

from __future__ import annotations

import os

bind = os.environ.get("KENES_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KENES_WEB_WORKERS", str(os.cpu_count() or 1)))
worker_class = "gthread"
threads = int(os.environ.get("KENES_WEB_THREADS", "32"))
backlog = int(os.environ.get("KENES_WEB_BACKLOG", "2048"))
keepalive = 5
timeout = 30
graceful_timeout = 30
# Restart a worker now and then (memory hygiene); jitter so that they do not restart together.
max_requests = int(os.environ.get("KENES_WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
loglevel = os.environ.get("KENES_WEB_LOG_LEVEL", "warning")
accesslog = os.environ.get("KENES_WEB_ACCESS_LOG") or None


def post_fork(server: object, worker: object) -> None:
    """A shorter GIL switch interval in each worker (default 5 ms): the intake writer thread
    waits for the GIL after each database round trip while request threads run Python; at
    5 ms a batch of a dozen round trips could wait tens of milliseconds for it."""
    import sys

    sys.setswitchinterval(float(os.environ.get("KENES_WEB_SWITCH_INTERVAL", "0.002")))
