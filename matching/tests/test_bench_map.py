"""bench_map runs as operators run it: on a kept bench_matching database, printing each figure and the baseline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str) -> str:
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mitlaeufer.settings", "DJANGO_READ_DOT_ENV": "false"}
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    # A database that does not exist: the benchmarks must not read through the configured one.
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{server}/nowhere_{os.getpid()}"
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_bench_map_times_the_snapshot_the_map_and_the_page_against_a_bare_count():
    name = f"{connection.settings_dict['NAME']}_map"
    try:
        manage(
            "bench_matching", "--volunteers", "300", "--offices", "3", "--queries", "1", "--baseline-queries", "0",
            "--keep", "--scratch-name", name,
        )  # fmt: skip
        output = manage("bench_map", "--scratch-name", name, "--repeat", "1")
        assert "load average at start" in output and "load average at end" in output
        assert "| baseline: SELECT count(*) FROM volunteers_volunteer |" in output
        assert "| statistics page (Berlin coordinator) |" in output
        assert "rows: volunteers_volunteer 300" in output
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
