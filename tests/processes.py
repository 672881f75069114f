"""Start real service processes (Celery worker and beat, gunicorn) for tests, and always stop them.

The processes talk to the same PostgreSQL test database pytest-django created and to the
Redis of REDIS_URL, so a test can send work through the broker and read what a worker wrote.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import require_service

BASE_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent


def require_postgres_and_redis() -> None:
    """Skip (fail in CI) unless REDIS_URL is set and the tests run on PostgreSQL."""
    database_url = os.environ.get("DATABASE_URL", "")
    require_service(
        bool(os.environ.get("REDIS_URL")) and database_url.startswith(("postgres://", "postgresql://")),
        "Redis and PostgreSQL (REDIS_URL and a postgres:// DATABASE_URL)",
    )


def shared_database_url() -> str:
    """Return a DATABASE_URL for the test database pytest-django created, for processes to share."""
    from django.db import connection

    db = connection.settings_dict
    assert db["ENGINE"].endswith("postgresql"), "other processes can only share a PostgreSQL test database"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def service_env(**overrides: str) -> dict[str, str]:
    """Return the environment for a service process: ours, on the test database, with overrides."""
    # The test run's relaxations (DJANGO_ALLOW_ASYNC_UNSAFE for Playwright) stay out of real services.
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in dropped and not key.startswith("PYTEST_")}
    env.update(
        {
            "DATABASE_URL": shared_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CACHE_URL": os.environ.get("CACHE_URL") or os.environ["REDIS_URL"],
            "PYTHONUNBUFFERED": "1",
            "PATH": f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    env.update(overrides)
    return env


def executable(name: str) -> str:
    """Return the virtual environment's console script called name (celery, gunicorn)."""
    path = BIN_DIR / name
    assert path.exists(), f"{name} is not installed in {BIN_DIR}"
    return str(path)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Return True as soon as condition() holds, or False after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


class Service:
    """One subprocess in its own process group, logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_path: Path):
        self.name = name
        self.args = args
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument lists built by the tests
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def describe(self, tail: int = 60) -> str:
        state = "running" if self.alive else f"exited with {self.process.returncode}"
        lines = self.log().splitlines()[-tail:]
        return f"{self.name} ({state}): {' '.join(self.args)}\n" + "\n".join(lines)

    def stop(self, timeout: float = 15) -> None:
        """Stop the process and its children (its whole process group): TERM, then KILL."""
        if self.alive:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        # Children that outlived their leader (a gunicorn or celery child) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


@pytest.fixture
def services(transactional_db, tmp_path):
    """Start service processes with start(name, args, env); all of them stop after the test.

    Depends on transactional_db so the processes are gone before the test database is
    flushed or dropped, and so what the test writes is committed where they can read it.
    """
    started: list[Service] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> Service:
        service = Service(name, args, env, tmp_path / f"{name}.log")
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        service.stop()


@pytest.fixture
def broker_app():
    """Send tasks through the real broker from this test, as the web process does in production."""
    require_postgres_and_redis()
    from cop_portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = eager


@pytest.fixture
def worker_queue(broker_app):
    """Name a queue only this test's worker consumes (other runs may share the Redis), then delete it."""
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    yield queue
    # Cleaning up is best effort: the queue may already be gone.
    with broker_app.connection_for_write() as connection, contextlib.suppress(Exception):
        connection.default_channel.queue_delete(queue)


def wait_for_result(result, worker: Service, timeout: float = 90):
    """Return the task's result, failing early with the worker's log if the worker dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result.ready():
            return result.get(timeout=1)
        assert worker.alive, f"the worker stopped before running the task\n{worker.describe()}"
        time.sleep(0.2)
    pytest.fail(f"no result after {timeout}s\n{worker.describe()}")
