"""backup_database and verify_restore against the real PostgreSQL: counts per table survive a restore."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cop_portal.operations import backups
from tests.conftest import require_service
from tests.factories import CommunityFactory, UserFactory


@pytest.fixture
def postgres_only():
    require_service(connection.vendor == "postgresql", "PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_every_table_s_rows(postgres_only, tmp_path, capsys):
    CommunityFactory.create_batch(3)
    UserFactory.create_batch(4)
    dump = tmp_path / "cop.dump"

    call_command("backup_database", str(dump))
    manifest = json.loads(backups.manifest_path(dump).read_text())["tables"]
    assert manifest["public.communities_community"] == 3
    assert manifest["public.members_user"] == 4

    call_command("verify_restore", str(dump))
    assert "restores" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_lost_rows_fails(postgres_only, tmp_path):
    CommunityFactory.create_batch(2)
    dump = tmp_path / "cop.dump"
    call_command("backup_database", str(dump))
    path = backups.manifest_path(dump)
    manifest = json.loads(path.read_text())
    manifest["tables"]["public.communities_community"] = 5  # the dump holds 2
    path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="differs in 1 table"):
        call_command("verify_restore", str(dump))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'cop_restore_check_%%'")
        assert cursor.fetchone()[0] == 0, "the scratch database is dropped"
