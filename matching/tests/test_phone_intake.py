"""Phone intake in the admin, the caller's printable confirmation, the call queue and the call log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.engine.tests.helpers import make_volunteer
from matching.matches.services import match_accept, match_ask
from matching.models import AccompanimentRequest, CallLog
from matching.requests.tests.helpers import form_data, in_days, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def phone_data(the_office, **overrides) -> dict:
    data = form_data(the_office, **{"email": "", "phone": "0203 123456", "letter_language": "de", **overrides})
    # No bot protection for staff: the intake page has neither a timer nor a honeypot.
    data.pop("form_started")
    data.pop("hp_contact")
    return data


URL = "admin:matching_request_phone"


def test_a_coordinator_takes_a_phone_request_with_verbal_consent_and_gets_the_confirmation(
    coordinator_client, coordinator
):
    the_office = office()
    page = coordinator_client.get(reverse(URL))
    assert page.status_code == 200
    assert "mündlich eingewilligt" in page.content.decode()
    before = timezone.now()
    response = coordinator_client.post(reverse(URL), phone_data(the_office))
    escort_request = AccompanimentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:matching_request_confirmation", args=[escort_request.pk])
    assert escort_request.intake_channel == "phone"
    assert escort_request.consent_recorded_by == coordinator
    assert escort_request.consent_given_at >= before
    assert escort_request.owner == coordinator
    assert escort_request.phone == "0203 123456"
    sheet = coordinator_client.get(response["Location"]).content.decode()
    assert f"/anfrage/{escort_request.token}/" in sheet
    assert "<svg" in sheet
    assert the_office.name in sheet
    assert "Wie es weitergeht" in sheet
    assert "style=" not in sheet.replace("<svg", "")  # the CSP blocks inline styles


def test_phone_intake_has_no_rate_limit_and_no_fill_timer(coordinator_client, settings):
    settings.REQUEST_RATE_LIMIT = 2
    the_office = office()
    for hour in range(8, 13):
        response = coordinator_client.post(reverse(URL), phone_data(the_office, time=f"{hour}:00"))
        assert response.status_code == 302
    assert AccompanimentRequest.objects.filter(intake_channel="phone").count() == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": None}, "Ohne die mündliche Einwilligung"),
        ({"phone": ""}, "E-Mail-Adresse oder eine Telefonnummer"),
        ({"office": ""}, "Amt"),
        ({"time": "25:00"}, "Uhrzeit"),
    ],
)
def test_phone_intake_validates_like_the_form(coordinator_client, overrides, message):
    the_office = office()
    data = phone_data(the_office, **overrides)
    data = {key: value for key, value in data.items() if value is not None}
    response = coordinator_client.post(reverse(URL), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AccompanimentRequest.objects.exists()


def test_the_office_search_button_lists_offices_without_errors(coordinator_client):
    the_office = office()
    response = coordinator_client.post(reverse(URL), {"office_query": "47051", "search": "1"})
    html = response.content.decode()
    assert the_office.name in html
    assert "errornote" not in html


def test_the_request_list_links_to_phone_intake(coordinator_client):
    page = coordinator_client.get(reverse("admin:matching_accompanimentrequest_changelist"))
    assert reverse(URL) in page.content.decode()


def test_a_found_companion_puts_a_phone_only_person_in_the_call_queue_until_a_call_reaches_them(
    coordinator_client, coordinator
):
    from matching.engine.index import office_index_build

    the_office = office()
    office_index_build(office_id=the_office.pk)
    coordinator_client.post(reverse(URL), phone_data(the_office))
    escort_request = AccompanimentRequest.objects.get()
    volunteer = make_volunteer(number=1)
    match_accept(match=match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator))
    queue = reverse("admin:matching_accompanimentrequest_changelist") + "?warteschlange=anrufen"
    assert [r.pk for r in coordinator_client.get(queue).context["cl"].result_list] == [escort_request.pk]
    escort_request.refresh_from_db()
    assert "Begleitung gefunden" in escort_request.call_reason
    change = reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk])
    assert 'id="call-needed"' in coordinator_client.get(change).content.decode()

    # A call that did not reach the person keeps it in the queue; one that did takes it out.
    from matching.matches.calls import call_record

    call_record(escort_request=escort_request, called_by=coordinator, reached=False)
    assert coordinator_client.get(queue).context["cl"].result_count == 1
    call_record(escort_request=escort_request, called_by=coordinator, reached=True, note="Treffen 9:45 vor dem Amt")
    assert coordinator_client.get(queue).context["cl"].result_count == 0
    assert list(CallLog.objects.values_list("reached", "called_by")) == [
        (False, coordinator.pk),
        (True, coordinator.pk),
    ]


def test_a_person_with_e_mail_is_not_put_in_the_call_queue(coordinator):
    from matching.engine.index import office_index_build
    from matching.engine.tests.helpers import make_request

    the_office = office()
    office_index_build(office_id=the_office.pk)
    escort_request = make_request(office=the_office, starts_at=in_days(4), email="a@beispiel.de", phone="0203 1")
    volunteer = make_volunteer(number=1)
    match_accept(match=match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator))
    escort_request.refresh_from_db()
    assert escort_request.call_needed_since is None


def test_call_done_button_and_call_log_inline(coordinator_client, coordinator):
    the_office = office()
    coordinator_client.post(reverse(URL), phone_data(the_office))
    escort_request = AccompanimentRequest.objects.get()
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(
        call_needed_since=timezone.now() - datetime.timedelta(hours=1), call_reason="Termin verlegt"
    )
    response = coordinator_client.post(reverse("admin:matching_request_call_done", args=[escort_request.pk]))
    assert response.status_code == 302
    escort_request.refresh_from_db()
    assert escort_request.call_needed_since is None
    assert (
        coordinator_client.get(reverse("admin:matching_request_call_done", args=[escort_request.pk])).status_code == 403
    )


def test_the_purge_erases_internal_notes_call_reasons_and_call_notes(coordinator):
    from matching.engine.tests.helpers import make_request
    from matching.matches.calls import call_record
    from matching.requests.purge import requests_erase

    the_office = office()
    escort_request = make_request(
        office=the_office,
        starts_at=in_days(4),
        phone="0203 1",
        email="",
        internal_notes="Ruft lieber nachmittags an, Tochter übersetzt",
        call_reason="Termin verlegt",
        call_needed_since=timezone.now(),
    )
    call_record(escort_request=escort_request, called_by=coordinator, reached=False, note="Mailbox, Frau Y.")
    requests_erase(request_ids=[escort_request.pk])
    escort_request.refresh_from_db()
    assert (escort_request.internal_notes, escort_request.call_reason) == ("", "")
    assert list(CallLog.objects.values_list("note", "reached")) == [("", False)]
