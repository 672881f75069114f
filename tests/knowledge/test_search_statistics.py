"""The items' search vectors are sampled finely enough for the planner to know a rare word is rare (issue 15)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL statistics target"),
]


def test_the_search_vector_has_a_statistics_target_of_a_thousand():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'knowledge_knowledgeitem'::regclass "
            "AND attname = 'search_vector'"
        )
        (target,) = cursor.fetchone()
    assert target == 1000
