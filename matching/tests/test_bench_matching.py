"""The matching benchmark keeps its scratch database on request and says where; it runs as operators run it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def scratch_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def bench(*args: str) -> str:
    """``manage.py bench_matching`` in its own process, tiny, against this suite's PostgreSQL server."""
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mitlaeufer.settings", "DJANGO_READ_DOT_ENV": "false"}
    # A database that does not exist: the benchmark must not read through the configured one.
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{server}/nowhere_{os.getpid()}"
    command = [sys.executable, "manage.py", "bench_matching", "--volunteers", "300", "--offices", "3"]
    command += ["--queries", "5", "--baseline-queries", "1", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_keep_keeps_the_scratch_database_and_says_where_and_reuse_opens_it():
    name = f"{connection.settings_dict['NAME']}_kept"
    try:
        output = bench("--keep", "--scratch-name", name)
        assert f"kept the scratch database: PostgreSQL database '{name}'" in output
        assert scratch_exists(name)
        assert "300 volunteers: indexed p50" in bench("--keep", "--reuse", "--scratch-name", name)
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_without_keep_the_scratch_database_is_dropped():
    name = f"{connection.settings_dict['NAME']}_dropped"
    assert "candidates per query" in bench("--scratch-name", name)
    assert not scratch_exists(name)
