"""The empty request form's rendering is kept per process (core.form_cache): alike for everyone, except what
must stay per request (the signed start time, the CSRF token) and what a visitor prefilled. The conftest
empties the kept renderings before each test."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from core.spam import FORM_STARTED_SALT
from matching.models import AccompanimentRequest
from matching.requests.tests.helpers import form_data, office

pytestmark = pytest.mark.django_db

URL = "/anfrage/"
STARTED = re.compile(r'name="form_started" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client: Client, path: str = URL) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_every_visitor_gets_their_own_start_time_and_csrf_token_in_an_otherwise_identical_form():
    first = page(Client())
    time.sleep(1.1)  # the start time counts whole seconds
    shown_at = int(time.time())
    second = page(Client())

    started = [STARTED.findall(html) for html in (first, second)]
    assert [len(found) for found in started] == [1, 1]
    assert signing.loads(started[1][0], salt=FORM_STARTED_SALT) >= shown_at
    assert signing.loads(started[0][0], salt=FORM_STARTED_SALT) < shown_at
    csrf = [CSRF.findall(html) for html in (first, second)]
    assert [len(found) for found in csrf] == [2, 2]  # the form's and the language bar's
    assert set(csrf[0]).isdisjoint(csrf[1])
    # Everything else is the same page.
    assert CSRF.sub("", STARTED.sub("", first)) == CSRF.sub("", STARTED.sub("", second))


def test_a_form_from_the_kept_rendering_can_be_sent(client, settings, django_capture_on_commit_callbacks):
    settings.SPAM_MIN_FILL_SECONDS = 0
    page(Client())  # someone else's visit fills the kept rendering
    html = page(client)
    (started,) = STARTED.findall(html)
    the_office = office()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**form_data(the_office), "form_started": started})

    assert response.status_code == 302
    assert AccompanimentRequest.objects.count() == 1


def test_a_forged_start_time_is_still_refused_after_the_kept_rendering(client):
    page(Client())
    the_office = office()

    response = client.post(URL, {**form_data(the_office), "form_started": "forged"})

    assert response.status_code == 400  # the view's answer to a tampered form
    assert AccompanimentRequest.objects.count() == 0


def test_each_language_has_its_own_rendering(client):
    german = page(client)
    client.cookies["django_language"] = "en"
    english = page(client)

    assert "Wann ist Ihr Termin?" in german
    assert "Wann ist Ihr Termin?" not in english
    assert 'lang="en"' in english


def test_a_prefilled_office_search_is_rendered_for_this_visitor_only(client):
    the_office = office()
    page(Client())

    prefilled = page(client, f"{URL}?amt={the_office.postal_code_id}")
    empty_again = page(Client())

    assert f'value="{the_office.postal_code_id}"' in prefilled
    assert f'<option value="{the_office.pk}"' in prefilled
    assert f'<option value="{the_office.pk}"' not in empty_again


def test_when_the_allowed_dates_change_the_form_shows_the_new_ones(client, settings):
    settings.REQUEST_MAX_DAYS_AHEAD = 30
    before = re.search(r'name="date"[^>]*max="([^"]+)"', page(client)).group(1)
    settings.REQUEST_MAX_DAYS_AHEAD = 60

    after = re.search(r'name="date"[^>]*max="([^"]+)"', page(client)).group(1)

    assert after > before


def test_a_sent_form_with_errors_shows_what_the_person_typed(client):
    page(Client())
    the_office = office()

    response = client.post(URL, {**form_data(the_office), "first_name": "", "email": "kein@beispiel.de"})

    html = response.content.decode()
    assert 'value="kein@beispiel.de"' in html
    assert "Bitte sagen Sie uns, wie wir Sie ansprechen dürfen." in html
