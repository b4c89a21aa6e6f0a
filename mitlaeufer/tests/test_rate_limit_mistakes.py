"""A person who corrects form errors is not locked out by their own mistakes; accepted submissions still count.

Through the real views and the real (Redis) cache, behind one trusted proxy, as in production.
"""

import pytest
from django.test import Client

from directory.models import Initiative
from directory.tests.test_initiatives_submit import SUBMIT_URL, submission
from matching.models import AccompanimentRequest
from matching.requests.tests.helpers import form_data, office
from volunteers.models import Volunteer
from volunteers.tests.conftest import signup_form_data

pytestmark = pytest.mark.django_db

PROXY, CLIENT_A, CLIENT_B = "172.18.0.5", "203.0.113.10", "198.51.100.20"
MISTAKES = 15


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SPAM_MIN_FILL_SECONDS = 0


def post(url: str, data: dict, *, client_address: str = CLIENT_A) -> int:
    """POST as Caddy forwards it: the connection from the proxy, the client in X-Forwarded-For."""
    return Client().post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).status_code


def test_fifteen_invalid_requests_then_a_valid_one_succeeds_and_valid_ones_still_count(behind_one_proxy, settings):
    settings.REQUEST_RATE_LIMIT = 2
    the_office = office()
    for _ in range(MISTAKES):
        assert post("/anfrage/", form_data(the_office, first_name="", email="kein-at-zeichen")) == 200
    assert post("/anfrage/", form_data(the_office, time="09:00")) == 302
    assert post("/anfrage/", form_data(the_office, time="10:00")) == 302
    assert post("/anfrage/", form_data(the_office, time="11:00")) == 429
    assert post("/anfrage/", form_data(the_office, time="11:00"), client_address=CLIENT_B) == 302
    assert AccompanimentRequest.objects.count() == 3


def test_a_bot_that_fills_the_honeypot_uses_up_its_own_limit(behind_one_proxy, settings):
    settings.REQUEST_RATE_LIMIT = 2
    the_office = office()
    for _ in range(2):
        assert post("/anfrage/", form_data(the_office, hp_contact="http://spam.example")) == 400
    assert post("/anfrage/", form_data(the_office)) == 429


def test_fifteen_invalid_initiative_entries_then_a_valid_one_succeeds(behind_one_proxy, settings):
    settings.INITIATIVE_SUBMIT_RATE_PER_HOUR = 1
    for _ in range(MISTAKES):
        assert post(SUBMIT_URL, submission(postal_code="00000", contact_email="")) == 200
    assert post(SUBMIT_URL, submission(name="Initiative 1")) == 302
    assert post(SUBMIT_URL, submission(name="Initiative 2")) == 429
    assert Initiative.objects.count() == 1


def test_fifteen_invalid_sign_ups_then_a_valid_one_succeeds(behind_one_proxy, settings):
    settings.SIGNUP_RATE_LIMIT = 1
    for _ in range(MISTAKES):
        assert post("/mitmachen/", signup_form_data(postal_code="00000")) == 200
    assert post("/mitmachen/", signup_form_data()) == 302
    assert post("/konto/signup/", signup_form_data(email="bert@beispiel.de")) == 429
    assert post("/mitmachen/", signup_form_data(email="bert@beispiel.de"), client_address=CLIENT_B) == 302
    assert Volunteer.objects.count() == 2
