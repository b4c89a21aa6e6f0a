"""bench_web --short, as CI would run it: gunicorn with production settings, every public page against a bare view."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def test_bench_web_short_measures_every_public_page_as_a_ratio_to_the_bare_view():
    db = connection.settings_dict
    name = f"{db['NAME']}_web"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mitlaeufer.settings", "DJANGO_READ_DOT_ENV": "false"}
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    command = [sys.executable, "manage.py", "bench_web", "--short", "--threads", "2", "--scratch-name", name]
    try:
        result = subprocess.run(  # noqa: S603  (our own command)
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert result.returncode == 0, result.stderr[-3000:]
    rows = dict(re.findall(r"^\| (.+?) \| ([0-9,]+ req/s, p99 .*) \|$", result.stdout, re.MULTILINE))
    assert list(rows) == [
        "bare view (same middleware)",
        "`/`",
        "`/anfrage/`",
        "`/initiativen/?plz=10115`",
        *[key for key in rows if key.startswith("`/initiativen/") and key.endswith("/`")],
        "`/healthz`",
    ]
    assert rows["bare view (same middleware)"].endswith("1.00×")
    assert not any("errors" in row for row in rows.values()), rows
