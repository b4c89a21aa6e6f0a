"""The coordinators' admin for the Mitläuferliste."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.bitmask import to_mask
from directory.choices import Language
from volunteers.models import Consent
from volunteers.tests.factories import PASSWORD, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/volunteers/volunteer/"


def listed_names(response) -> set[str]:
    return {volunteer.display_name for volunteer in response.context["cl"].result_list}


@pytest.fixture
def some_volunteers():
    VolunteerFactory(
        display_name="Anton",
        user__email="anton@beispiel.de",
        postal_code_id="47051",
        radius_km=5,
        languages=to_mask([Language.GERMAN, Language.ARABIC]),
    )
    VolunteerFactory(
        display_name="Berta",
        user__email="berta@post.de",
        postal_code_id="10117",
        radius_km=20,
        languages=to_mask([Language.GERMAN]),
        is_active=False,
    )
    VolunteerFactory(
        display_name="Cem",
        user__email="cem@beispiel.de",
        postal_code_id="01067",
        radius_km=80,
        languages=to_mask([Language.TURKISH, Language.GERMAN, Language.SIGN]),
    )


def test_the_volunteer_list_loads_for_a_coordinator(coordinator_client, some_volunteers):
    response = coordinator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed_names(response) == {"Anton", "Berta", "Cem"}
    content = response.content.decode()
    assert "anton@beispiel.de" in content


def test_the_volunteer_list_is_closed_to_volunteers(client, some_volunteers):
    volunteer = VolunteerFactory()
    client.force_login(volunteer.user)
    assert client.get(CHANGELIST).status_code == 302


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("Anton", {"Anton"}),
        ("bert", {"Berta"}),
        ("beispiel.de", {"Anton", "Cem"}),
        ("CEM@BEISPIEL.DE", {"Cem"}),
        ("10117", {"Berta"}),
        ("4705", {"Anton"}),
        ("niemand", set()),
    ],
)
def test_the_search_finds_by_name_email_and_postal_code(coordinator_client, some_volunteers, query, names):
    assert listed_names(coordinator_client.get(CHANGELIST, {"q": query})) == names


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"is_active__exact": "1"}, {"Anton", "Cem"}),
        ({"is_active__exact": "0"}, {"Berta"}),
        ({"sprache": str(Language.GERMAN.value)}, {"Anton", "Berta", "Cem"}),
        ({"sprache": str(Language.ARABIC.value)}, {"Anton"}),
        ({"sprache": str(Language.SIGN.value)}, {"Cem"}),
        ({"sprache": str(Language.RUSSIAN.value)}, set()),
        ({"radius": "bis10"}, {"Anton"}),
        ({"radius": "11-25"}, {"Berta"}),
        ({"radius": "26-50"}, set()),
        ({"radius": "ueber50"}, {"Cem"}),
        ({"plz": "4"}, {"Anton"}),
        ({"plz": "1"}, {"Berta"}),
        ({"plz": "0"}, {"Cem"}),
        ({"plz": "9"}, set()),
        ({"plz": "4", "is_active__exact": "1", "sprache": str(Language.ARABIC.value)}, {"Anton"}),
    ],
)
def test_each_filter_returns_the_right_rows(coordinator_client, some_volunteers, params, names):
    response = coordinator_client.get(CHANGELIST, params)
    assert response.status_code == 200
    assert listed_names(response) == names


def test_html_in_a_name_comes_back_escaped_in_the_list(coordinator_client):
    VolunteerFactory(display_name="<script>alert(1)</script>")
    content = coordinator_client.get(CHANGELIST).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_the_volunteer_list_needs_as_many_queries_for_thirty_volunteers_as_for_one(coordinator_client):
    VolunteerFactory()
    changelist_queries(coordinator_client)  # warm up: content types, session
    with_one = changelist_queries(coordinator_client)
    VolunteerFactory.create_batch(29)
    with_thirty = changelist_queries(coordinator_client)
    assert with_thirty == with_one


def test_the_change_view_of_a_volunteer_loads(coordinator_client):
    volunteer = VolunteerFactory()
    response = coordinator_client.get(f"/admin/volunteers/volunteer/{volunteer.pk}/change/")
    assert response.status_code == 200


# --- consent is read-only ---------------------------------------------------------------------


def test_a_consent_cannot_be_edited_in_its_change_view(coordinator_client):
    volunteer = VolunteerFactory()
    consent = volunteer.consents.get()
    url = f"/admin/volunteers/consent/{consent.pk}/change/"

    response = coordinator_client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields) == []
    assert response.context["has_change_permission"] is False

    response = coordinator_client.post(url, {"policy_version": "gefälscht", "withdrawn_at_0": "01.01.2020"})
    assert response.status_code == 403
    assert Consent.objects.get(pk=consent.pk).policy_version == consent.policy_version
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


def test_a_consent_cannot_be_added_or_deleted(coordinator_client):
    consent = VolunteerFactory().consents.get()
    assert coordinator_client.get("/admin/volunteers/consent/add/").status_code == 403
    assert (
        coordinator_client.post(f"/admin/volunteers/consent/{consent.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_the_consent_inline_on_the_volunteer_is_read_only(coordinator_client):
    volunteer = VolunteerFactory()
    consent = volunteer.consents.get()
    url = f"/admin/volunteers/volunteer/{volunteer.pk}/change/"
    response = coordinator_client.get(url)
    content = response.content.decode()
    assert 'name="consents-0-policy_version"' not in content
    assert 'name="consents-0-DELETE"' not in content

    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "availability": ["0"],
            "languages": ["0"],
            "office_kinds": ["0"],
            "consents-TOTAL_FORMS": "1",
            "consents-INITIAL_FORMS": "1",
            "consents-MIN_NUM_FORMS": "0",
            "consents-MAX_NUM_FORMS": "1000",
            "consents-0-id": str(consent.pk),
            "consents-0-volunteer": str(volunteer.pk),
            "consents-0-policy_version": "gefälscht",
            "consents-0-DELETE": "on",
            "absences-TOTAL_FORMS": "0",
            "absences-INITIAL_FORMS": "0",
            "absences-MIN_NUM_FORMS": "0",
            "absences-MAX_NUM_FORMS": "1000",
        }
    )
    coordinator_client.post(url, data)
    consent.refresh_from_db()
    assert consent.policy_version != "gefälscht"
    assert Consent.objects.filter(pk=consent.pk).exists()


# --- admin login through allauth --------------------------------------------------------------


def test_the_admin_login_redirects_to_allauths_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/?next=")
    response = client.get("/admin/")
    assert client.get(response.url).url == "/konto/login/?next=%2Fadmin%2F"


def test_a_coordinator_signs_in_to_the_admin_through_allauth(client, coordinator):
    response = client.post("/konto/login/?next=/admin/", {"login": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_volunteer_is_refused_at_the_admin_login(client):
    client.force_login(VolunteerFactory().user)
    assert client.get("/admin/login/").status_code == 403


def test_after_five_failed_logins_even_the_right_password_is_refused(client, coordinator):
    for _ in range(5):
        client.post("/konto/login/", {"login": coordinator.email, "password": "falsch"})
    response = client.post("/konto/login/?next=/admin/", {"login": coordinator.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_login_attempts_are_answered_with_429(client, coordinator):
    statuses = [
        client.post("/konto/login/?next=/admin/", {"login": coordinator.email, "password": "falsch"}).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_a_staff_user_with_an_unverified_email_cannot_sign_in(client):
    staff = UserFactory(is_staff=True, verified=False)
    client.post("/konto/login/", {"login": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_volunteer_list_shows_when_the_volunteer_joined(coordinator_client):
    VolunteerFactory()
    content = coordinator_client.get(CHANGELIST).content.decode()
    assert str(timezone.localdate().year) in content
