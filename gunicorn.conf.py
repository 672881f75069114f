"""gunicorn reads this file from the working directory on its own (the Dockerfile's and compose's commands).

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics to files there, and a stopped
worker's gauges must be dropped (prometheus_client's multiprocess mode; cop_portal.operations.metrics).
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
