"""Asks that cannot get stuck: checked again when sent, reminded once, expired; debounced volunteer changes."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching.engine.proposals import proposals_refresh, requests_near_volunteer_refresh
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.asks import ask_deadlines, asks_due, asks_sweep
from matching.matches.services import MatchError, match_accept, match_ask
from matching.models import Match, MatchEvent, MatchStatus, Proposal
from testing import celery_worker
from testing.race import race
from volunteers import services as volunteer_services
from volunteers.models import Absence, Volunteer

pytestmark = pytest.mark.django_db

MONDAY_10 = next_weekday_at(10, weekday=0, days_ahead=5)


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="koordination", email="koordination@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def world():
    office = make_office()
    volunteer = make_volunteer(number=1)
    escort_request = make_request(office=office, starts_at=MONDAY_10)
    proposals_refresh(request_id=escort_request.pk)
    return office, escort_request, volunteer


def _pause(volunteer):
    Volunteer.objects.filter(pk=volunteer.pk).update(paused_until=MONDAY_10.date() + datetime.timedelta(days=7))


def _absent(volunteer):
    Absence.objects.create(volunteer=volunteer, starts_on=MONDAY_10.date(), ends_on=MONDAY_10.date())


def _withdrawn(volunteer):
    volunteer.consents.update(withdrawn_at=timezone.now())


def _inactive(volunteer):
    Volunteer.objects.filter(pk=volunteer.pk).update(is_active=False)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_pause, "macht bis"),
        (_absent, "an diesem Tag abwesend"),
        (_withdrawn, "Einwilligung widerrufen"),
        (_inactive, "nicht aktiv"),
    ],
)
def test_asking_a_volunteer_who_changed_since_the_proposals_is_refused_with_the_reason(
    client, coordinator, world, change, reason, django_capture_on_commit_callbacks
):
    _office, escort_request, volunteer = world
    assert Proposal.objects.filter(request=escort_request, volunteer=volunteer).exists()
    change(volunteer)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:matching_request_ask", args=[escort_request.pk, volunteer.pk]))
    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert reason in shown[0]
    assert not Match.objects.exists()
    assert mail.outbox == []


def test_a_paused_volunteer_stays_unasked_even_when_the_service_is_called_directly(coordinator, world):
    _office, escort_request, volunteer = world
    _pause(volunteer)
    with pytest.raises(MatchError, match="Pause"):
        match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator)


def test_deadlines_are_the_settings_and_shrink_when_the_appointment_is_close(settings):
    settings.MATCH_ASK_REMIND_HOURS, settings.MATCH_ASK_EXPIRE_HOURS = 24, 48
    asked = timezone.now()
    far = ask_deadlines(asked_at=asked, starts_at=asked + datetime.timedelta(days=10))
    assert far == (asked + datetime.timedelta(hours=24), asked + datetime.timedelta(hours=48))
    close = ask_deadlines(asked_at=asked, starts_at=asked + datetime.timedelta(hours=20))
    assert close == (asked + datetime.timedelta(hours=5), asked + datetime.timedelta(hours=10))


def _asked_hours_ago(match, hours: float) -> None:
    Match.objects.filter(pk=match.pk).update(created_at=timezone.now() - datetime.timedelta(hours=hours))


def test_an_unanswered_ask_is_reminded_once_after_the_remind_hours(
    coordinator, world, settings, django_capture_on_commit_callbacks
):
    settings.MATCH_ASK_REMIND_HOURS, settings.MATCH_ASK_EXPIRE_HOURS = 24, 48
    _office, escort_request, volunteer = world
    match = match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator)
    _asked_hours_ago(match, 23)
    assert asks_due() == ([], [])
    _asked_hours_ago(match, 25)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the reminder goes out through the outbox
        asks_sweep()
        asks_sweep()
    assert [message.subject for message in mail.outbox] == [
        f"Erinnerung: Können Sie jemanden zum Amt begleiten? – {MONDAY_10:%d.%m.%Y}"
    ]
    assert mail.outbox[0].to == [volunteer.user.email]
    assert "/einsatz/" in mail.outbox[0].body
    match.refresh_from_db()
    assert match.status == MatchStatus.ASKED


def test_an_unanswered_ask_expires_and_the_request_searches_again_without_them(
    coordinator, world, settings, django_capture_on_commit_callbacks
):
    settings.MATCH_ASK_REMIND_HOURS, settings.MATCH_ASK_EXPIRE_HOURS = 24, 48
    office, escort_request, volunteer = world
    match = match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator)
    other = make_volunteer(number=2)
    _asked_hours_ago(match, 49)
    with django_capture_on_commit_callbacks(execute=True):
        assert asks_sweep() == 1
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED
    assert list(match.events.values_list("kind", flat=True)) == ["asked", "expired"]
    # The next candidate is proposed; who let the ask expire is not proposed again for this request.
    assert list(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True)) == [other.pk]
    with pytest.raises(MatchError):
        match_accept(match=match)


def test_an_ask_for_a_close_appointment_expires_sooner(coordinator, settings, django_capture_on_commit_callbacks):
    settings.MATCH_ASK_REMIND_HOURS, settings.MATCH_ASK_EXPIRE_HOURS = 24, 48
    office = make_office()
    volunteer = make_volunteer(number=1)
    soon = timezone.now() + datetime.timedelta(hours=10)
    escort_request = make_request(office=office, starts_at=soon)
    match = Match.objects.create(
        request=escort_request,
        volunteer=volunteer,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=1),
        blocked_from=soon,
        blocked_until=soon + datetime.timedelta(hours=1),
    )
    _asked_hours_ago(match, 12)  # the appointment was 22 hours away: the ask had 11 hours, not 48
    with django_capture_on_commit_callbacks(execute=True):
        asks_sweep()
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED
    assert MatchEvent.objects.filter(match=match, kind="expired").count() == 1


# --- The debounce of volunteer changes ------------------------------------------------------------------


def _nearby_volunteer_and_request(django_capture_on_commit_callbacks):
    office = make_office()
    escort_request = make_request(office=office, starts_at=MONDAY_10)
    volunteer = make_volunteer(number=1)
    return escort_request, volunteer


def _proposed(escort_request) -> list[int]:
    return list(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True))


def test_eager_two_changes_in_a_row_both_reach_the_proposals(django_capture_on_commit_callbacks):
    escort_request, volunteer = _nearby_volunteer_and_request(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.volunteer_pause(volunteer=Volunteer.objects.get(pk=volunteer.pk), until=None)
    assert _proposed(escort_request) == [volunteer.pk]
    # The second change comes within the debounce window, and in-process it still runs.
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.volunteer_pause(
            volunteer=Volunteer.objects.get(pk=volunteer.pk), until=MONDAY_10.date() + datetime.timedelta(days=1)
        )
    assert _proposed(escort_request) == []


def test_through_the_broker_changes_in_one_window_share_one_run_and_a_later_change_gets_its_own(
    django_capture_on_commit_callbacks,
):
    escort_request, volunteer = _nearby_volunteer_and_request(django_capture_on_commit_callbacks)
    queue = celery_worker.unique_queue()
    redis = celery_worker.redis_client()
    try:
        with celery_worker.routed_to(queue):
            with django_capture_on_commit_callbacks(execute=True):
                volunteer_services.volunteer_pause(volunteer=Volunteer.objects.get(pk=volunteer.pk), until=None)
            with django_capture_on_commit_callbacks(execute=True):
                volunteer_services.volunteer_pause(
                    volunteer=Volunteer.objects.get(pk=volunteer.pk), until=MONDAY_10.date()
                )
            assert redis.llen(queue) == 1  # one run waits for the window's end
            # The run (as the worker runs it) sees the final state: paused on the day.
            requests_near_volunteer_refresh.apply(kwargs={"volunteer_id": volunteer.pk})
            assert _proposed(escort_request) == []
            # A change after the run has started is not swallowed: it queues a run of its own.
            with django_capture_on_commit_callbacks(execute=True):
                volunteer_services.volunteer_pause(volunteer=Volunteer.objects.get(pk=volunteer.pk), until=None)
            assert redis.llen(queue) == 2
    finally:
        celery_worker.purge(queue)


# --- "Wer kann?" --------------------------------------------------------------------------------------------


@pytest.fixture
def five_nearby():
    office = make_office()
    volunteers = [make_volunteer(number=i) for i in range(1, 6)]
    escort_request = make_request(office=office, starts_at=MONDAY_10)
    proposals_refresh(request_id=escort_request.pk)
    return escort_request, volunteers


def test_who_can_asks_the_top_k_and_skips_who_paused_since(
    client, coordinator, five_nearby, django_capture_on_commit_callbacks
):
    escort_request, volunteers = five_nearby
    _pause(volunteers[0])
    client.force_login(coordinator)
    page = client.get(reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk]))
    assert 'id="who-can"' in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:matching_request_who_can", args=[escort_request.pk]), {"who_can_count": "3"}
        )
    assert response.status_code == 302
    asked = set(Match.objects.filter(request=escort_request, status="asked").values_list("volunteer", flat=True))
    assert asked == {v.pk for v in volunteers[1:4]}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(v.user.email for v in volunteers[1:4])
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Pause" in text for text in shown)
    assert any("Wer kann? 3 angefragt" in text for text in shown)


@pytest.mark.parametrize("count", ["1", "6", "", "drei"])
def test_who_can_refuses_a_count_outside_2_to_5_with_a_message(client, coordinator, five_nearby, count):
    escort_request, _volunteers = five_nearby
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:matching_request_who_can", args=[escort_request.pk]), {"who_can_count": count}
    )
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not Match.objects.exists()


def test_the_first_accept_wins_and_the_others_get_schon_gefunden(
    client, coordinator, five_nearby, django_capture_on_commit_callbacks
):
    from matching.matches.asks import match_ask_top

    escort_request, volunteers = five_nearby
    asked, _skipped = match_ask_top(escort_request=escort_request, count=3, actor=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_accept(match=asked[1])
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[volunteers[0].user.email] == "Schon gefunden, danke!"
    assert subjects[volunteers[2].user.email] == "Schon gefunden, danke!"
    assert "schon gefunden" not in subjects[volunteers[1].user.email].lower()
    # The one who comes too late sees it on their page.
    late = Match.objects.get(pk=asked[0].pk)
    page = client.get(reverse("einsatz:match", args=[late.token]))
    assert "Schon gefunden" in page.content.decode()
    with pytest.raises(MatchError, match="Schon gefunden"):
        match_accept(match=late)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("k", [2, 3, 5])
def test_k_parallel_accepts_after_who_can_confirm_exactly_one_twenty_times(coordinator, k):
    from django.db import connection

    from matching.matches.asks import match_ask_top

    assert connection.vendor == "postgresql"
    office = make_office()
    volunteers = [make_volunteer(number=i) for i in range(k)]
    for round_ in range(20):
        starts_at = MONDAY_10 + datetime.timedelta(days=7 * round_)
        escort_request = make_request(office=office, starts_at=starts_at)
        proposals_refresh(request_id=escort_request.pk)
        asked, _skipped = match_ask_top(escort_request=escort_request, count=k, actor=coordinator)
        assert {m.volunteer_id for m in asked} == {v.pk for v in volunteers}
        results = race(k, lambda i, asked=asked: match_accept(match=asked[i]))
        winners = [r for r in results if isinstance(r, Match)]
        assert len(winners) == 1, results
        assert all(isinstance(r, (Match, MatchError)) for r in results), results
        assert Match.objects.filter(request=escort_request, status="accepted").count() == 1
        assert Match.objects.filter(request=escort_request, status="cancelled").count() == k - 1


def test_the_database_itself_refuses_a_second_accepted_match_for_one_request(coordinator, five_nearby):
    from django.db import IntegrityError, transaction

    from matching.matches.asks import match_ask_top

    escort_request, _volunteers = five_nearby
    asked, _skipped = match_ask_top(escort_request=escort_request, count=2, actor=coordinator)
    Match.objects.filter(pk=asked[0].pk).update(status="accepted")
    with pytest.raises(IntegrityError, match="match_one_accepted_per_request"), transaction.atomic():
        Match.objects.filter(pk=asked[1].pk).update(status="accepted")
