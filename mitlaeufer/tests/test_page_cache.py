"""Whole public pages kept for anonymous visitors (core/page_cache.py), each served with its own tokens."""

import re
import time

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.spam import FORM_STARTED_SALT
from directory.tests.initiative_factories import InitiativeFactory
from matching.requests.tests.helpers import office

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="form_started" value="([^"]+)"')


@pytest.fixture
def page_cache(settings):
    from django.core.cache import cache, caches

    settings.PAGE_CACHE_PATHS = [r"^/$", r"^/anfrage/$", r"^/initiativen/$", r"^/initiativen/(?!eintragen/)[\w-]+/$"]
    caches["local"].clear()
    cache.clear()
    yield
    caches["local"].clear()


def visit(path: str, **cookies: str):
    browser = Client(enforce_csrf_checks=True)  # a new visitor: a new handler reads the settings above
    for name, value in cookies.items():
        browser.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(path)
    assert response.status_code == 200
    return browser, response, len(queries)


def test_the_second_visitor_gets_the_kept_page_with_a_token_of_their_own_that_works(page_cache):
    initiative = InitiativeFactory(name="Erwerbslosentreff Mitte")
    path = f"/initiativen/{initiative.slug}/"
    _first, first, first_queries = visit(path)
    second_browser, second, second_queries = visit(path)

    assert first_queries > 0 and second_queries == 0, "the second visit rendered the page again"
    assert "Erwerbslosentreff Mitte" in second.content.decode()
    [first_token] = set(TOKEN.findall(first.content.decode()))
    [second_token] = set(TOKEN.findall(second.content.decode()))
    assert first_token != second_token
    assert "\x00" not in second.content.decode()
    # The kept page sets the CSRF cookie for a new visitor, as rendering it would, and its token is accepted.
    assert "csrftoken" in second.cookies
    switched = second_browser.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": second_token}
    )
    assert switched.status_code == 302


def test_each_visitor_of_the_request_form_gets_a_fresh_start_time(page_cache):
    office()
    _b, first, _q = visit("/anfrage/")
    time.sleep(1.1)  # the start time counts whole seconds
    _b, second, queries = visit("/anfrage/")
    [started_first] = STARTED.findall(first.content.decode())
    [started_second] = STARTED.findall(second.content.decode())
    assert queries == 0
    # Not the kept one: the minimum fill time counts from this visitor's own arrival.
    assert signing.loads(started_second, salt=FORM_STARTED_SALT) > signing.loads(started_first, salt=FORM_STARTED_SALT)


def test_languages_are_kept_apart(page_cache):
    visit("/")
    _b, english, _q = visit("/", django_language="en")
    assert '<html lang="en"' in english.content.decode()
    _b, german, queries = visit("/")
    assert '<html lang="de"' in german.content.decode() and queries == 0


def test_a_visitor_with_a_session_or_a_message_is_never_served_a_kept_page(page_cache):
    visit("/")
    for cookie in ("sessionid", "messages"):
        browser = Client()
        browser.cookies[cookie] = "anything"
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/").status_code == 200
        assert len(queries) > 0, f"a visitor with {cookie} got the kept page"


def test_a_changed_initiative_shows_at_once(page_cache, django_capture_on_commit_callbacks):
    initiative = InitiativeFactory(name="Alter Name")
    path = f"/initiativen/{initiative.slug}/"
    visit(path)
    with django_capture_on_commit_callbacks(execute=True):
        initiative.name = "Neuer Name"
        initiative.save()
    _b, response, queries = visit(path)
    assert "Neuer Name" in response.content.decode() and queries > 0


def test_error_pages_are_not_kept(page_cache):
    assert Client().get("/initiativen/gibt-es-nicht/").status_code == 404
    with CaptureQueriesContext(connection) as again:
        assert Client().get("/initiativen/gibt-es-nicht/").status_code == 404
    assert len(again) > 0
