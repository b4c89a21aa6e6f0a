import datetime
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching.models import AccompanimentRequest, RequestStatus
from matching.requests.purge import purge_requests, requests_purge
from matching.requests.services import request_cancel
from matching.requests.tests.helpers import in_days, make_request

pytestmark = pytest.mark.django_db


def erased(request) -> bool:
    request.refresh_from_db()
    return request.personal_data_erased_at is not None


@pytest.fixture
def past_and_future():
    """An appointment in 3 days and one in 30 days, plus one cancelled today."""
    soon = make_request(first_name="Bald", accessibility="Rollstuhl", message="Bitte pünktlich", phone="0203 1")
    later = make_request(first_name="Später", starts_at=in_days(30))
    cancelled = make_request(first_name="Abgesagt", starts_at=in_days(60))
    request_cancel(escort_request=cancelled)
    return soon, later, cancelled


def test_nothing_is_erased_before_its_time(past_and_future):
    assert requests_purge() == 0
    assert not any(erased(r) for r in past_and_future)


def test_with_the_clock_moved_past_data_is_erased_and_future_appointments_are_kept(past_and_future, settings):
    soon, later, cancelled = past_and_future
    settings.REQUEST_RETENTION_DAYS = 14
    # Moved to 17 days from now: "soon" ended 14 days ago (and a bit), "cancelled" was cancelled 17 days ago.
    moved = in_days(3, 11, 0) + datetime.timedelta(days=14, minutes=1)
    assert requests_purge(now=moved) == 2
    assert erased(soon) and erased(cancelled)
    assert not erased(later)
    assert later.first_name == "Später"
    assert (soon.first_name, soon.email, soon.phone, soon.accessibility, soon.message) == ("", "", "", "", "")
    assert soon.languages == 0
    # What stays for statistics: office, date, status.
    assert soon.office.name == "Jobcenter Duisburg Mitte"
    assert soon.starts_at == in_days(3)
    assert soon.status != RequestStatus.CANCELLED
    assert cancelled.status == RequestStatus.CANCELLED


def test_the_retention_counts_from_the_end_of_the_appointment(past_and_future):
    soon, _, _ = past_and_future
    end = soon.ends_at
    assert requests_purge(now=end + datetime.timedelta(days=14) - datetime.timedelta(minutes=1)) == 1
    assert not erased(soon)
    assert requests_purge(now=end + datetime.timedelta(days=14)) == 1
    assert erased(soon)


def test_the_purge_runs_once(past_and_future):
    moved = timezone.now() + datetime.timedelta(days=200)
    assert requests_purge(now=moved) == 3
    assert requests_purge(now=moved) == 0


def test_a_dry_run_counts_and_erases_nothing(past_and_future):
    moved = timezone.now() + datetime.timedelta(days=200)
    assert requests_purge(now=moved, dry_run=True) == 3
    assert not any(erased(r) for r in past_and_future)


def test_the_command_purges_and_logs_only_counts(past_and_future, caplog):
    soon, later, cancelled = past_and_future
    AccompanimentRequest.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - datetime.timedelta(days=20))
    out = StringIO()
    with caplog.at_level(logging.INFO):
        call_command("purge_requests", "--dry-run", stdout=out)
    assert "1 request(s)" in out.getvalue()
    assert not erased(soon)
    out = StringIO()
    with caplog.at_level(logging.INFO):
        call_command("purge_requests", stdout=out)
    assert "Erased the personal data of 1 request(s)." in out.getvalue()
    assert erased(soon) and not erased(later) and not erased(cancelled)
    for name in ("Bald", "Rollstuhl", "ayse", soon.token):
        assert name not in caplog.text
    assert "request purge: 1 erased" in caplog.text


def test_the_beat_task_runs_the_same_purge(past_and_future, settings):
    soon, _, _ = past_and_future
    AccompanimentRequest.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - datetime.timedelta(days=20))
    assert purge_requests.delay().get() == 1
    assert erased(soon)
    assert settings.CELERY_BEAT_SCHEDULE["requests-purge"]["task"] == "matching.requests.purge.purge_requests"


def test_the_status_page_of_an_erased_request_still_shows_the_state(client, past_and_future):
    soon, _, _ = past_and_future
    requests_purge(now=timezone.now() + datetime.timedelta(days=200))
    content = client.get(f"/anfrage/{soon.token}/").content.decode()
    assert "Ihre persönlichen Angaben haben wir gelöscht" in content
    assert "Rollstuhl" not in content


def test_the_purge_also_erases_free_text_around_the_matches_but_keeps_the_outcome(past_and_future, settings):
    from matching.engine.search import match_block
    from matching.engine.tests.helpers import make_volunteer
    from matching.models import Match, MatchEvent

    soon, _later, _cancelled = past_and_future
    block_from, block_until = match_block(soon.starts_at, soon.ends_at)
    match = Match.objects.create(
        request=soon, volunteer=make_volunteer(number=1), status="done", outcome="took_place",
        starts_at=soon.starts_at, ends_at=soon.ends_at, blocked_from=block_from, blocked_until=block_until,
        decline_reason="Frau Bald ist krank",
    )  # fmt: skip
    MatchEvent.objects.create(match=match, kind="cancelled", actor_role="coordinator", note="Tochter rief an")
    settings.REQUEST_RETENTION_DAYS = 14
    requests_purge(now=soon.ends_at + datetime.timedelta(days=15))
    match.refresh_from_db()
    assert (match.decline_reason, match.outcome) == ("", "took_place")
    assert list(MatchEvent.objects.values_list("note", "kind")) == [("", "cancelled")]
