"""Mandatory e-mail verification: the mailed link, and what holds until it is used."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from volunteers.selectors import volunteers_matchable
from volunteers.tests.conftest import signup_form_data
from volunteers.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/konto/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def signed_up(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # mails leave after the commit
        response = client.post("/mitmachen/", signup_form_data())
    assert response.status_code == 302
    return User.objects.get()


def test_the_verification_mail_is_german_and_carries_a_confirmation_link(signed_up):
    (message,) = mail.outbox
    assert message.subject == "[Mitläufer] Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "Guten Tag," in message.body
    assert " du " not in message.body.lower()
    assert message.to == ["anna@beispiel.de"]
    assert confirmation_path(message)


def test_opening_the_link_does_not_confirm_by_itself(client, signed_up):
    response = client.get(confirmation_path(mail.outbox[0]))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert EmailAddress.objects.get(user=signed_up).verified is False


def test_confirming_the_link_verifies_logs_in_and_shows_the_profile(client, signed_up):
    path = confirmation_path(mail.outbox[0])
    client.get(path)
    response = client.post(path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=signed_up).verified is True
    assert int(client.session["_auth_user_id"]) == signed_up.pk
    profile = client.get("/profil/")
    assert profile.status_code == 200
    content = profile.content.decode()
    assert "Ihre E-Mail-Adresse anna@beispiel.de ist bestätigt." in content
    assert "Hallo Anna!" in content
    assert "anna@beispiel.de" in content
    assert "47051" in content
    assert "20 km" in content
    assert "Deutsch, Türkisch" in content
    assert "Jobcenter, Sozialamt" in content
    assert "0203 123456" in content
    # Matchable once the briefing is confirmed, not before.
    assert list(volunteers_matchable()) == []
    assert 'id="briefing-needed"' in content
    client.post("/profil/einweisung/")
    assert list(volunteers_matchable()) == [signed_up.volunteer]


def test_the_link_also_confirms_in_a_fresh_browser_session(client, django_user_model, signed_up):
    path = confirmation_path(mail.outbox[0])
    client.logout()
    client.cookies.clear()
    client.post(path)
    assert EmailAddress.objects.get(user=signed_up).verified is True


def test_a_wrong_confirmation_key_confirms_nothing(client, signed_up):
    response = client.post("/konto/confirm-email/nicht-der-schluessel/")
    assert response.status_code in {200, 404}
    assert EmailAddress.objects.get(user=signed_up).verified is False


def test_login_is_refused_until_the_email_is_verified(client, signed_up):
    client.logout()
    response = client.post("/konto/login/", {"login": "anna@beispiel.de", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/konto/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/profil/").status_code == 302


def test_login_works_once_the_email_is_verified(client, signed_up):
    path = confirmation_path(mail.outbox[0])
    client.post(path)
    client.logout()
    response = client.post("/konto/login/", {"login": "anna@beispiel.de", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/profil/"
    assert int(client.session["_auth_user_id"]) == signed_up.pk


def test_an_unverified_volunteer_is_not_matchable(signed_up):
    assert signed_up.volunteer.is_active
    assert list(volunteers_matchable()) == []
