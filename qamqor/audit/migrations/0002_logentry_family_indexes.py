"""Indexes on the audit log's `additional_data` keys that the head's search, the retention (one
family's entries) and the breach drill filter by. auditlog's table is not ours to model, so the
indexes are plain SQL, on PostgreSQL only: without them each family anonymised reads the whole
log. SQLite (one machine, a small log) does without: its JSON lookups are not indexable as Django
writes them."""

from django.db import migrations

INDEXES = {
    "qamqor_logentry_parent_id": "parent_id",
    "qamqor_logentry_organization_id": "organization_id",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, key in INDEXES.items():
        # The same expression as Django's `additional_data__<key>=value` lookup, so it is used.
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON auditlog_logentry ((additional_data -> '{key}'))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop)]
