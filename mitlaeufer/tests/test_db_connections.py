"""Production keeps database connections (web and worker), checked before reuse; development does not."""

import json
import os
import subprocess
import sys
from pathlib import Path

from mitlaeufer.tests.production_env import production_env

ROOT = Path(__file__).resolve().parents[2]
PRINT_DB = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], s.CELERY_DB_REUSE_MAX]))"
)


def database_settings(**env: str) -> list:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DB_CONN")}
    environment.update(DJANGO_SETTINGS_MODULE="mitlaeufer.settings", DATABASE_URL="postgres://u@h:5432/d", **env)
    result = subprocess.run(  # noqa: S603  (our own interpreter and a fixed script)
        [sys.executable, "-c", PRINT_DB], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_connections_for_a_minute_with_health_checks():
    max_age, health_checks, reuse_max = database_settings(**production_env())
    assert (max_age, health_checks) == (60, True)
    # Celery's fixup must not close them around every task (mitlaeufer/celery.py does it Django's way).
    assert reuse_max >= 1_000_000


def test_development_connects_per_request_and_the_operator_can_change_both():
    assert database_settings(DJANGO_DEBUG="true", DJANGO_READ_DOT_ENV="false")[:2] == [0, True]
    assert database_settings(**production_env(), DB_CONN_MAX_AGE="5", DB_CONN_HEALTH_CHECKS="false")[:2] == [5, False]
