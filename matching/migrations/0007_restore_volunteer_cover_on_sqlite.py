"""SQLite rebuilds the volunteer table to add a column (volunteers/0002), which drops
the covering index of matching/0002. Put it back; PostgreSQL keeps it."""

import importlib

from django.db import migrations


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    guards = importlib.import_module("matching.migrations.0002_matching_index")
    for statement in guards.SQLITE_FORWARD:
        if "volunteers_volunteer" in statement:
            schema_editor.execute(statement.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS "))


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_match_volunteer_set_null"),
        ("volunteers", "0002_volunteer_language"),
    ]
    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
