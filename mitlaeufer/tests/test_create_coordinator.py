"""manage.py create_coordinator: a verified staff account and a link that sets the password once."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

EMAIL = "koordination@verein-mitlaufen.de"
PASSWORD = "Ein-langes-Passwort-für-Koordination-2026"  # noqa: S105


def create(*args: str) -> str:
    out = io.StringIO()
    call_command("create_coordinator", *args, stdout=out)
    return out.getvalue()


def link_path(output: str) -> str:
    url = re.search(r"^(https?://\S+)$", output, re.MULTILINE).group(1)
    return re.sub(r"^https?://[^/]+", "", url)


def set_password(client, path: str):
    form_page = client.get(path, follow=True)
    return client.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})


def test_it_creates_a_verified_staff_account_without_a_password(settings):
    output = create(EMAIL)
    user = get_user_model().objects.get(email=EMAIL)
    assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (True, True, False)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (EMAIL, True, True)
    assert f"Created coordinator {EMAIL}." in output
    assert settings.SITE_URL + "/konto/password/reset/key/" in output


def test_the_link_sets_the_password_once_and_the_coordinator_can_log_in_to_the_admin(client):
    path = link_path(create(EMAIL))
    response = set_password(client, path)
    assert response.status_code == 302
    assert response.url == "/konto/password/reset/key/done/"
    client.logout()
    login = client.post("/konto/login/", {"login": EMAIL, "password": PASSWORD})
    assert (login.status_code, login.url) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    # Used once, the link is dead.
    client.logout()
    again = client.get(path, follow=True)
    assert 'name="password1"' not in again.content.decode()


def test_staff_only_gives_no_superuser_rights():
    create(EMAIL, "--staff-only")
    user = get_user_model().objects.get(email=EMAIL)
    assert (user.is_staff, user.is_superuser) == (True, False)


def test_it_promotes_an_existing_account_and_verifies_its_address():
    volunteer = VolunteerFactory(user__email=EMAIL, user__verified=False)
    output = create(EMAIL.upper())
    user = get_user_model().objects.get()
    assert user == volunteer.user and user.is_staff
    assert EmailAddress.objects.get(user=user).verified
    assert f"Updated coordinator {EMAIL}." in output


def test_it_refuses_something_that_is_not_an_address():
    with pytest.raises(CommandError):
        create("koordination")
