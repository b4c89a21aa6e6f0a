"""The person erases their own data from the status page: cancel, tell the companion, erase, final page."""

import pytest
from django.core import mail
from django.test import Client

from matching.engine.proposals import proposals_refresh
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_accept, match_ask
from matching.models import AccompanimentRequest, Match, MatchStatus, Proposal, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(django_capture_on_commit_callbacks):
    office = make_office()
    volunteer = make_volunteer(number=1)
    escort_request = make_request(
        office=office, starts_at=next_weekday_at(10), message="Ich habe Angst vor dem Termin", phone="0203 4711"
    )
    proposals_refresh(request_id=escort_request.pk)
    with django_capture_on_commit_callbacks(execute=True):
        match = match_ask(escort_request=escort_request, volunteer=volunteer, actor=None)
        match_accept(match=match)
    escort_request.refresh_from_db()
    assert escort_request.status == RequestStatus.CONFIRMED
    mail.outbox.clear()
    return escort_request, volunteer


def test_the_status_page_offers_to_erase_and_asks_first(client, confirmed):
    escort_request, _ = confirmed
    status = client.get(f"/anfrage/{escort_request.token}/").content.decode()
    assert f"/anfrage/{escort_request.token}/loeschen/" in status
    assert "Meine Daten jetzt löschen" in status
    confirm = client.get(f"/anfrage/{escort_request.token}/loeschen/")
    assert confirm.status_code == 200
    assert "Ja, meine Daten jetzt löschen" in confirm.content.decode()
    # GET changes nothing.
    assert AccompanimentRequest.objects.get(pk=escort_request.pk).first_name == "Ayşe"


def test_erasing_cancels_tells_the_companion_erases_and_retires_the_link(
    client, confirmed, django_capture_on_commit_callbacks
):
    escort_request, volunteer = confirmed
    old_token = escort_request.token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/anfrage/{old_token}/loeschen/")
    assert response.status_code == 302
    assert response["Location"] == "/anfrage/geloescht/"

    erased = AccompanimentRequest.objects.get(pk=escort_request.pk)
    assert erased.is_erased
    assert (erased.first_name, erased.email, erased.phone, erased.message) == ("", "", "", "")
    # The statistics stay: office, time, a cancelled status, the match's history.
    assert erased.status == RequestStatus.CANCELLED
    assert erased.office_id == escort_request.office_id
    assert erased.starts_at == escort_request.starts_at
    assert Match.objects.get(request=escort_request).status == MatchStatus.CANCELLED
    assert not Proposal.objects.filter(request=escort_request).exists()
    # The companion hears the escort is off, without anything about the person.
    to_companion = [m for m in mail.outbox if volunteer.user.email in m.to]
    assert len(to_companion) == 1
    assert "Ayşe" not in to_companion[0].body
    # The old link now looks exactly like an unknown one.
    gone = client.get(f"/anfrage/{old_token}/")
    unknown = client.get("/anfrage/" + "x" * 43 + "/")
    assert gone.status_code == unknown.status_code == 404
    # Same page (the bytes differ only by the per-response CSP nonce).
    assert [t.name for t in gone.templates] == [t.name for t in unknown.templates]


def test_the_final_page_shows_no_data(client, confirmed):
    escort_request, _ = confirmed
    response = client.post(f"/anfrage/{escort_request.token}/loeschen/", follow=True)
    content = response.content.decode()
    assert "Ihre Daten sind gelöscht" in content
    for value in ("Ayşe", "0203 4711", "Angst", "Jobcenter"):
        assert value not in content


def test_erasing_needs_the_csrf_token(confirmed):
    escort_request, _ = confirmed
    response = Client(enforce_csrf_checks=True).post(f"/anfrage/{escort_request.token}/loeschen/")
    assert response.status_code == 403
    assert not AccompanimentRequest.objects.get(pk=escort_request.pk).is_erased


def test_a_wrong_token_erases_nothing(client, confirmed):
    escort_request, _ = confirmed
    assert client.post("/anfrage/" + "y" * 43 + "/loeschen/").status_code == 404
    assert not AccompanimentRequest.objects.get(pk=escort_request.pk).is_erased
