"""No double booking, enforced by PostgreSQL itself (DESIGN.md).

Exclusion constraints (btree_gist + range overlap) keep a person, a room and a child out of two
active appointments at the same time. SQLite has no such constraint; there every write
transaction is IMMEDIATE (settings.py), so the service's check and insert run one at a time.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINTS = [
    (
        "scheduling_appointmentspecialist",
        "appointment_person_no_overlap",
        "EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (is_active)",
    ),
    (
        "scheduling_appointment",
        "appointment_room_no_overlap",
        "EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status <> 'cancelled' AND room_id IS NOT NULL)",
    ),
    (
        "scheduling_appointment",
        "appointment_child_no_overlap",
        "EXCLUDE USING gist (child_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status <> 'cancelled' AND child_id IS NOT NULL)",
    ),
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [BtreeGistExtension(), migrations.RunPython(add, remove)]
