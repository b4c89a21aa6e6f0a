"""The initiatives' area at /partner/ (once /initiative/): who may see what, and filing a request for a client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.bitmask import to_mask
from directory.choices import InitiativeService, InitiativeState
from directory.models import InitiativeStaff
from directory.tests.initiative_factories import InitiativeFactory
from matching.engine.tests.helpers import make_office, make_volunteer, next_weekday_at
from matching.matches.mails import match_send_confirmation
from matching.matches.services import match_accept, match_ask
from matching.models import AccompanimentRequest, Proposal, RequestStatus
from matching.requests.tests.helpers import form_data, in_days, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiatives():
    return (
        InitiativeFactory(name="Initiative A", email="info@a.example", phone="0203 111"),
        InitiativeFactory(name="Initiative B"),
    )


def _user(django_user_model, name: str, **extra):
    return django_user_model.objects.create_user(name, f"{name}@beispiel.de", "pw", **extra)


@pytest.fixture
def users(django_user_model, initiatives):
    a, b = initiatives
    staff_a = _user(django_user_model, "staff-a")
    staff_b = _user(django_user_model, "staff-b")
    InitiativeStaff.objects.create(user=staff_a, initiative=a)
    InitiativeStaff.objects.create(user=staff_b, initiative=b)
    volunteer = make_volunteer(number=99).user
    coordinator = _user(django_user_model, "koord", is_staff=True, is_superuser=True)
    return {
        "anonymous": None,
        "volunteer": volunteer,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "coordinator": coordinator,
    }


@pytest.fixture
def filed(initiatives, users):
    a, b = initiatives
    request_a = make_request(filed_by_initiative=a, filed_by=users["staff_a"], first_name="Klient A")
    request_b = make_request(
        filed_by_initiative=b, filed_by=users["staff_b"], first_name="Klient B", email="b@beispiel.de"
    )
    return request_a, request_b


URLS = {
    "list": lambda a, b: "/partner/",
    "new": lambda a, b: "/partner/neu/",
    "detail of A's request": lambda a, b: f"/partner/anfragen/{a.pk}/",
    "cancel of A's request": lambda a, b: f"/partner/anfragen/{a.pk}/absagen/",
    "detail of B's request": lambda a, b: f"/partner/anfragen/{b.pk}/",
}
LOGIN = "login"
# What each role gets for each page (GET). Volunteers and coordinators have no initiative: 404, like
# staff looking at another initiative's request. Coordinators work in the admin.
EXPECTED = {
    "anonymous": dict.fromkeys(URLS, LOGIN),
    "volunteer": dict.fromkeys(URLS, 404),
    "coordinator": dict.fromkeys(URLS, 404),
    "staff_a": {**dict.fromkeys(URLS, 200), "detail of B's request": 404},
    "staff_b": {**dict.fromkeys(URLS, 200), "detail of A's request": 404, "cancel of A's request": 404},
}
MATRIX = [(role, page, expected) for role, pages in EXPECTED.items() for page, expected in pages.items()]


@pytest.mark.parametrize("role, page, expected", MATRIX, ids=[f"{role}-{page}" for role, page, _ in MATRIX])
def test_the_permission_matrix(client, users, filed, role, page, expected):
    if users[role] is not None:
        client.force_login(users[role])
    url = URLS[page](*filed)

    response = client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "coordinator", "staff_b"])
def test_only_staff_of_the_initiative_can_cancel_its_request(client, users, filed, role):
    request_a, _ = filed
    if users[role] is not None:
        client.force_login(users[role])
    response = client.post(f"/partner/anfragen/{request_a.pk}/absagen/")
    assert response.status_code in (302, 404)
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.RECEIVED


def test_staff_cancel_their_initiatives_request_with_a_post(client, users, filed):
    request_a, _ = filed
    client.force_login(users["staff_a"])
    detail = client.get(f"/partner/anfragen/{request_a.pk}/").content.decode()
    assert f'action="/partner/anfragen/{request_a.pk}/absagen/"' in detail

    response = client.post(f"/partner/anfragen/{request_a.pk}/absagen/")

    assert response["Location"] == f"/partner/anfragen/{request_a.pk}/"
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.CANCELLED


def test_cancelling_by_get_changes_nothing(client, users, filed):
    request_a, _ = filed
    client.force_login(users["staff_a"])
    assert client.get(f"/partner/anfragen/{request_a.pk}/absagen/").status_code == 200
    request_a.refresh_from_db()
    assert request_a.status == RequestStatus.RECEIVED


def test_staff_of_an_archived_initiative_get_404(client, initiatives, users, filed):
    a, _ = initiatives
    a.state = InitiativeState.ARCHIVED
    a.save()
    client.force_login(users["staff_a"])
    assert client.get("/partner/").status_code == 404


def test_an_account_belongs_to_one_initiative_only(initiatives, users):
    from django.db import IntegrityError, transaction

    _, b = initiatives
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeStaff.objects.create(user=users["staff_a"], initiative=b)


def test_the_list_shows_only_the_initiatives_requests_with_status_appointment_and_office(client, users, filed):
    request_a, _ = filed
    client.force_login(users["staff_a"])
    response = client.get("/partner/")
    html = response.content.decode()
    assert [r.pk for r in response.context["page"].object_list] == [request_a.pk]
    assert "Klient A" in html and "Klient B" not in html
    assert "eingegangen" in html
    assert "Jobcenter Duisburg Mitte" in html
    assert in_days(3).strftime("%d.%m.%Y") in html


def _list_queries(client, initiative, count: int) -> int:
    AccompanimentRequest.objects.all().delete()
    for number in range(count):
        make_request(filed_by_initiative=initiative, email=f"k{number}@beispiel.de", starts_at=in_days(3 + number))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/partner/")
    assert len(response.context["page"].object_list) == count
    return len(queries)


def test_the_list_has_no_n_plus_1(client, initiatives, users):
    client.force_login(users["staff_a"])
    assert _list_queries(client, initiatives[0], 1) == _list_queries(client, initiatives[0], 3)


def test_the_list_is_paginated(client, initiatives, users):
    client.force_login(users["staff_a"])
    for number in range(21):
        make_request(
            filed_by_initiative=initiatives[0], email=f"p{number}@beispiel.de", starts_at=in_days(3, 8, number)
        )
    first = client.get("/partner/")
    second = client.get("/partner/?seite=2")
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 1
    assert "Seite 1 von 2" in first.content.decode()


def test_the_detail_shows_the_companions_first_name_once_confirmed(client, users, filed):
    from matching.models import Match, MatchStatus

    request_a, _ = filed
    volunteer = make_volunteer(number=7)
    Match.objects.create(
        request=request_a,
        volunteer=volunteer,
        status=MatchStatus.ACCEPTED,
        starts_at=request_a.starts_at,
        ends_at=request_a.ends_at,
        blocked_from=request_a.starts_at,
        blocked_until=request_a.ends_at,
    )
    client.force_login(users["staff_a"])
    url = f"/partner/anfragen/{request_a.pk}/"
    assert "Freiwillige 7" not in client.get(url).content.decode()

    AccompanimentRequest.objects.filter(pk=request_a.pk).update(status=RequestStatus.CONFIRMED)
    html = client.get(url).content.decode()

    assert "<strong>Freiwillige 7</strong> geht mit zum Termin." in html
    assert "v7@beispiel.de" not in html


# --- Filing for a client -----------------------------------------------------------------------------------


@pytest.fixture
def nearby_volunteer():
    office = make_office(name="Jobcenter Duisburg")
    volunteer = make_volunteer(number=1)
    return office, volunteer


def test_staff_file_a_request_for_a_client_and_it_gets_proposals_like_any_other(
    client, initiatives, users, nearby_volunteer, django_capture_on_commit_callbacks
):
    office, volunteer = nearby_volunteer
    a, _ = initiatives
    client.force_login(users["staff_a"])
    starts_at = next_weekday_at(10)
    data = form_data(office, first_name="Ayşe", email="", phone="0176 1234567", date=starts_at.date().isoformat())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/partner/neu/", data)

    escort_request = AccompanimentRequest.objects.get()
    assert response["Location"] == f"/partner/anfragen/{escort_request.pk}/"
    assert (escort_request.filed_by_initiative, escort_request.filed_by) == (a, users["staff_a"])
    assert escort_request.client_consent_recorded_at is not None
    assert (escort_request.phone, escort_request.email, escort_request.contact_via_initiative) == (
        "0176 1234567",
        "",
        False,
    )
    # Queued on commit and run by the same engine as any request: both volunteers nearby are proposed.
    proposed = set(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True))
    assert proposed == {volunteer.pk, users["volunteer"].volunteer.pk}
    escort_request.refresh_from_db()
    assert escort_request.proposals_run_at is not None
    assert escort_request.status == RequestStatus.SEARCHING


def test_without_the_clients_consent_nothing_is_filed(client, users, nearby_volunteer):
    office, _ = nearby_volunteer
    client.force_login(users["staff_a"])
    response = client.post("/partner/neu/", form_data(office, consent=None))
    assert response.status_code == 200
    assert "Ohne das Einverständnis der Person können wir keine Begleitung suchen." in response.content.decode()
    assert not AccompanimentRequest.objects.exists()


def test_a_client_without_contact_is_reached_through_the_initiative(client, initiatives, users, nearby_volunteer):
    office, _ = nearby_volunteer
    client.force_login(users["staff_a"])
    data = form_data(office, email="", phone="", use_initiative_contact="on")

    response = client.post("/partner/neu/", data)

    escort_request = AccompanimentRequest.objects.get()
    assert (escort_request.email, escort_request.phone, escort_request.contact_via_initiative) == (
        "info@a.example",
        "0203 111",
        True,
    )
    html = client.get(response["Location"]).content.decode()
    assert "über Ihre Initiative:" in html


def test_without_any_contact_the_form_asks_for_one(client, users, nearby_volunteer):
    office, _ = nearby_volunteer
    client.force_login(users["staff_a"])
    response = client.post("/partner/neu/", form_data(office, email="", phone=""))
    assert "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an" in response.content.decode()
    assert not AccompanimentRequest.objects.exists()


def test_the_clients_contact_and_the_initiatives_contact_exclude_each_other(client, users, nearby_volunteer):
    office, _ = nearby_volunteer
    client.force_login(users["staff_a"])
    response = client.post("/partner/neu/", form_data(office, use_initiative_contact="on"))
    assert "Bitte geben Sie entweder die Kontaktdaten der Person an" in response.content.decode()
    assert not AccompanimentRequest.objects.exists()


def test_two_clients_with_the_initiatives_contact_at_the_same_time_are_two_requests(client, users, nearby_volunteer):
    office, _ = nearby_volunteer
    client.force_login(users["staff_a"])
    for name in ("Ayşe", "Olena"):
        client.post("/partner/neu/", form_data(office, first_name=name, email="", use_initiative_contact="on"))
    assert sorted(AccompanimentRequest.objects.values_list("first_name", flat=True)) == ["Ayşe", "Olena"]


def test_the_detail_lists_advice_nearby_for_the_client(client, initiatives, users):
    debt = to_mask([InitiativeService.DEBT])
    InitiativeFactory(name="Schuldnerberatung", services=debt)
    escort_request = make_request(filed_by_initiative=initiatives[0], counselling_services=debt)
    client.force_login(users["staff_a"])
    assert "Schuldnerberatung" in client.get(f"/partner/anfragen/{escort_request.pk}/").content.decode()


def test_a_coordinator_links_an_account_to_an_initiative_in_the_admin(client, initiatives, users, django_user_model):
    a, _ = initiatives
    new_staff = _user(django_user_model, "neu")
    client.force_login(users["coordinator"])
    url = reverse("admin:directory_initiative_change", args=[a.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "services": [str(InitiativeService.SOCIAL_COUNSELLING)],
            "languages": ["0"],
            "postal_code": a.postal_code_id,
            "radius_km": str(a.radius_km),
            "staff-TOTAL_FORMS": "2",
            "staff-INITIAL_FORMS": "1",
            "staff-MIN_NUM_FORMS": "0",
            "staff-MAX_NUM_FORMS": "1000",
            "staff-0-id": str(a.staff.get().pk),
            "staff-0-initiative": str(a.pk),
            "staff-0-user": str(users["staff_a"].pk),
            "staff-1-id": "",
            "staff-1-initiative": str(a.pk),
            "staff-1-user": str(new_staff.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert set(a.staff.values_list("user__username", flat=True)) == {"staff-a", "neu"}
    client.force_login(new_staff)
    assert client.get("/partner/").status_code == 200


def test_a_companion_learns_that_the_contact_is_the_initiatives(client, initiatives, users, nearby_volunteer):
    from django.core import mail

    office, volunteer = nearby_volunteer
    client.force_login(users["staff_a"])
    client.post("/partner/neu/", form_data(office, email="", phone="", use_initiative_contact="on"))
    escort_request = AccompanimentRequest.objects.get()
    match = match_ask(escort_request=escort_request, volunteer=volunteer, actor=users["coordinator"])
    match_accept(match=match)
    mail.outbox.clear()

    assert match_send_confirmation(match_id=match.pk)

    (to_volunteer,) = [message for message in mail.outbox if message.to == [volunteer.user.email]]
    assert "E-Mail: info@a.example" in to_volunteer.body
    assert "E-Mail und Telefon gehören zu Initiative A." in to_volunteer.body


def test_after_login_staff_land_in_their_initiatives_area_and_see_it_in_the_menu(client, django_user_model):
    from allauth.account.models import EmailAddress

    from directory.models import InitiativeStaff
    from directory.tests.initiative_factories import InitiativeFactory

    user = django_user_model.objects.create_user(
        username="s", email="staff@beispiel.de", password="ein-langes-Passwort-42"
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    InitiativeStaff.objects.create(user=user, initiative=InitiativeFactory())
    response = client.post("/konto/login/", {"login": "staff@beispiel.de", "password": "ein-langes-Passwort-42"})
    assert response.status_code == 302 and response["Location"] == "/partner/"
    assert "Meine Initiative" in client.get("/partner/").content.decode()


def test_the_old_prefix_redirects_to_the_staff_area(client):
    response = client.get("/initiative/anfragen/7/?seite=2")
    assert (response.status_code, response["Location"]) == (301, "/partner/anfragen/7/?seite=2")
