"""Raw SQL per vendor in migrations, visible to sqlmigrate."""

import io

import pytest
from django.core.management import call_command

from core.db import sql_in


def sqlmigrate(app: str, name: str, database: str) -> str:
    out = io.StringIO()
    call_command("sqlmigrate", app, name, database=database, stdout=out)
    return out.getvalue()


# transaction=True: SQLite's schema editor refuses to work inside the test's wrapping transaction.
@pytest.mark.django_db(databases=["default", "sqlite"], transaction=True)
def test_sqlmigrate_shows_each_vendors_own_raw_sql():
    postgres = sqlmigrate("matching", "0002", "default")
    sqlite = sqlmigrate("matching", "0002", "sqlite")
    assert "EXCLUDE USING gist" in postgres
    assert "WHERE (status IN ('asked', 'accepted'))" in postgres
    assert "CREATE TRIGGER" not in postgres
    assert "CREATE TRIGGER IF NOT EXISTS match_no_double_booking_insert" in sqlite
    assert "EXCLUDE" not in sqlite
    # The repair after SQLite's table rebuild runs there only.
    assert "volunteer_matching_cover" in sqlmigrate("matching", "0007", "sqlite")
    assert "volunteer_matching_cover" not in sqlmigrate("matching", "0007", "default")


def test_sql_in_quotes_constants_and_refuses_quotes():
    assert sql_in(["asked", "accepted"]) == "('asked', 'accepted')"
    with pytest.raises(ValueError):
        sql_in(["x' OR '1'='1"])
