"""Stateless web nodes: two gunicorn processes sharing only PostgreSQL, Redis and the object store.

Each node gets its own (empty) local folders for files, as two machines behind a load balancer
would. A person signs in on one and is signed in on the other (sessions in the database), a file
uploaded through one downloads through the other (files in the bucket), and failed sign-ins
counted on one are refused on the other (allauth's rate limits in the Redis cache).
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import urllib.parse

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from knowledge.models import ItemFile, KnowledgeItem
from tests.factories import CommunityFactory
from tests.knowledge.helpers import PASSWORD, make_item
from tests.processes import BASE_DIR, executable, free_port, require_postgres_and_redis, service_env, wait_for

from .conftest import new_bucket

PDF = b"%PDF-1.4\n% a plan shared between nodes\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class Node:
    """One web node, spoken to with explicit cookies (the production cookies are Secure; this is plain HTTP)."""

    def __init__(self, port: int, service):
        self.base = f"http://127.0.0.1:{port}"
        self.service = service

    def get(self, path: str, cookies: dict, **kwargs) -> requests.Response:
        return requests.get(self.base + path, cookies=cookies, allow_redirects=False, timeout=30, **kwargs)

    def post(self, path: str, cookies: dict, data: dict, **kwargs) -> requests.Response:
        return requests.post(self.base + path, cookies=cookies, data=data, allow_redirects=False, timeout=30, **kwargs)

    def csrf(self, path: str, cookies: dict) -> str:
        """Load a page with a form; keep its CSRF cookie in cookies and return the form's token."""
        response = self.get(path, cookies)
        assert response.status_code == 200, (response.status_code, self.service.describe())
        cookies.update(response.cookies.get_dict())
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert match, response.text[:2000]
        return match.group(1)

    def sign_in(self, email: str, password: str, cookies: dict) -> requests.Response:
        token = self.csrf("/accounts/login/", cookies)
        response = self.post(
            "/accounts/login/", cookies, {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )
        cookies.update(response.cookies.get_dict())
        return response


@pytest.fixture
def two_nodes(services, s3_server, tmp_path):
    require_postgres_and_redis()
    bucket = new_bucket(s3_server)
    static_root = tmp_path / "staticfiles"
    common = service_env(
        DJANGO_SETTINGS_MODULE="cop_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(static_root),
        STORAGE_URL=s3_server.storage_url(bucket),
        DEBUG="false",
    )
    collect = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=common,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stdout + collect.stderr
    nodes = []
    for name in ("a", "b"):
        port = free_port()
        own_disk = tmp_path / f"node-{name}"
        env = {**common, "MEDIA_ROOT": str(own_disk / "media"), "KNOWLEDGE_FILES_ROOT": str(own_disk / "private")}
        args = [executable("gunicorn"), "cop_portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        nodes.append((Node(port, services(f"web-{name}", args, env)), own_disk))
    for node, _disk in nodes:
        assert wait_for(lambda node=node: answers(node) or not node.service.alive, timeout=90), node.service.describe()
        assert node.service.alive, node.service.describe()
    return {"a": nodes[0][0], "b": nodes[1][0], "disks": [disk for _node, disk in nodes], "bucket": bucket}


def answers(node: Node) -> bool:
    try:
        requests.get(node.base + "/healthz", timeout=5)
    except requests.RequestException:
        return False
    return True


def production_password(user) -> None:
    """Give user PASSWORD hashed as production hashes (the test settings use a fast hasher it does not know)."""
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "two-nodes-salt", iterations=1000)
    type(user).objects.filter(pk=user.pk).update(password=hashed)


def test_two_nodes_share_sessions_files_and_rate_limits(two_nodes, s3_server):
    a, b = two_nodes["a"], two_nodes["b"]
    community = CommunityFactory()
    item = make_item(community, visibility=KnowledgeItem.Visibility.COMMUNITY)
    author = item.created_by
    production_password(author)

    # Signed in on A...
    cookies: dict = {}
    response = a.sign_in(author.email, PASSWORD, cookies)
    assert response.status_code == 302, response.text[:2000]
    assert "sessionid" in cookies
    # ...is signed in on B, with the same cookie: the account page answers instead of the sign-in page.
    response = b.get("/accounts/email/", cookies)
    assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
    assert author.email in response.text
    anonymous = b.get("/accounts/email/", {})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.headers["Location"]

    # A file uploaded through A...
    item_path = reverse("knowledge:item", args=[community.slug, item.pk])
    token = a.csrf(item_path, cookies)
    upload_path = reverse("knowledge:file_upload", args=[community.slug, item.pk])
    response = a.post(
        upload_path, cookies, {"csrfmiddlewaretoken": token}, files={"file": ("plan.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302, response.text[:2000]
    attached = ItemFile.objects.get(item=item)
    # ...is in the bucket, on neither node's disk...
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=two_nodes["bucket"]).get("Contents", [])]
    assert f"private/{attached.file.name}" in keys
    for disk in two_nodes["disks"]:
        assert not [p for p in disk.rglob("*") if p.is_file()], f"a file was written to {disk}"
    # ...and downloads through B, after B's permission check, by a presigned URL.
    download_path = reverse("knowledge:file_download", args=[community.slug, attached.uuid])
    response = b.get(download_path, cookies)
    assert response.status_code == 302, response.text[:500]
    location = response.headers["Location"]
    assert location.startswith(s3_server.endpoint_url) and "X-Amz-Signature=" in location
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert b.get(download_path, {}).status_code in {302, 404}
    assert "X-Amz" not in b.get(download_path, {}).headers.get("Location", "")

    # Failed sign-ins counted on A are refused on B, even with the right password.
    target = make_item(community).created_by
    production_password(target)
    for _ in range(5):
        response = a.sign_in(target.email, "wrong-password-here", {})
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.text
    response = b.sign_in(target.email, PASSWORD, fresh := {})
    assert "Too many failed login attempts" in response.text, response.text[:2000]
    assert "sessionid" not in fresh
    assert urllib.parse.urlsplit(a.base).port != urllib.parse.urlsplit(b.base).port
