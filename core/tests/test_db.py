"""Raw SQL per vendor in migrations, visible to sqlmigrate."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from core.db import sql_in


def sqlmigrate(app: str, name: str, database: str) -> str:
    out = io.StringIO()
    call_command("sqlmigrate", app, name, database=database, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_sqlmigrate_shows_postgresqls_own_raw_sql():
    postgres = sqlmigrate("matching", "0002", "default")
    assert "EXCLUDE USING gist" in postgres
    assert "WHERE (status IN ('asked', 'accepted'))" in postgres
    assert "CREATE TRIGGER" not in postgres
    assert "volunteer_matching_cover" not in sqlmigrate("matching", "0007", "default")


def test_sqlmigrate_shows_sqlites_own_raw_sql(tmp_path):
    """As an operator on the embedded default sees it: ``manage.py sqlmigrate`` on an SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_READ_DOT_ENV": "false"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)

    def sqlite_sqlmigrate(name: str) -> str:
        command = [sys.executable, "manage.py", "sqlmigrate", "matching", name]
        return subprocess.run(
            command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout

    sqlite = sqlite_sqlmigrate("0002")
    assert "CREATE TRIGGER IF NOT EXISTS match_no_double_booking_insert" in sqlite
    assert "EXCLUDE" not in sqlite
    # The repair after SQLite's table rebuild runs there only.
    assert "volunteer_matching_cover" in sqlite_sqlmigrate("0007")


def test_sql_in_quotes_constants_and_refuses_quotes():
    assert sql_in(["asked", "accepted"]) == "('asked', 'accepted')"
    with pytest.raises(ValueError):
        sql_in(["x' OR '1'='1"])
