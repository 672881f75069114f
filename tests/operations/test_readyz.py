"""/readyz: 200 when the database answers and every migration is applied, 503 otherwise."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from cop_portal import views


@pytest.fixture(autouse=True)
def _forget_readiness():
    views._migrated = False
    yield
    views._migrated = False


@pytest.mark.django_db
def test_ready_when_every_migration_is_applied(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_missing(client):
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="meetings").order_by("-id").first()
    last.delete()  # as if the new code ran before `migrate`

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "migrating", "unapplied_migrations": 1}
