"""The production checks (mitlaeufer/checks.py) refuse demo values when DEBUG is off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from mitlaeufer.checks import host_problem, placeholder_secret, redis_database
from mitlaeufer.tests.test_project import manage

REAL = {
    "SITE_URL": "https://mitlaeufer-duisburg.de",
    "DEFAULT_FROM_EMAIL": "Mitläufer <noreply@mitlaeufer-duisburg.de>",
    "SERVER_EMAIL": "Mitläufer <noreply@mitlaeufer-duisburg.de>",
    "SECRET_KEY": "k7Qz9vXw2LmP4rT8yB1nH6sD3fG5jC0aE-k7Qz9vXw2LmP4rT8yB1nH6sD3fG5jC0aE",
    "IMPRINT": {"name": "Verein Mitlaufen e. V.", "street": "Königstraße 1", "city": "47051 Duisburg",
                "email": "kontakt@mitlaeufer-duisburg.de"},
    "COORDINATOR_PHONE": "0203 98765-0",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": "redis://redis:6379/1"}},
}  # fmt: skip


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    for name, value in REAL.items():
        setattr(settings, name, value)
    return settings


def errors() -> list[str]:
    return [message.id for message in run_checks(tags=["mitlaeufer"])]


def test_real_values_pass(production):
    assert errors() == []


def test_debug_mode_says_nothing_about_demo_values(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert errors() == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "https://localhost", "https://mitlaeufer.example", "https://www.example.org",
     "https://web:8000", "https://192.168.1.10", "http://mitlaeufer-duisburg.de", "https://[::1]"],
)  # fmt: skip
def test_a_local_or_demo_site_url_is_refused(production, url):
    production.SITE_URL = url
    assert errors() == ["mitlaeufer.E001"]


@pytest.mark.parametrize("sender", ["Mitläufer <noreply@mitlaeufer.example>", "root@localhost", "webmaster"])
def test_a_local_or_demo_sender_is_refused(production, sender):
    production.DEFAULT_FROM_EMAIL = sender
    assert errors() == ["mitlaeufer.E002"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("street", "Musterstraße 1"), ("name", "Mitläufer-Initiative (Demo)"), ("email", "kontakt@mitlaeufer.example"),
     ("city", "")],
)  # fmt: skip
def test_the_demo_imprint_is_refused(production, key, value):
    production.IMPRINT = {**REAL["IMPRINT"], key: value}
    assert errors() == ["mitlaeufer.E003"]


@pytest.mark.parametrize("phone", ["0203 123 456 78", "", "  "])
def test_the_demo_or_an_empty_coordinator_phone_is_refused(production, phone):
    production.COORDINATOR_PHONE = phone
    assert errors() == ["mitlaeufer.E006"]


def test_the_placeholder_secret_of_env_example_is_refused(production):
    production.SECRET_KEY = placeholder_secret()
    assert production.SECRET_KEY.startswith("change-me")
    assert errors() == ["mitlaeufer.E004"]


def test_the_images_build_time_secret_is_refused(production):
    production.SECRET_KEY = "build-only-collectstatic-key-not-used-at-runtime-0123456789"
    assert errors() == ["mitlaeufer.E004"]


@pytest.mark.parametrize("cache", ["redis://redis:6379/0", "redis://redis:6379", "redis://redis/0?x=1"])
def test_a_cache_in_the_brokers_redis_database_is_refused(production, cache):
    production.CACHES = {"default": {**REAL["CACHES"]["default"], "LOCATION": cache}}
    assert errors() == ["mitlaeufer.E005"]


def test_a_cache_on_another_redis_server_with_the_same_number_passes(production):
    production.CACHES = {"default": {**REAL["CACHES"]["default"], "LOCATION": "redis://cache:6379/0"}}
    assert errors() == []


@pytest.mark.parametrize(
    ("host", "ok"),
    [("mitlaeufer.de", True), ("mitlaeufer.ci.invalid", True), ("88.198.50.1", True), ("203.0.113.5", False),
     ("localhost", False), ("example.com", False), ("a.b.example", False), ("printer.local", False),
     ("10.0.0.1", False), ("", False)],
)  # fmt: skip
def test_host_problem(host, ok):
    assert (host_problem(host) is None) == ok


def test_redis_database_reads_path_and_default():
    assert redis_database("redis://redis:6379/3") == ("redis", 6379, 3)
    assert redis_database("redis://h") == ("h", 6379, 0)
    assert redis_database("memory://") is None


def test_migrate_refuses_to_run_with_the_copied_env_example():
    """What an operator sees after `cp .env.example .env` without editing it (here: no database needed)."""
    values = {}
    for line in (Path(__file__).parents[2] / ".env.example").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    values.pop("DATABASE_URL", None)
    result = manage("check", **values, DJANGO_READ_DOT_ENV="false")
    assert result.returncode != 0
    # .env.example gives the cache its own Redis database, so E005 is not among them.
    for code in ("E001", "E002", "E003", "E004", "E006"):
        assert f"mitlaeufer.{code}" in result.stderr, result.stderr


def test_make_run_settings_ignore_a_production_env_file_in_the_checkout():
    """`make run` (DJANGO_READ_DOT_ENV=false) keeps the embedded default beside a production .env."""
    root = Path(__file__).parents[2]
    dot_env = root / ".env"
    created = not dot_env.exists()
    if created:
        dot_env.write_text("DJANGO_DEBUG=false\nSECRET_KEY=change-me\nDATABASE_URL=postgres://m:pw@db:5432/m\n")
    code = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"

    def shell(**env: str) -> subprocess.CompletedProcess:
        # Only PATH: as if typed into a fresh shell, without this test run's DATABASE_URL.
        return subprocess.run(  # noqa: S603  (our own manage.py with fixed arguments)
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=root, env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    try:
        kept = shell(DJANGO_READ_DOT_ENV="false")
        assert kept.stdout.strip() == "True django.db.backends.sqlite3", kept.stderr
        if created:
            assert shell().stdout.strip() == "False django.db.backends.postgresql"
    finally:
        if created:
            dot_env.unlink()
