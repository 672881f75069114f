"""The docker-compose topology, checked without Docker.

First the file itself: the five services, and commands that point at modules that exist.
Then the same commands run for real as processes (gunicorn, a Celery worker and Celery beat
under the production settings) on the PostgreSQL test database and the Redis of REDIS_URL.
"""

import http.client
import json
import re
import secrets
import shlex
import subprocess
import sys
import time
import uuid
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app

from cop_portal.models import Heartbeat
from cop_portal.tasks import ping
from tests.processes import (
    BASE_DIR,
    executable,
    free_port,
    service_env,
    wait_for,
    wait_for_result,
)

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]


def command_line(service: str) -> str:
    """Return a service's command as one shell-like string."""
    command = SERVICES[service]["command"]
    if isinstance(command, list):
        if command[:2] == ["sh", "-c"]:
            return command[2]
        return shlex.join(command)
    return command


def gunicorn_args(service: str = "web") -> list[str]:
    """Return the gunicorn part of a service's command (the web command migrates first)."""
    for part in command_line(service).split("&&"):
        args = shlex.split(part)
        if args and args[0] == "gunicorn":
            return args
    raise AssertionError(f"{service} does not run gunicorn: {command_line(service)}")


def with_option(args: list[str], option: str, value: str) -> list[str]:
    """Return args with option (as "--opt value" or "--opt=value") set to value."""
    result, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == option:
            skip = True
            continue
        if arg.startswith(option + "="):
            continue
        result.append(arg)
    return [*result, f"{option}={value}"]


# --- The compose file -------------------------------------------------------------------------


def test_compose_defines_web_worker_beat_postgres_and_redis():
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")


def test_web_runs_gunicorn_on_a_wsgi_application_that_exists():
    args = gunicorn_args()
    target = next(arg for arg in args[1:] if not arg.startswith("-") and ":" in arg)
    assert target == "cop_portal.wsgi:application"
    module_name, attribute = target.split(":")
    assert find_spec(module_name) is not None
    application = getattr(import_module(module_name), attribute)
    assert callable(application)
    assert "migrate" in command_line("web"), "the web service applies migrations before serving"
    assert find_spec("gunicorn") is not None


@pytest.mark.parametrize("service,role", [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_the_portal_celery_app(service, role):
    match = re.search(r"\bcelery\s+-A\s+(\S+)\s+(\w+)", command_line(service))
    assert match, f"{service} runs celery -A <app>: {command_line(service)}"
    app_name, command = match.groups()
    assert (app_name, command) == ("cop_portal", role)
    assert find_spec(app_name) is not None
    celery_module = import_module("cop_portal.celery")
    assert isinstance(celery_module.app, Celery)
    # The CLI finds the app by the name given to -A exactly like this.
    assert find_app(app_name) is celery_module.app


def test_app_services_share_one_image_and_the_production_settings():
    for name in APP_SERVICES:
        service = SERVICES[name]
        environment = service["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "cop_portal.settings.production"
        assert find_spec(environment["DJANGO_SETTINGS_MODULE"]) is not None
        assert environment["DATABASE_URL"].startswith("postgres://") and "@postgres:" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert service["build"] == "."
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "SECRET_KEY" not in environment, "the secret comes from .env, never from the compose file"
    for name in ("postgres", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], f"{name} has a health check the app services wait for"


def test_compose_runs_an_object_store_with_a_private_bucket_the_app_services_use():
    from cop_portal.settings.base import object_storage_options

    minio = SERVICES["minio"]
    assert minio["image"].startswith("minio/minio")
    assert minio["command"][:2] == ["server", "/data"]
    assert minio["healthcheck"]["test"], "the bucket is created once MinIO answers"
    # The root credentials come from .env, never from the compose file.
    for value in minio["environment"].values():
        assert value.startswith("${AWS_"), value
    create = SERVICES["createbucket"]
    assert create["image"].startswith("minio/mc")
    for image in (minio["image"], create["image"]):
        assert ":RELEASE." in image, f"{image}: a pinned release, not latest"
    assert create["depends_on"]["minio"]["condition"] == "service_healthy"
    script = " ".join(create["entrypoint"])
    assert "mc mb --ignore-existing store/cop-portal" in script
    assert "mc anonymous set none store/cop-portal" in script, "the bucket stays private"
    for name in [*APP_SERVICES, "receive_mail"]:
        service = SERVICES[name]
        environment = service["environment"]
        options = object_storage_options(environment["STORAGE_URL"])
        assert options["bucket_name"] == "cop-portal"
        assert options["endpoint_url"] == "http://minio:9000" and options["addressing_style"] == "path"
        assert "access_key" not in options, "credentials come from .env (AWS_ACCESS_KEY_ID), not the URL"
        assert environment["STORAGE_PUBLIC_ENDPOINT_URL"]
        assert service["depends_on"]["createbucket"]["condition"] == "service_completed_successfully"
        assert not service.get("volumes"), f"{name} keeps no files of its own: web nodes are stateless"


def test_the_image_installs_exactly_the_locked_requirements():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "COPY requirements.lock" in dockerfile
    install = next(line for line in dockerfile.splitlines() if "pip install" in line)
    assert "-r requirements.lock" in install
    assert "--require-hashes" in install and "--no-deps" in install
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER\s+(?!root)\w+", dockerfile, re.MULTILINE), "the services do not run as root"


def test_the_image_leaves_local_secrets_and_state_out():
    ignored = {line.strip() for line in (BASE_DIR / ".dockerignore").read_text().splitlines()}
    assert {".env", ".venv", "var", "node_modules", ".git"} <= ignored


# --- The topology, running ----------------------------------------------------------------------


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def answers(port: int) -> bool:
    try:
        http_get(port, "/healthz")
    except OSError:
        return False
    return True


@pytest.fixture
def production_env(tmp_path):
    """Return the production environment the compose services get, on the test's services."""
    static_root = tmp_path / "staticfiles"
    return service_env(
        DJANGO_SETTINGS_MODULE="cop_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        # The first host is the public name; 127.0.0.1 lets this test talk to gunicorn directly.
        ALLOWED_HOSTS="cop.example.org,127.0.0.1",
        STATIC_ROOT=str(static_root),
        DEBUG="false",
    )


def test_the_compose_topology_serves_runs_tasks_and_schedules(
    services, broker_app, worker_queue, production_env, tmp_path
):
    # The worker and beat start first: they need no static files, and Django takes a while to load.
    worker_args = [
        executable("celery"),
        *shlex.split(command_line("worker"))[1:],
        "-Q",
        worker_queue,
        "-n",
        f"{worker_queue}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    worker = services("worker", worker_args, production_env)
    schedule = tmp_path / "beat" / "celerybeat-schedule"
    schedule.parent.mkdir()
    beat_args = with_option([executable("celery"), *shlex.split(command_line("beat"))[1:]], "--schedule", str(schedule))
    beat = services("beat", beat_args, production_env)

    # The production settings serve static files from the manifest collectstatic writes.
    collect = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert collect.returncode == 0, collect.stdout + collect.stderr
    assert (Path(production_env["STATIC_ROOT"]) / "staticfiles.json").exists()

    port = free_port()
    web_args = with_option(gunicorn_args(), "--bind", f"127.0.0.1:{port}")
    web_args = with_option(web_args, "--workers", "2")
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    metrics_token = secrets.token_urlsafe(32)
    web_env = {**production_env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "METRICS_TOKEN": metrics_token}
    web = services("web", [executable("gunicorn"), *web_args[1:]], web_env)
    assert wait_for(lambda: answers(port) or not web.alive, timeout=60), web.describe()
    assert web.alive, web.describe()

    # /healthz: the three backing services answer.
    status, headers, body = http_get(port, "/healthz", {"Host": "cop.example.org"})
    assert status == 200, body
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok"}}
    assert "no-cache" in headers.get("cache-control", "") or "max-age=0" in headers.get("cache-control", "")

    # The compose health check itself passes against this gunicorn.
    probe = SERVICES["web"]["healthcheck"]["test"]
    assert probe[:2] == ["CMD", "python"]
    probe_code = probe[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    check = subprocess.run([sys.executable, "-c", probe_code], env=production_env, capture_output=True, timeout=30)  # noqa: S603
    assert check.returncode == 0, check.stderr.decode()

    # Production sends plain HTTP to HTTPS, except the health check; behind the proxy pages render.
    status, headers, _ = http_get(port, "/", {"Host": "cop.example.org"})
    assert status == 301 and headers["location"] == "https://cop.example.org/"
    https = {"Host": "cop.example.org", "X-Forwarded-Proto": "https"}
    status, headers, body = http_get(port, "/", https)
    assert status == 200, body[:2000]
    assert "strict-transport-security" in headers
    stylesheet = re.search(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "pages link the hashed (manifest) stylesheet"
    status, headers, _ = http_get(port, stylesheet.group(1).decode(), https)
    assert status == 200
    assert "immutable" in headers.get("cache-control", ""), "WhiteNoise serves hashed files forever"
    status, _, _ = http_get(port, "/healthz", {"Host": "evil.example"})
    assert status == 400, "only ALLOWED_HOSTS are served"

    # /readyz: migrations applied. /metrics: the token reads the requests of both workers summed.
    status, _, body = http_get(port, "/readyz", {"Host": "cop.example.org"})
    assert status == 200 and json.loads(body)["status"] == "ready", body
    for _ in range(6):
        http_get(port, "/", https)
    status, _, _ = http_get(port, "/metrics", {"Host": "cop.example.org"})
    assert status == 404, "no token, no metrics"
    status, headers, body = http_get(
        port, "/metrics", {"Host": "cop.example.org", "Authorization": f"Bearer {metrics_token}"}
    )
    assert status == 200, body[:500]
    served = re.search(
        rb'django_http_responses_total_by_status_view_method_total\{method="GET",status="200",view="directory"\} (\S+)',
        body,
    )
    assert served and float(served.group(1)) >= 7, body.decode()[:3000]
    assert b"cop_outbox_lag_seconds" in body
    assert len(list(metrics_dir.glob("*.db"))) >= 2, "each worker writes its own metrics file"
    # Production logs are JSON lines carrying the request id the response names.
    status, headers, _ = http_get(port, "/", {**https, "X-Request-ID": "topology-req-1"})
    assert headers["x-request-id"] == "topology-req-1"

    # A task sent through Redis runs in the worker, which writes to the database.
    token = f"topology-{uuid.uuid4().hex}"
    result = ping.apply_async(args=[token], queue=worker_queue)
    assert wait_for_result(result, worker) == token
    assert Heartbeat.objects.filter(token=token).exists()

    # Beat starts, keeps its schedule in the given file, and stays up.
    assert wait_for(lambda: "beat: Starting..." in beat.log() or not beat.alive, timeout=60), beat.describe()
    time.sleep(3)
    assert beat.alive, beat.describe()
    assert "beat: Starting..." in beat.log(), beat.describe()
    assert list(schedule.parent.glob("celerybeat-schedule*")), "beat writes its schedule where it was told"
    assert worker.alive and web.alive


def test_receive_mail_runs_the_inbound_mail_server_of_the_portal():
    command = command_line("receive_mail")
    assert re.search(r"\bmanage\.py\s+receive_mail\b", command), command
    assert "--port" in command and "--host" in command
    assert find_spec("discussions.management.commands.receive_mail") is not None
    assert SERVICES["receive_mail"]["environment"]["DJANGO_SETTINGS_MODULE"] == "cop_portal.settings.production"


# --- Issue 14, item 9: the production start refuses to run without a shared cache ---------------------------


DEPLOY_CHECK = "python manage.py check --deploy --fail-level ERROR"


def test_the_web_service_runs_the_deployment_checks_before_gunicorn():
    parts = [part.strip() for part in command_line("web").split("&&")]
    assert DEPLOY_CHECK in parts, "check --deploy stops the start on an error (e.g. no shared cache)"
    gunicorn_at = next(index for index, part in enumerate(parts) if part.startswith("gunicorn"))
    assert parts.index(DEPLOY_CHECK) < gunicorn_at
    assert "||" not in command_line("web") and ";" not in command_line("web"), "a failed check must stop the start"


def test_the_images_own_command_runs_the_deployment_checks_before_gunicorn():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    command = json.loads(cmd.removeprefix("CMD "))
    assert command[:2] == ["sh", "-c"]
    parts = [part.strip() for part in command[2].split("&&")]
    assert parts[0] == DEPLOY_CHECK
    assert parts[-1].removeprefix("exec ").startswith("gunicorn cop_portal.wsgi:application")
