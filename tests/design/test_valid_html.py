"""The served HTML of the main pages is valid: the Nu HTML Checker (vnu-jar from npm, on Java) finds no error.

The checker starts slowly (a JVM), so every page is written to a folder and checked in one run.
Warnings are allowed and written to test-results/vnu-warnings.txt; on these pages (English and
Arabic, signed in as a member or a coordinator) the checker gives none today.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from members.models import User
from tests.conftest import require_service
from tests.test_query_counts import COORDINATOR, MEMBER, _url

pytestmark = pytest.mark.django_db

PAGES = [
    ("directory", None, "/"),
    ("directory filtered", None, "/?q=rebuild&access=open"),
    ("community home", MEMBER, "/c/rebuild/"),
    ("meeting list", MEMBER, "/c/rebuild/meetings/"),
    ("meeting detail", COORDINATOR, "meeting"),
    ("knowledge list", MEMBER, "/c/rebuild/knowledge/"),
    ("knowledge item", MEMBER, "public item"),
    ("me", MEMBER, "/me/"),
    ("search", MEMBER, "/search/?q=community"),
    ("reports", COORDINATOR, "/c/rebuild/reports/"),
    ("member directory", MEMBER, "/c/rebuild/members/"),
    ("group page", MEMBER, "group"),
    ("discussions list", MEMBER, "/c/rebuild/discussions/"),
    ("discussion thread", MEMBER, "thread"),
]
LANGUAGES = ("en", "ar")


def vnu_jar() -> Path | None:
    """Return the checker's jar: VNU_JAR, else the one npm installed under node_modules."""
    candidates = [os.environ.get("VNU_JAR"), Path(settings.BASE_DIR) / "node_modules/vnu-jar/build/dist/vnu.jar"]
    return next((Path(path) for path in candidates if path and Path(path).is_file()), None)


def check(folder: Path, jar: Path) -> list[dict]:
    """Return the checker's messages on every .html file in folder (one JVM for all)."""
    run = subprocess.run(
        ["java", "-Xss4m", "-jar", str(jar), "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The checker writes its JSON report on stderr.
    return json.loads(run.stderr or run.stdout)["messages"]


def test_the_main_pages_are_valid_html_in_english_and_arabic(demo_data, client, tmp_path):
    jar = vnu_jar()
    require_service(jar is not None and shutil.which("java") is not None, "The Nu HTML Checker (vnu-jar and Java)")
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, email, url in PAGES:
            client.logout()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            if email:
                client.force_login(User.objects.get(email=email))
            response = client.get(_url(url))
            assert response.status_code == 200, (name, language, response.status_code)
            assert f'lang="{language}"' in response.content.decode()[:400], (name, language)
            (tmp_path / f"{language}-{name.replace(' ', '-')}.html").write_bytes(response.content)

    messages = check(tmp_path, jar)
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert not errors, "\n".join(
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract', '')[:120]!r}]"
        for m in errors[:40]
    )
    # Warnings are allowed; they are kept in test-results/ for a reader (see the module's docstring).
    from tests.design.conftest import RESULTS_DIR

    RESULTS_DIR.mkdir(exist_ok=True)
    warnings = sorted({f"{m.get('message')}" for m in messages if m.get("type") != "error"})
    (RESULTS_DIR / "vnu-warnings.txt").write_text("\n".join(warnings) + "\n", encoding="utf-8")
