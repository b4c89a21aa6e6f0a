"""Referrals: advice asked for on the request form, initiatives on the status page, referrals in the admin."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.bitmask import to_mask
from directory.choices import InitiativeReach, InitiativeService, InitiativeState
from directory.models import Initiative
from directory.tests.initiative_factories import InitiativeFactory, online_initiative
from matching.engine.proposals import proposals_refresh
from matching.models import AccompanimentRequest, Referral, ReferralOutcome
from matching.requests.purge import requests_purge
from matching.requests.referrals import referral_save
from matching.requests.tests.helpers import form_data, in_days, make_request, office

pytestmark = pytest.mark.django_db

DEBT = to_mask([InitiativeService.DEBT])
MIGRATION = to_mask([InitiativeService.MIGRATION])
ESCORT = to_mask([InitiativeService.ESCORT])


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_superuser("koord", "koord@mitlaeufer.example", "pw-koordination")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def status_page(client, request):
    return client.get(f"/anfrage/{request.token}/")


def shown(response) -> list[str]:
    return [initiative.name for initiative in response.context["referral_initiatives"]]


# --- The request form and the status page -------------------------------------------------------------


def test_the_form_stores_the_advice_asked_for_and_the_confirmation_lists_initiatives(client):
    the_office = office()
    InitiativeFactory(name="Schuldnerberatung Duisburg", slug="schulden-du", services=DEBT)
    data = form_data(the_office, counselling_services=[str(InitiativeService.DEBT), str(InitiativeService.MIGRATION)])

    response = client.post("/anfrage/", data, follow=True)

    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.counselling_services == DEBT | MIGRATION
    html = response.content.decode()
    assert "Danke! Ihre Anfrage ist angekommen." in html
    assert "Schuldnerberatung Duisburg" in html
    assert 'href="/initiativen/schulden-du/"' in html


def test_the_form_does_not_offer_an_escort_as_advice(client):
    html = client.get("/anfrage/").content.decode()
    assert "Brauchen Sie auch Beratung?" in html
    assert "Schuldnerberatung" in html
    assert "Begleitung / Beistand" not in html


def test_without_advice_asked_for_the_status_page_lists_no_initiatives(client):
    InitiativeFactory(services=DEBT)
    escort_request = make_request()
    response = status_page(client, escort_request)
    assert shown(response) == []
    assert 'id="referral-initiatives"' not in response.content.decode()


def test_the_status_page_lists_published_initiatives_with_the_service_nearest_first_then_online(client):
    escort_request = make_request(counselling_services=DEBT)
    InitiativeFactory(name="Essen", postal_code_id="45127", city="Essen", radius_km=50, services=DEBT)
    InitiativeFactory(name="Duisburg", services=DEBT | MIGRATION)
    online_initiative(name="Online", services=DEBT)
    InitiativeFactory(name="Nur Migration", services=MIGRATION)
    InitiativeFactory(name="Eingereicht", services=DEBT, state=InitiativeState.SUBMITTED)
    InitiativeFactory(name="Zu klein", postal_code_id="45127", city="Essen", radius_km=5, services=DEBT)

    response = status_page(client, escort_request)

    assert shown(response) == ["Duisburg", "Essen", "Online"]
    html = response.content.decode()
    assert "ca. 0 km vom Amt" in html
    assert "Schuldnerberatung" in html
    assert "@initiative.example" not in html  # the initiatives' private contact address never shows


def test_the_status_page_lists_at_most_five_initiatives(client):
    escort_request = make_request(counselling_services=DEBT)
    for number in range(4):
        InitiativeFactory(name=f"Vor Ort {number}", services=DEBT)
    for number in range(3):
        online_initiative(name=f"Online {number}", services=DEBT, reach=InitiativeReach.NATIONWIDE)
    assert shown(status_page(client, escort_request)) == [
        "Vor Ort 0",
        "Vor Ort 1",
        "Vor Ort 2",
        "Vor Ort 3",
        "Online 0",
    ]


def test_the_status_page_shows_contact_details_of_the_initiatives(client):
    escort_request = make_request(counselling_services=DEBT)
    InitiativeFactory(
        services=DEBT, phone="0203 555", email="info@schulden.example", website="https://schulden.example"
    )
    html = status_page(client, escort_request).content.decode()
    assert 'href="tel:0203555"' in html
    assert "info@schulden.example" in html
    assert 'href="https://schulden.example"' in html


def _status_queries(client, initiatives: int) -> int:
    escort_request = make_request(counselling_services=DEBT, email=f"n{initiatives}@beispiel.de")
    for number in range(initiatives):
        InitiativeFactory(services=DEBT, slug=f"q-{initiatives}-{number}")
    with CaptureQueriesContext(connection) as queries:
        response = status_page(client, escort_request)
    assert len(shown(response)) == initiatives
    return len(queries)


def test_the_status_page_needs_the_same_queries_for_one_and_five_initiatives(client):
    one = _status_queries(client, 1)
    AccompanimentRequest.objects.all().delete()
    Initiative.objects.all().delete()
    assert _status_queries(client, 5) == one


def test_an_erased_request_lists_no_initiatives(client):
    escort_request = make_request(counselling_services=DEBT)
    InitiativeFactory(services=DEBT)
    requests_purge(now=in_days(30))
    escort_request.refresh_from_db()
    assert escort_request.counselling_services == 0
    assert shown(status_page(client, escort_request)) == []


# --- Referrals in the admin ------------------------------------------------------------------------------


def change_url(request) -> str:
    return reverse("admin:matching_accompanimentrequest_change", args=[request.pk])


def change_data(request, *, referrals: list[dict], existing: list[Referral] = ()) -> dict:
    """The request's change form as the browser sends it, with the referral inline."""
    data = {
        "purpose": request.purpose,
        "first_name": request.first_name,
        "email": request.email,
        "phone": request.phone,
        "preferred_contact": request.preferred_contact,
        "preferred_gender": request.preferred_gender,
        "accessibility": request.accessibility,
        "message": request.message,
        "referrals-TOTAL_FORMS": str(len(existing) + len(referrals)),
        "referrals-INITIAL_FORMS": str(len(existing)),
        "referrals-MIN_NUM_FORMS": "0",
        "referrals-MAX_NUM_FORMS": "1000",
        "calls-TOTAL_FORMS": "0",
        "calls-INITIAL_FORMS": "0",
        "_continue": "1",
    }
    rows = [{"id": str(referral.pk), "request": str(request.pk), **row} for referral, row in existing]
    rows += [{"id": "", "request": str(request.pk), **row} for row in referrals]
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"referrals-{index}-{key}"] = value
    return data


def test_a_coordinator_records_a_referral_with_note_and_outcome(coordinator_client, coordinator):
    escort_request = make_request()
    initiative = InitiativeFactory(name="Schuldnerberatung")

    response = coordinator_client.post(
        change_url(escort_request),
        change_data(
            escort_request,
            referrals=[{"initiative": str(initiative.pk), "outcome": ReferralOutcome.OPEN, "note": "Ruft Mo an"}],
        ),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    referral = Referral.objects.get()
    assert (referral.request, referral.initiative, referral.note) == (escort_request, initiative, "Ruft Mo an")
    assert referral.outcome == ReferralOutcome.OPEN
    assert referral.created_by == coordinator


def test_a_coordinator_updates_the_outcome_but_the_initiative_stays(coordinator_client, coordinator):
    escort_request = make_request()
    first, other = InitiativeFactory(name="Erste"), InitiativeFactory(name="Andere")
    referral = Referral.objects.create(request=escort_request, initiative=first, created_by=coordinator)

    page = coordinator_client.get(change_url(escort_request)).content.decode()
    assert "<span>Erste</span>" in page

    row = {"initiative": str(other.pk), "outcome": ReferralOutcome.COUNSELLED, "note": "hat geklappt"}
    response = coordinator_client.post(
        change_url(escort_request), change_data(escort_request, referrals=[], existing=[(referral, row)])
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.initiative, referral.outcome, referral.note) == (first, ReferralOutcome.COUNSELLED, "hat geklappt")
    assert referral.created_by == coordinator


def _change_page_queries(client, request, referrals: int) -> int:
    for number in range(referrals):
        Referral.objects.create(request=request, initiative=InitiativeFactory(name=f"I{referrals}-{number}"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(request))
    assert response.status_code == 200
    assert response.content.decode().count('class="field-outcome"') >= referrals
    return len(queries)


def test_the_request_page_needs_the_same_queries_for_one_and_three_referrals(coordinator_client):
    one = _change_page_queries(coordinator_client, make_request(email="eins@beispiel.de"), 1)
    three = _change_page_queries(coordinator_client, make_request(email="drei@beispiel.de"), 3)
    assert three == one


def test_the_referral_list_has_no_n_plus_1(coordinator_client):
    def queries(count: int) -> int:
        Referral.objects.all().delete()
        for number in range(count):
            escort_request = make_request(email=f"l{count}-{number}@beispiel.de")
            Referral.objects.create(request=escort_request, initiative=InitiativeFactory())
        with CaptureQueriesContext(connection) as captured:
            response = coordinator_client.get("/admin/matching/referral/")
        assert response.context["cl"].result_count == count
        return len(captured)

    assert queries(1) == queries(3)


def test_the_purge_erases_the_referral_note_and_keeps_initiative_and_outcome(coordinator):
    escort_request = make_request(starts_at=in_days(3))
    kept = make_request(starts_at=in_days(60), email="spaeter@beispiel.de")
    initiative = InitiativeFactory()
    referral = Referral.objects.create(
        request=escort_request, initiative=initiative, note="Frau A. hat Schulden", outcome=ReferralOutcome.CONTACTED
    )
    other = Referral.objects.create(request=kept, initiative=initiative, note="bleibt")

    assert requests_purge(now=in_days(3) + datetime.timedelta(days=20)) == 1

    referral.refresh_from_db()
    other.refresh_from_db()
    assert referral.note == ""
    assert (referral.initiative, referral.outcome) == (initiative, ReferralOutcome.CONTACTED)
    assert other.note == "bleibt"


def test_after_the_purge_a_note_cannot_be_written_again(coordinator):
    escort_request = make_request(starts_at=in_days(3))
    requests_purge(now=in_days(3) + datetime.timedelta(days=20))
    escort_request.refresh_from_db()
    referral = Referral(request=escort_request, initiative=InitiativeFactory(), note="neu")
    referral_save(referral=referral, actor=coordinator)
    assert Referral.objects.get().note == ""


# --- The fallback for coordinators -----------------------------------------------------------------------


def test_without_proposals_the_request_page_shows_initiatives_that_escort(coordinator_client):
    escort_request = make_request()
    InitiativeFactory(name="Begleitet selbst", services=ESCORT, phone="0203 999")
    online_initiative(name="Begleitet bundesweit", services=ESCORT)
    InitiativeFactory(name="Berät nur", services=DEBT)
    InitiativeFactory(name="Weit weg", postal_code_id="10115", city="Berlin", services=ESCORT)

    response = coordinator_client.get(change_url(escort_request))

    assert [i.name for i in response.context["fallback_initiatives"]] == ["Begleitet selbst", "Begleitet bundesweit"]
    html = response.content.decode()
    assert 'id="fallback-initiatives"' in html
    assert "0203 999" in html


def test_with_proposals_the_request_page_shows_no_fallback(coordinator_client):
    from matching.engine.tests.helpers import make_office, make_volunteer, next_weekday_at

    the_office = make_office()
    make_volunteer(number=1)
    escort_request = make_request(the_office=the_office, starts_at=next_weekday_at(10))
    proposals_refresh(request_id=escort_request.pk)
    InitiativeFactory(name="Begleitet selbst", services=ESCORT)

    response = coordinator_client.get(change_url(escort_request))

    assert response.context["proposals"]
    assert response.context["fallback_initiatives"] == []
    assert 'id="fallback-initiatives"' not in response.content.decode()
