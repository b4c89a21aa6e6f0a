"""/healthz is answered early (before host validation), but after the security headers are set."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_sends_the_security_headers(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.10", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_healthz_answers_plain_http_on_any_host_even_with_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["mitlaeufer.example.org"]
    response = client.get("/healthz", HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_pages_are_still_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/impressum/").status_code == 301
