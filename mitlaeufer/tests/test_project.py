"""Project-wide behaviour: health probe, production settings, public pages, languages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from mitlaeufer.tests.production_env import production_env

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


# --- /healthz ---------------------------------------------------------------------------------


def test_healthz_reports_database_and_broker_ok_on_the_real_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_healthz_keeps_its_broker_connection_and_sees_an_outage_and_the_recovery(client, settings, redis_server):
    # One client per process (no new connection per probe), yet a stopped broker shows at once, and so does its return.
    settings.REDIS_URL = redis_server.url
    assert client.get("/healthz").status_code == 200
    redis_server.stop()
    assert client.get("/healthz").json()["broker"] == "down"
    redis_server.start()
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok"}


# --- production settings ----------------------------------------------------------------------


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process, which --deploy rejects.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603  (our own manage.py with fixed arguments)
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_the_deploy_check_passes_with_production_like_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_mode_runs_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="true", SECRET_KEY="")
    assert result.returncode == 0, result.stderr


# --- public pages -----------------------------------------------------------------------------


def test_the_landing_page_is_german_and_shows_both_paths(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Ich möchte begleitet werden" in content
    assert "Ich möchte begleiten" in content
    assert 'href="/anfrage/"' in content
    assert 'href="/mitmachen/"' in content
    assert "Beistand" in content


@pytest.mark.parametrize(("path", "heading"), [("/datenschutz/", "Datenschutz"), ("/impressum/", "Impressum")])
def test_the_legal_pages_render_in_german(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert f'<h1 class="h2">{heading}</h1>' in content


def test_the_privacy_page_names_the_current_policy_version(client):
    assert settings.PRIVACY_POLICY_VERSION in client.get("/datenschutz/").content.decode()


def test_the_imprint_names_the_operator(client):
    assert settings.IMPRINT["name"] in client.get("/impressum/").content.decode()


def test_pages_load_bootstrap_from_our_own_server(client):
    content = client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in content
    assert "cdn" not in content.lower()
    assert "https://" not in content


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


@pytest.mark.parametrize("path", ["/", "/datenschutz/", "/impressum/", "/mitmachen/"])
def test_the_language_switcher_turns_a_page_english(client, path):
    response = client.post("/i18n/setlang/", {"language": "en", "next": path}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == path
    assert '<html lang="en">' in response.content.decode()
    assert '<html lang="en">' in client.get("/").content.decode()


def test_switching_back_to_german_works(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


def test_the_login_page_speaks_formal_german_and_links_to_the_signup(client):
    content = client.get("/konto/login/").content.decode()
    assert '<h1 class="h2">Anmelden</h1>' in content
    assert 'href="/mitmachen/"' in content
    assert "Du hast" not in content
