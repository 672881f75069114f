"""The portal's PostgreSQL connections run without JIT compilation (settings: DATABASE_JIT) or parallel workers.

With JIT on, the permission-scoped subqueries of a member's knowledge search passed PostgreSQL's
jit_above_cost and compiled about 13,000 functions per query: 116 s on the demo data instead of
0.3 s. These tests fail if the setting stops reaching the connection.
"""

import pytest
from django.db import connection

from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def test_the_portals_connections_run_without_jit():
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_members_knowledge_search_plans_no_jit(demo_data):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    from cop_portal.search.views import search_knowledge
    from members.models import User

    member = User.objects.get(email="member.rebuild@cop.demo")
    found = search_knowledge(user=member, q="community", limit=1000)
    plan = found.explain(format="text")
    assert "JIT" not in plan, plan[-500:]
    assert list(found), "the demo member finds knowledge about the community"


def test_the_portals_connections_start_no_parallel_workers():
    """A worker per Gather cost a member's selective search 17 ms where the plans without one take 6 (issue 15)."""
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
