"""A volunteer's escorts: "Meine Einsätze" on /profil/, backing out in time, calendars for both sides."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import MatchError, match_accept, match_ask, match_back_out
from matching.models import Match, MatchStatus, Proposal, RequestStatus
from matching.requests.services import request_cancel, request_reschedule

pytestmark = pytest.mark.django_db

MONDAY_10 = next_weekday_at(10, weekday=0)
# The profile page with "Meine Einsätze", the same for one escort and for three (no query per escort).
QUERIES_OF_THE_PROFILE = 11


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="koordination", email="koordination@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def accepted(coordinator, django_capture_on_commit_callbacks):
    """Erika (a person who prefers e-mail) is accompanied by volunteer 1 on a Monday at 10; volunteer 2 is nearby."""
    office = make_office()
    near = make_volunteer(number=1)
    make_volunteer(number=2, code="47057", radius_km=20)
    escort_request = make_request(
        office=office, starts_at=MONDAY_10, first_name="Erika", phone="0203 4711", preferred_contact="email"
    )
    with django_capture_on_commit_callbacks(execute=True):
        match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        match_accept(match=match)
    match.refresh_from_db()
    return match


def calendar_of(ics: str | bytes) -> Calendar:
    return Calendar.from_ical(ics)


def events_of(ics) -> list:
    return list(calendar_of(ics).walk("VEVENT"))


def attachment(message, name: str) -> str:
    for filename, content, _mimetype in message.attachments:
        if filename == name:
            return content
    raise AssertionError(f"no attachment {name} in {[a[0] for a in message.attachments]}")


# --- messages said once and right ---------------------------------------------------------------------


def test_the_accept_page_confirms_once_under_a_fitting_heading(client, accepted):
    content = client.get(f"/einsatz/{accepted.token}/").content.decode()
    assert content.count("Sie haben zugesagt") == 1
    assert "Sie begleiten Erika" in content
    assert "Können Sie Erika begleiten?" not in content


def test_the_volunteers_confirmation_names_the_persons_chosen_way_and_the_coordinators(accepted):
    to_volunteer = [m for m in mail.outbox if m.to == [accepted.volunteer.user.email]][-1]
    assert "Am liebsten per E-Mail: ayse@beispiel.de" in to_volunteer.body
    assert "oder per Telefon: 0203 4711" in to_volunteer.body
    assert "So erreichen Sie die Koordination: Telefon 0203 123 456 78" in to_volunteer.body
    assert "/mitmachen/einweisung/" in to_volunteer.body


# --- "Meine Einsätze" -------------------------------------------------------------------------------------------


def test_my_escorts_lists_the_upcoming_escort_with_office_time_and_first_name(client, accepted):
    client.force_login(accepted.volunteer.user)
    content = client.get("/profil/").content.decode()
    assert 'id="my-escorts"' in content
    section = content[content.index('id="my-escorts"') :]
    assert "Erika" in section
    assert accepted.request.office.name in section
    assert timezone.localtime(MONDAY_10).strftime("%d.%m.%Y") in section
    assert f"/einsatz/{accepted.token}/#back-out" in section


def test_my_escorts_shows_past_escorts_and_no_cancel_for_them(client, accepted):
    Match.objects.filter(pk=accepted.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=3), ends_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(accepted.volunteer.user)
    content = client.get("/profil/").content.decode()
    assert "Vergangene Begleitungen" in content
    assert "#back-out" not in content


def accept_more(volunteer, coordinator, count: int) -> None:
    """``count`` more accepted escorts for the volunteer at the same office, a week apart."""
    for week in range(1, count + 1):
        office = volunteer.matches.first().request.office
        escort_request = make_request(office=office, starts_at=MONDAY_10 + datetime.timedelta(weeks=week))
        match_accept(match=match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator))


@pytest.mark.parametrize("more", [0, 2])
def test_my_escorts_costs_the_same_queries_for_one_and_three_escorts(
    client, accepted, coordinator, more, django_assert_num_queries
):
    accept_more(accepted.volunteer, coordinator, more)
    client.force_login(accepted.volunteer.user)
    client.get("/profil/")
    with django_assert_num_queries(QUERIES_OF_THE_PROFILE):
        content = client.get("/profil/").content.decode()
    assert content.count('class="border rounded p-2 mb-2 escort-upcoming"') == 1 + more


# --- backing out ------------------------------------------------------------------------------------------------


def test_backing_out_tells_the_person_kindly_and_the_coordinators_and_searches_again(
    client, accepted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/einsatz/{accepted.token}/", {"action": "back_out", "reason": "Ich bin krank."}, follow=True
        )
    accepted.refresh_from_db()
    assert accepted.status == MatchStatus.BACKED_OUT
    assert accepted.decline_reason == "Ich bin krank."
    assert accepted.request.status == RequestStatus.SEARCHING
    # The search ran at once, and does not propose the volunteer who gave it back.
    proposed = list(Proposal.objects.filter(request=accepted.request).values_list("volunteer__display_name", flat=True))
    assert proposed == ["Freiwillige 2"]
    assert "Sie haben abgesagt" in response.content.decode()
    person = [m for m in mail.outbox if m.to == ["ayse@beispiel.de"]]
    assert len(person) == 1
    assert "kann leider doch nicht mitkommen" in person[0].body
    assert "Ich bin krank" not in person[0].body  # the reason is for coordinators only
    coordinators = [m for m in mail.outbox if "koordination@beispiel.de" in m.bcc]
    assert len(coordinators) == 1
    assert "Erika" not in coordinators[0].body
    volunteer = [m for m in mail.outbox if m.to == [accepted.volunteer.user.email]]
    (event,) = events_of(attachment(volunteer[0], "absage.ics"))
    assert calendar_of(attachment(volunteer[0], "absage.ics"))["METHOD"] == "CANCEL"
    assert event["UID"] == f"match-{accepted.pk}@mitlaeufer"
    assert event["SEQUENCE"] == 1


def test_coordinators_can_query_escorts_given_back(accepted):
    match_back_out(match=accepted, reason="Zug fällt aus")
    assert list(Match.objects.filter(status=MatchStatus.BACKED_OUT).values_list("decline_reason", flat=True)) == [
        "Zug fällt aus"
    ]


def test_backing_out_needs_a_reason(client, accepted):
    response = client.post(f"/einsatz/{accepted.token}/", {"action": "back_out", "reason": "  "})
    assert response.status_code == 200
    assert "Bitte schreiben Sie kurz, warum Sie absagen." in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == MatchStatus.ACCEPTED


def test_within_24_hours_the_volunteer_is_asked_to_call_instead(client, accepted):
    soon = timezone.now() + datetime.timedelta(hours=5)
    Match.objects.filter(pk=accepted.pk).update(starts_at=soon, ends_at=soon + datetime.timedelta(hours=1))
    content = client.get(f"/einsatz/{accepted.token}/").content.decode()
    assert 'id="back-out-call"' in content
    assert 'href="tel:020312345678"' in content
    assert 'value="back_out"' not in content
    client.post(f"/einsatz/{accepted.token}/", {"action": "back_out", "reason": "krank"})
    accepted.refresh_from_db()
    assert accepted.status == MatchStatus.ACCEPTED
    with pytest.raises(MatchError, match="rufen Sie die Koordination an"):
        match_back_out(match=accepted, reason="krank")


# --- calendars ----------------------------------------------------------------------------------------------


def test_both_sides_get_a_calendar_file_with_an_alarm(accepted):
    to_volunteer = [m for m in mail.outbox if m.to == [accepted.volunteer.user.email]][-1]
    to_person = [m for m in mail.outbox if m.to == ["ayse@beispiel.de"]][-1]
    for message, uid in ((to_volunteer, f"match-{accepted.pk}"), (to_person, f"request-{accepted.request_id}")):
        (event,) = events_of(attachment(message, "termin.ics"))
        assert event["UID"] == f"{uid}@mitlaeufer"
        assert event.decoded("DTSTART") == MONDAY_10
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 1
        assert alarms[0].decoded("TRIGGER") == -datetime.timedelta(hours=2)
    (person_event,) = events_of(attachment(to_person, "termin.ics"))
    assert f"mit {accepted.volunteer.display_name}" in str(person_event["SUMMARY"])


def test_the_status_page_offers_the_persons_calendar_file(client, accepted):
    status = client.get(f"/anfrage/{accepted.request.token}/").content.decode()
    assert f"/anfrage/{accepted.request.token}/termin.ics" in status
    response = client.get(f"/anfrage/{accepted.request.token}/termin.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = events_of(response.content)
    assert event["UID"] == f"request-{accepted.request_id}@mitlaeufer"
    assert len(list(event.walk("VALARM"))) == 1


def test_a_reschedule_updates_the_persons_event_and_cancels_the_volunteers(
    accepted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    later = MONDAY_10 + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        request_reschedule(escort_request=accepted.request, starts_at=later, duration_minutes=60)
    to_person = [m for m in mail.outbox if m.to == ["ayse@beispiel.de"]]
    (event,) = events_of(attachment(to_person[0], "termin.ics"))
    assert event["UID"] == f"request-{accepted.request_id}@mitlaeufer"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == later
    to_volunteer = [m for m in mail.outbox if m.to == [accepted.volunteer.user.email]]
    cancelled = attachment(to_volunteer[0], "absage.ics")
    assert calendar_of(cancelled)["METHOD"] == "CANCEL"
    (volunteer_event,) = events_of(cancelled)
    assert volunteer_event["UID"] == f"match-{accepted.pk}@mitlaeufer"
    assert volunteer_event["SEQUENCE"] == 1
    assert volunteer_event["STATUS"] == "CANCELLED"


def test_a_cancellation_sends_method_cancel_to_both(accepted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_cancel(escort_request=accepted.request)
    for address, uid in (
        ("ayse@beispiel.de", f"request-{accepted.request_id}"),
        (accepted.volunteer.user.email, f"match-{accepted.pk}"),
    ):
        (message,) = [m for m in mail.outbox if m.to == [address]]
        ics = attachment(message, "absage.ics")
        assert calendar_of(ics)["METHOD"] == "CANCEL"
        (event,) = events_of(ics)
        assert event["UID"] == f"{uid}@mitlaeufer"
        assert event["SEQUENCE"] >= 1


def test_the_private_feed_lists_escorts_and_can_be_revoked(client, accepted):
    client.force_login(accepted.volunteer.user)
    assert 'id="calendar-feed-url"' not in client.get("/profil/").content.decode()
    client.post("/profil/kalender/", {"action": "renew"})
    accepted.volunteer.refresh_from_db()
    token = accepted.volunteer.calendar_token
    feed_url = reverse("einsatz:calendar_feed", kwargs={"token": token})
    assert feed_url in client.get("/profil/").content.decode()
    client.logout()
    (event,) = events_of(client.get(feed_url).content)
    assert event["UID"] == f"match-{accepted.pk}@mitlaeufer"
    assert len(list(event.walk("VALARM"))) == 1
    # A new address retires the old one; revoking leaves none.
    client.force_login(accepted.volunteer.user)
    client.post("/profil/kalender/", {"action": "renew"})
    assert client.get(feed_url).status_code == 404
    client.post("/profil/kalender/", {"action": "revoke"})
    accepted.volunteer.refresh_from_db()
    assert accepted.volunteer.calendar_token == ""
    assert client.get("/einsatz/kalender/" + "x" * 43 + ".ics").status_code == 404


def test_an_escort_given_back_shows_as_cancelled_in_the_feed(client, accepted):
    match_back_out(match=accepted, reason="krank")
    client.force_login(accepted.volunteer.user)
    client.post("/profil/kalender/", {"action": "renew"})
    accepted.volunteer.refresh_from_db()
    client.logout()
    (event,) = events_of(client.get(f"/einsatz/kalender/{accepted.volunteer.calendar_token}.ics").content)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_volunteer_without_the_briefing_cannot_be_asked(coordinator):
    office = make_office()
    volunteer = make_volunteer(number=1, briefed=False)
    escort_request = make_request(office=office, starts_at=MONDAY_10)
    with pytest.raises(MatchError, match="Einweisung"):
        match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator)
    assert not Match.objects.exists()


def test_the_reminder_the_day_before_brings_the_notice_and_the_coordinators_phone(
    accepted, django_capture_on_commit_callbacks
):
    from matching.matches.mails import match_mail_reminder

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # mails leave the outbox after the commit
        assert match_mail_reminder(match_id=accepted.pk)
    (to_volunteer,) = [m for m in mail.outbox if m.to == [accepted.volunteer.user.email]]
    assert f"/einsatz/{accepted.token}/hinweis-fuer-das-amt/" in to_volunteer.body
    assert "Koordination: 0203 123 456 78" in to_volunteer.body
