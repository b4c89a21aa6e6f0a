"""The briefing: what a Beistand does and does not do, confirmed once before the first ask."""

import pytest
from django.conf import settings
from django.core import mail

from volunteers.models import Volunteer
from volunteers.selectors import volunteers_matchable
from volunteers.tests.conftest import signup_form_data
from volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_the_briefing_page_says_what_a_beistand_does_and_does_not(client):
    content = client.get("/mitmachen/einweisung/").content.decode()
    assert "Was ein Beistand tut" in content
    assert "Keine Rechtsberatung" in content
    assert "Vertraulichkeit" in content
    assert "§ 13 Absatz 5 bis 7 SGB X" in content
    assert "Bitten Sie darum, die Zurückweisung schriftlich zu bekommen" in content
    assert "Meine Einsätze" in content
    assert "0203 123 456 78" in content


def test_a_volunteer_who_has_not_confirmed_is_not_matchable():
    volunteer = VolunteerFactory(briefed_at=None)
    assert list(volunteers_matchable()) == []
    volunteer.briefed_at = volunteer.created_at
    volunteer.save()
    assert list(volunteers_matchable()) == [volunteer]


def test_the_profile_asks_for_the_briefing_until_it_is_confirmed(client):
    volunteer = VolunteerFactory(briefed_at=None)
    client.force_login(volunteer.user)
    content = client.get("/profil/").content.decode()
    assert 'id="briefing-needed"' in content
    assert "Wir melden uns, wenn jemand in Ihrer Nähe" not in content
    assert "Ich habe die Einweisung gelesen" in client.get("/mitmachen/einweisung/").content.decode()

    response = client.post("/profil/einweisung/", follow=True)
    volunteer.refresh_from_db()
    assert volunteer.briefed_at is not None
    assert 'id="briefing-needed"' not in response.content.decode()
    assert volunteers_matchable().get() == volunteer


def test_confirming_twice_keeps_the_first_time(client):
    volunteer = VolunteerFactory(briefed_at=None)
    client.force_login(volunteer.user)
    client.post("/profil/einweisung/")
    first = Volunteer.objects.get().briefed_at
    client.post("/profil/einweisung/")
    assert Volunteer.objects.get().briefed_at == first


def test_confirming_needs_a_post(client):
    volunteer = VolunteerFactory(briefed_at=None)
    client.force_login(volunteer.user)
    assert client.get("/profil/einweisung/").status_code == 405


def test_the_welcome_mail_links_the_briefing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # mails leave the outbox after the commit
        client.post("/mitmachen/", signup_form_data())
    assert len(mail.outbox) == 1
    assert settings.SITE_URL + "/mitmachen/einweisung/" in mail.outbox[0].body
    assert "Einweisung" in mail.outbox[0].body
