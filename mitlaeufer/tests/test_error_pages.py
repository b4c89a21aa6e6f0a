"""404 and 500 in the site's design and German; crash reports without personal data."""

import io
import wsgiref.util

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, override_settings
from sentry_sdk.transport import Transport

from mitlaeufer.error_reporting import error_reporting_init, scrub, scrub_url

pytestmark = pytest.mark.django_db

TOKEN = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
PRODUCTION = {"DEBUG": False, "ROOT_URLCONF": "mitlaeufer.tests.error_urls", "ALLOWED_HOSTS": ["testserver"]}


@override_settings(**PRODUCTION)
def test_an_unknown_page_answers_404_in_german_in_the_sites_design(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Diese Seite gibt es nicht" in content
    assert 'href="/datenschutz/"' in content  # the site's footer: base.html
    assert "/static/css/site.css" in content


@override_settings(**PRODUCTION)
def test_the_404_page_follows_the_chosen_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/gibt-es-nicht/").content.decode()
    assert '<html lang="en">' in content
    assert "Diese Seite gibt es nicht" not in content


@override_settings(**PRODUCTION)
def test_a_crash_answers_500_in_german_in_the_sites_design():
    response = Client(raise_request_exception=False).get(f"/kaputt/{TOKEN}/")
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert "Ein Fehler ist passiert" in content
    assert "/static/css/site.css" in content
    assert "kaputt" not in content.lower().replace("/kaputt/", "")


class Captured(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope) -> None:
        self.events += [item.payload.json for item in envelope.items if item.type == "event"]


@pytest.fixture
def reported():
    transport = Captured()
    error_reporting_init(dsn="https://public@sentry.invalid/1", environment="test", transport=transport)
    try:
        yield transport.events
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)


def wsgi_post(path: str, body: str, **environ: str) -> None:
    """Through Django's real WSGI handler, as gunicorn calls it (the test client bypasses Sentry's WSGI hook)."""
    request = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body.encode())),
        "wsgi.input": io.BytesIO(body.encode()),
        **environ,
    }
    wsgiref.util.setup_testing_defaults(request)
    request["HTTP_HOST"] = "testserver"
    WSGIHandler()(request, lambda status, headers, exc_info=None: None)


@override_settings(**PRODUCTION)
def test_a_crash_is_reported_without_personal_data(reported):
    wsgi_post(
        f"/kaputt/{TOKEN}/?email=anna@beispiel.de",
        "first_name=Ay%C5%9Fe&phone=0203+123456",
        HTTP_COOKIE="sessionid=abc; tracking=anna",
        REMOTE_ADDR="203.0.113.10",
    )
    sentry_sdk.flush()
    assert len(reported) == 1
    event = reported[0]
    text = str(event)
    assert event["exception"]["values"][-1]["value"] == "kaputt"
    for secret in ("anna@beispiel.de", "Ayşe", "0203 123456", TOKEN, "203.0.113.10", "sessionid", "tracking"):
        assert secret not in text, secret
    assert event["request"]["url"] == "http://testserver/kaputt/[token]/"
    assert all("vars" not in frame for frame in event["exception"]["values"][-1]["stacktrace"]["frames"])


def test_scrub_drops_what_an_integration_might_still_attach():
    event = {
        "request": {"url": f"https://x.de/anfrage/{TOKEN}/?a=1", "data": {"e": 1}, "cookies": {"c": 1},
                    "query_string": "a=1", "headers": {"Cookie": "c", "User-Agent": "UA", "Referer": "r"}},
        "user": {"id": 7, "email": "a@b.de", "ip_address": "1.2.3.4"},
        "exception": {"values": [{"stacktrace": {"frames": [{"function": "f", "vars": {"email": "a@b.de"}}]}}]},
    }  # fmt: skip
    scrubbed = scrub(event)
    assert scrubbed["request"] == {"url": "https://x.de/anfrage/[token]/", "headers": {"User-Agent": "UA"}}
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f"}]


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/anfrage/", "/anfrage/"), ("/initiativen/eintragen/", "/initiativen/eintragen/"),
     (f"/einsatz/{TOKEN}/", "/einsatz/[token]/"),
     (f"/initiative/bearbeiten/{TOKEN}:1x2y", "/initiative/bearbeiten/[token]")],
)  # fmt: skip
def test_scrub_url_hides_secret_links_but_keeps_our_words(url, expected):
    assert scrub_url(url) == expected


@pytest.mark.parametrize(
    ("language", "heading"), [("de", "Das hat nicht geklappt"), ("en", "That did not work"), ("ar", "لم ينجح ذلك")]
)
def test_a_form_without_its_security_token_gets_our_page_in_the_readers_language(language, heading):
    # As after a form was left open for days or with cookies blocked: the token is missing.
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["django_language"] = language
    response = browser.post("/anfrage/", {"first_name": "Zeynep"})
    assert response.status_code == 403
    content = response.content.decode()
    assert f'<html lang="{language}"' in content
    assert heading in content
    assert "CSRF" not in content  # nothing technical
    assert 'href="/anfrage/"' in content
