from django.db import migrations, models
from django.db.models.functions import Coalesce


def date_the_published(apps, schema_editor):
    """Give a published item without a date its last change's (none should exist: the services set it)."""
    KnowledgeItem = apps.get_model("knowledge", "KnowledgeItem")
    undated = KnowledgeItem.objects.filter(status="published", published_at__isnull=True)
    undated.update(published_at=Coalesce("updated_at", "created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0007_i17items_translations"),
    ]

    operations = [
        migrations.RunPython(date_the_published, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="knowledgeitem",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("status", "published"), _negated=True), ("published_at__isnull", False), _connector="OR"),
                name="knowledge_item_published_has_date",
            ),
        ),
    ]
