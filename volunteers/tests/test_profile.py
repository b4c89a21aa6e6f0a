"""The volunteer's own area at /profil/: edit, pause, absences, export, withdrawal, erase."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from volunteers.models import Absence, Consent, Volunteer
from volunteers.selectors import volunteers_matchable
from volunteers.tests.conftest import profile_form_data
from volunteers.tests.factories import AbsenceFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> str:
    return (today() + datetime.timedelta(days=n)).isoformat()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/profil/", "/profil/bearbeiten/", "/profil/meine-daten.json", "/profil/loeschen/"])
def test_the_profile_area_needs_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/?next=")


def test_the_profile_shows_the_volunteers_data(volunteer_client, volunteer):
    content = volunteer_client.get("/profil/").content.decode()
    assert "Hallo Bettina!" in content
    assert "bettina@beispiel.de" in content
    assert "0203 111111" in content
    assert "47051" in content


def test_html_in_the_name_comes_back_escaped_on_the_profile(client):
    volunteer = VolunteerFactory(display_name="<script>alert(1)</script>")
    client.force_login(volunteer.user)
    content = client.get("/profil/").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_user_without_a_profile_is_sent_to_join_the_list(client):
    client.force_login(UserFactory())
    response = client.get("/profil/")
    assert response.status_code == 302
    assert response.url == "/profil/bearbeiten/"


def test_a_user_without_a_profile_can_join_the_list_with_consent(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/profil/bearbeiten/", {**profile_form_data(), "consent": "on"})
    assert response.status_code == 302
    assert Volunteer.objects.get(user=user).display_name == "Anna"
    assert Consent.objects.filter(volunteer__user=user).count() == 1


# --- edit -------------------------------------------------------------------------------------


def test_the_edit_form_starts_with_the_current_values(volunteer_client, volunteer):
    content = volunteer_client.get("/profil/bearbeiten/").content.decode()
    assert 'value="Bettina"' in content
    assert 'value="0203 111111"' in content
    # Monday morning, the factory's availability, is ticked in the grid.
    cell = content[content.index('id="id_availability_0"') - 120 : content.index('id="id_availability_0"') + 200]
    assert "checked" in cell


def test_a_valid_edit_is_saved(volunteer_client, volunteer):
    response = volunteer_client.post(
        "/profil/bearbeiten/", profile_form_data(display_name="Betty", postal_code="10117", radius_km="50")
    )
    assert response.status_code == 302
    assert response.url == "/profil/"
    volunteer.refresh_from_db()
    assert (volunteer.display_name, volunteer.postal_code_id, volunteer.radius_km) == ("Betty", "10117", 50)
    assert volunteer.availability == (1 << 0) | (1 << 4) | (1 << 17)
    assert "Ihre Angaben sind gespeichert." in volunteer_client.get("/profil/").content.decode()


def test_the_optional_fields_can_be_cleared(volunteer_client, volunteer):
    volunteer_client.post("/profil/bearbeiten/", profile_form_data(phone="", gender="", knows_social_law=None))
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.gender, volunteer.knows_social_law) == ("", "", False)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"postal_code": "00000"}, "postal_code"),
        ({"postal_code": "٤٧٠٥١"}, "postal_code"),
        ({"radius_km": "101"}, "radius_km"),
        ({"availability": None}, "availability"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"phone": "1" * 31}, "phone"),
    ],
)
def test_an_invalid_edit_changes_nothing(volunteer_client, volunteer, overrides, field):
    before = Volunteer.objects.values().get(pk=volunteer.pk)
    response = volunteer_client.post("/profil/bearbeiten/", profile_form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Volunteer.objects.values().get(pk=volunteer.pk) == before


# --- pause ------------------------------------------------------------------------------------


def test_a_volunteer_can_pause_until_a_future_date(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/pause/", {"paused_until": days(10)}, follow=True)
    volunteer.refresh_from_db()
    assert volunteer.paused_until == today() + datetime.timedelta(days=10)
    assert list(volunteers_matchable()) == []
    # Said once: by the status box, not by a flash message on top of it.
    assert messages_of(response) == []
    assert response.content.decode().count("Sie machen Pause bis einschließlich") == 1


def test_a_pause_may_end_today(volunteer_client, volunteer):
    volunteer_client.post("/profil/pause/", {"paused_until": days(0)})
    volunteer.refresh_from_db()
    assert volunteer.paused_until == today()


def test_a_pause_in_the_past_is_rejected(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/pause/", {"paused_until": days(-1)}, follow=True)
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None
    assert messages_of(response) == ["Dieses Datum liegt in der Vergangenheit."]


def test_an_empty_date_ends_the_pause(volunteer_client, volunteer):
    volunteer.paused_until = today() + datetime.timedelta(days=5)
    volunteer.save()
    volunteer_client.post("/profil/pause/", {"paused_until": ""})
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None
    assert list(volunteers_matchable()) == [volunteer]


def test_pausing_needs_a_post(volunteer_client):
    assert volunteer_client.get("/profil/pause/").status_code == 405


# --- absences ---------------------------------------------------------------------------------


def test_a_volunteer_can_add_an_absence(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/abwesenheit/", {"starts_on": days(3), "ends_on": days(5)}, follow=True)
    absence = Absence.objects.get()
    assert absence.volunteer == volunteer
    assert (absence.starts_on.isoformat(), absence.ends_on.isoformat()) == (days(3), days(5))
    assert messages_of(response) == ["Die Abwesenheit ist eingetragen."]
    assert absence.starts_on.strftime("%d.%m.%Y") in response.content.decode()


def test_an_absence_of_a_single_day_is_fine(volunteer_client):
    volunteer_client.post("/profil/abwesenheit/", {"starts_on": days(3), "ends_on": days(3)})
    assert Absence.objects.count() == 1


def test_an_absence_that_ends_before_it_starts_is_rejected(volunteer_client):
    response = volunteer_client.post("/profil/abwesenheit/", {"starts_on": days(5), "ends_on": days(3)}, follow=True)
    assert Absence.objects.count() == 0
    assert messages_of(response) == ["Das Ende muss nach dem Anfang liegen."]


def test_an_absence_that_is_already_over_is_rejected(volunteer_client):
    response = volunteer_client.post("/profil/abwesenheit/", {"starts_on": days(-5), "ends_on": days(-3)}, follow=True)
    assert Absence.objects.count() == 0
    assert messages_of(response) == ["Dieses Datum liegt in der Vergangenheit."]


def test_an_absence_without_dates_is_rejected(volunteer_client):
    response = volunteer_client.post("/profil/abwesenheit/", {"starts_on": "", "ends_on": "morgen"}, follow=True)
    assert Absence.objects.count() == 0
    assert messages_of(response)


def test_a_volunteer_can_delete_their_own_absence(volunteer_client, volunteer):
    absence = AbsenceFactory(volunteer=volunteer)
    response = volunteer_client.post(f"/profil/abwesenheit/{absence.pk}/loeschen/", follow=True)
    assert Absence.objects.count() == 0
    assert messages_of(response) == ["Die Abwesenheit ist gelöscht."]


def test_deleting_another_volunteers_absence_does_nothing(volunteer_client, other_volunteer):
    absence = AbsenceFactory(volunteer=other_volunteer)
    response = volunteer_client.post(f"/profil/abwesenheit/{absence.pk}/loeschen/", follow=True)
    assert Absence.objects.get() == absence
    assert messages_of(response) == []


def test_deleting_an_absence_needs_a_post(volunteer_client, volunteer):
    absence = AbsenceFactory(volunteer=volunteer)
    assert volunteer_client.get(f"/profil/abwesenheit/{absence.pk}/loeschen/").status_code == 405
    assert Absence.objects.count() == 1


# --- export -----------------------------------------------------------------------------------


def test_the_export_contains_the_volunteers_own_data(volunteer_client, volunteer):
    AbsenceFactory(volunteer=volunteer)
    response = volunteer_client.get("/profil/meine-daten.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    records = json.loads(response.content)["records"]  # generated from the register (core.privacy)
    assert records["auth.User"][0]["email"] == "bettina@beispiel.de"
    assert [(a["email"], a["verified"], a["primary"]) for a in records["account.EmailAddress"]] == [
        ("bettina@beispiel.de", True, True)
    ]
    profile = records["volunteers.Volunteer"][0]
    assert profile["display_name"] == "Bettina"
    assert profile["phone"] == "0203 111111"
    assert profile["postal_code"] == "47051"
    assert profile["availability"] == ["Montag, vormittags (8–12 Uhr)"]
    assert profile["languages"] == ["Deutsch"]
    assert len(records["volunteers.Absence"]) == 1
    assert records["volunteers.Consent"][0]["policy_version"]


def test_the_export_contains_nobody_elses_data(volunteer_client, volunteer, other_volunteer):
    AbsenceFactory(volunteer=other_volunteer, starts_on=today() + datetime.timedelta(days=99))
    content = volunteer_client.get("/profil/meine-daten.json").content.decode()
    for value in ("quirin@anderswo.de", "Quirin", "0171 9876543", days(99)):
        assert value not in content
    assert "bettina@beispiel.de" in content


# --- consent withdrawal ---------------------------------------------------------------------


def test_withdrawing_consent_deactivates_the_volunteer(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/einwilligung-widerrufen/", follow=True)
    volunteer.refresh_from_db()
    assert volunteer.is_active is False
    assert volunteer.consents.get().withdrawn_at is not None
    assert list(volunteers_matchable()) == []
    assert "Sie sind nicht aktiv." in response.content.decode()


# --- delete account -------------------------------------------------------------------------


def personal_data_left(values: list[str]) -> list[str]:
    """Every text value anywhere in the database (and in decoded sessions) that contains one of ``values``."""
    needles = [value.lower() for value in values]
    hits = []
    for model in apps.get_models():
        text_fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.EmailField | models.JSONField)
        ]
        if not text_fields:
            continue
        for row in model._base_manager.values_list(*text_fields):
            for name, value in zip(text_fields, row, strict=True):
                text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                if any(needle in text.lower() for needle in needles):
                    hits.append(f"{model._meta.label}.{name}: {text[:80]}")
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded(), ensure_ascii=False, default=str).lower()
        if any(needle in decoded for needle in needles):
            hits.append(f"session {session.session_key}: {decoded[:80]}")
    return hits


def test_the_delete_page_asks_for_confirmation(volunteer_client):
    response = volunteer_client.get("/profil/loeschen/")
    assert response.status_code == 200
    assert "Jetzt endgültig löschen" in response.content.decode()


def test_deleting_without_the_confirmation_deletes_nothing(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/loeschen/", {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == ["Bitte bestätigen Sie das Löschen mit dem Häkchen."]
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert User.objects.filter(pk=volunteer.user_id).exists()


def test_deleting_the_account_leaves_none_of_the_volunteers_personal_data(
    client, volunteer, other_volunteer, coordinator_client
):
    AbsenceFactory(volunteer=volunteer)
    AbsenceFactory(volunteer=other_volunteer)
    # A second device stays signed in while the volunteer deletes from the first.
    client.force_login(volunteer.user)
    client.get("/profil/")
    from django.test import Client

    own = Client()
    own.force_login(volunteer.user)
    own.get("/profil/meine-daten.json")
    mine = ["bettina@beispiel.de", "Bettina", "0203 111111"]
    assert personal_data_left(mine)  # the scan does find them while they exist

    response = own.post("/profil/loeschen/", {"confirm": "on"})

    assert response.status_code == 302
    assert response.url == "/"
    assert personal_data_left(mine) == []
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert not User.objects.filter(pk=volunteer.user_id).exists()
    assert Absence.objects.filter(volunteer=other_volunteer).count() == 1
    assert Absence.objects.count() == 1
    assert len(personal_data_left(["quirin@anderswo.de"])) >= 1
    assert len(personal_data_left(["Quirin"])) >= 1
    assert "_auth_user_id" not in own.session
    assert own.get("/profil/").status_code == 302


def test_deleting_the_account_removes_the_coordinators_admin_history_of_it(
    client, volunteer, other_volunteer, coordinator_client
):
    change_url = f"/admin/volunteers/volunteer/{volunteer.pk}/change/"
    form = coordinator_client.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(admin_inline_management_data())
    data["availability"] = ["0", "1"]
    data["languages"] = ["0"]
    data["office_kinds"] = ["0"]
    data["display_name"] = "Bettina"
    data["radius_km"] = "30"
    response = coordinator_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    other_url = f"/admin/volunteers/volunteer/{other_volunteer.pk}/change/"
    other_data = {**data, "user": other_volunteer.user_id, "display_name": "Quirin", "phone": "0171 9876543"}
    assert coordinator_client.post(other_url, other_data).status_code == 302
    assert LogEntry.objects.filter(object_repr="Bettina").count() == 1

    client.force_login(volunteer.user)
    client.post("/profil/loeschen/", {"confirm": "on"})

    assert LogEntry.objects.filter(object_repr="Bettina").count() == 0
    assert LogEntry.objects.filter(object_repr="Quirin").count() == 1
    assert personal_data_left(["bettina@beispiel.de", "Bettina", "0203 111111"]) == []


def admin_inline_management_data() -> dict:
    data = {}
    for prefix in ("consents", "absences"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_an_edit_posted_with_nothing_filled_in_shows_errors(volunteer_client, volunteer):
    response = volunteer_client.post("/profil/bearbeiten/", {})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["availability"] == ["Bitte kreuzen Sie mindestens eine Zeit an."]
    assert errors["postal_code"]
    volunteer.refresh_from_db()
    assert volunteer.display_name == "Bettina"


def test_a_volunteer_who_signed_up_through_the_form_leaves_nothing_after_deleting(
    client, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail
    from django.test import Client

    from volunteers.tests.conftest import signup_form_data
    from volunteers.tests.factories import PASSWORD

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/mitmachen/", signup_form_data(email="Zora.Neu@Beispiel.de", display_name="Zora", phone="0211 424242")
        )
    path = re.search(r"(/konto/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    client.post(path)
    client.get("/profil/")
    other_device = Client()
    response = other_device.post("/konto/login/", {"login": "zora.neu@beispiel.de", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/profil/"
    # A failed login on a third device leaves a rate-limit trace and maybe a session.
    Client().post("/konto/login/", {"login": "zora.neu@beispiel.de", "password": "falsch"})

    other_device.post("/profil/loeschen/", {"confirm": "on"})

    assert personal_data_left(["zora.neu@beispiel.de", "Zora", "0211 424242"]) == []
    assert User.objects.count() == 0
    assert client.get("/profil/").status_code == 302


def test_erasing_removes_admin_history_about_the_accounts_email_addresses_and_absences(django_user_model):
    from allauth.account.models import EmailAddress
    from django.contrib.admin.models import CHANGE, LogEntry

    from volunteers import services
    from volunteers.tests.factories import AbsenceFactory, VolunteerFactory

    volunteer = VolunteerFactory()
    absence = AbsenceFactory(volunteer=volunteer)
    address = EmailAddress.objects.get(user=volunteer.user)
    coordinator = django_user_model.objects.create_user(username="k", email="k@beispiel.de", is_staff=True)
    for obj in (address, absence):
        LogEntry.objects.log_actions(
            user_id=coordinator.pk, queryset=[obj], action_flag=CHANGE, change_message="geändert", single_object=True
        )
    assert LogEntry.objects.filter(object_repr__contains=volunteer.user.email).exists()
    services.volunteer_erase(volunteer=volunteer)
    assert not LogEntry.objects.exists()


def test_sign_ups_never_confirmed_are_erased_after_the_grace_period_and_confirmed_ones_stay(settings):
    from django.utils import timezone

    from volunteers import services
    from volunteers.models import Volunteer
    from volunteers.tests.factories import UserFactory, VolunteerFactory

    settings.VOLUNTEER_UNVERIFIED_DAYS = 14
    confirmed = VolunteerFactory()
    unconfirmed = VolunteerFactory(user=UserFactory(verified=False))
    fresh = VolunteerFactory(user=UserFactory(verified=False))
    Volunteer.objects.filter(pk__in=[confirmed.pk, unconfirmed.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=15)
    )
    assert services.volunteers_purge_unverified() == 1
    assert set(Volunteer.objects.values_list("pk", flat=True)) == {confirmed.pk, fresh.pk}
    assert not get_user_model().objects.filter(pk=unconfirmed.user_id).exists()
