"""Coordinators reach the admin only with a second factor: enrolment, login with TOTP, login with a recovery code."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

pytestmark = pytest.mark.django_db

EMAIL = "koordination@beispiel.de"
PASSWORD = "ein-langes-passwort-42"


@pytest.fixture(autouse=True)
def _require_mfa(settings):
    settings.ADMIN_REQUIRE_MFA = True


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user(
        username="koordination", email=EMAIL, password=PASSWORD, is_staff=True, is_superuser=True
    )
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    return user


def code_for(secret: str, *, step: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def password_login(client):
    return client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})


# Transactional: allauth announces the new authenticator on commit, which (as in production, with
# ATOMIC_REQUESTS) happens before the session is saved.
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_without_a_second_factor_is_sent_to_set_one_up_and_then_gets_in(client, coordinator):
    assert password_login(client).status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password once more before a security change (its reauthentication).
    reauth = client.get(response["Location"])
    assert reauth["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reauth["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert "data:image/svg+xml" in page.content.decode()  # the QR code, drawn by segno (MfaAdapter)
    # A data: URI image needs a standalone SVG document, with its namespace.
    assert 'xmlns="http://www.w3.org/2000/svg"' in page.context["totp_svg"]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_at_enrolment_is_refused_and_the_admin_stays_closed(client, coordinator):
    password_login(client)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=coordinator).exists()
    assert page.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.fixture
def enrolled(coordinator):
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    codes = RecoveryCodes.activate(coordinator).get_unused_codes()
    return secret, codes


def test_login_asks_for_the_code_and_then_opens_the_admin(client, coordinator, enrolled):
    secret, _codes = enrolled
    response = password_login(client)
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone: not signed in, the admin sends to the login.
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_recovery_code_works_once(client, coordinator, enrolled):
    _secret, codes = enrolled
    password_login(client)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    password_login(client)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200  # the form again, with an error
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_session_that_skipped_the_second_factor_must_sign_in_again(client, coordinator, enrolled):
    client.force_login(coordinator)
    response = client.get(reverse("admin:matching_accompanimentrequest_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_volunteers_are_not_asked_for_a_second_factor(client, django_user_model):
    user = django_user_model.objects.create_user(username="v", email="v@beispiel.de", password=PASSWORD)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "mfa" not in response["Location"] and "2fa" not in response["Location"]
