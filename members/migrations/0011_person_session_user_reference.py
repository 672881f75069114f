"""The session's user_id becomes a reference to the person, with no constraint: the same column and index.

Only Django's state changes (an indexed bigint column named user_id either way, and the index name is
derived from the table and the column), so no session is lost and nothing is rewritten.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_perf_user_name_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="personsession", name="user_id"),
                migrations.AddField(
                    model_name="personsession",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
