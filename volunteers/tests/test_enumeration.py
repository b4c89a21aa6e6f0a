"""Sign-up and password reset tell nobody whether an address has an account, and both are throttled."""

import re

import pytest
from django.core import mail

from volunteers.tests.conftest import signup_form_data
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "bekannt@beispiel.de", "unbekannt@beispiel.de"
RESET = "/konto/password/reset/"


@pytest.fixture
def known():
    return VolunteerFactory(user__email=KNOWN)


def page(client, response) -> tuple[int, str, str]:
    """What the person sees: status, where it leads, and the page it leads to."""
    target = response.url if response.status_code == 302 else ""
    body = client.get(target).content.decode() if target else response.content.decode()
    # The CSRF token is fresh on every page; it says nothing about the address.
    return response.status_code, target, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, known, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mails leave after the commit
        for_known = page(client, client.post(RESET, {"email": KNOWN}))
        for_unknown = page(client, client.post(RESET, {"email": UNKNOWN}))
    assert for_known == for_unknown
    assert for_known[:2] == (302, "/konto/password/reset/done/")
    # Only the owner of the known address gets a link to set a password.
    reset_mails = [m for m in mail.outbox if "/konto/password/reset/key/" in m.body]
    assert [m.to for m in reset_mails] == [[KNOWN]]


def test_signup_answers_the_same_for_known_and_unknown_addresses(client, known, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for_known = page(client, client.post("/mitmachen/", signup_form_data(email=KNOWN)))
        client.logout()
        for_unknown = page(client, client.post("/mitmachen/", signup_form_data(email=UNKNOWN)))
    assert for_known[:2] == for_unknown[:2] == (302, "/konto/confirm-email/")
    assert for_known[2].replace(KNOWN, UNKNOWN) == for_unknown[2]
    assert sorted(m.to[0] for m in mail.outbox) == [KNOWN, UNKNOWN]


def test_password_reset_is_throttled_per_address(client, known):
    statuses = [client.post(RESET, {"email": KNOWN}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_password_reset_probing_many_addresses_is_throttled_per_client(client):
    statuses = [client.post(RESET, {"email": f"probe{n}@beispiel.de"}).status_code for n in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]


def test_probing_from_another_client_is_counted_separately(client):
    for n in range(10):
        client.post(RESET, {"email": f"probe{n}@beispiel.de"})
    assert client.post(RESET, {"email": "x@beispiel.de"}).status_code == 429
    assert client.post(RESET, {"email": "x@beispiel.de"}, REMOTE_ADDR="192.0.2.99").status_code == 302


def test_signup_is_throttled_per_client(client):
    statuses = [
        client.post("/mitmachen/", signup_form_data(email=f"neu{n}@beispiel.de")).status_code for n in range(21)
    ]
    assert statuses[-1] == 429
    assert 429 not in statuses[:20]
