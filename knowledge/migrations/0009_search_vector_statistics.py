"""A finer statistics sample of the items' search vectors, so a rare word is known to be rare (issue 15).

With PostgreSQL's default sample (statistics target 100), the planner guessed that a word missing
from the sample's most common lexemes matches 5,765 of the network's million items; "saffron" matches
134. Trusting that guess, it read each public community's items by the (community, status, visibility)
index, 9,400 index entries per community, to intersect them with the word's: 26 ms of a visitor's
search, twice (results and count). Sampled at 1,000 the guess is 585 and the word's index alone is
read: 1 ms. ANALYZE (autovacuum's, or seed_scale's) applies the target.
"""

from django.db import migrations

TABLE, COLUMN, TARGET = "knowledge_knowledgeitem", "search_vector", 1000


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STATISTICS {TARGET}")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0008_published_has_date")]

    operations = [migrations.RunPython(finer, default, elidable=False)]
