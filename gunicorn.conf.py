"""gunicorn reads this file from the working directory on its own (the Dockerfile's and compose's commands).

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics to files there, and a stopped
worker's gauges must be dropped (prometheus_client's multiprocess mode; cop_portal.operations.metrics).
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# Garbage collection: a worker holds a few hundred thousand long-lived objects (modules, URL
# patterns, compiled templates, translations). CPython's oldest-generation collection walks all of
# them: here it paused a request for up to 120 ms every few requests, about 19 ms a request on
# average on a member's meeting list at network scale. gc.freeze() moves everything alive at that
# moment out of the collector's sight (as Instagram does with its Django workers): once when the worker
# has loaded the portal, and again after its first requests have loaded what loads lazily (URL
# resolvers, templates, catalogues). Garbage is collected first, so none of it is kept forever.
FREEZE_AFTER_REQUESTS = (1, 20)


def _freeze() -> None:
    import gc

    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    _freeze()


def post_request(worker, req, environ, resp):
    worker.cop_requests = getattr(worker, "cop_requests", 0) + 1
    if worker.cop_requests in FREEZE_AFTER_REQUESTS:
        _freeze()  # after the response went out: the client does not wait for it
