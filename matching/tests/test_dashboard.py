"""'Heute zu tun': every queue counted on the admin index with a fixed number of queries, and each a list filter."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.choices import InitiativeState
from directory.tests.initiative_factories import InitiativeFactory
from matching.engine.tests.helpers import make_office, make_volunteer, next_weekday_at
from matching.models import AccompanimentRequest, Match, MatchStatus, Outcome, Proposal

pytestmark = pytest.mark.django_db

LATER = next_weekday_at(10, days_ahead=6)
QUEUE_KEYS = [
    "bald",
    "anrufen",
    "neu",
    "unbeantwortet",
    "abgelaufen",
    "alle_abgesagt",
    "ohne_kandidaten",
    "nicht_zugelassen",
]


@pytest.fixture
def coordinator_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def _requests(office, count: int, **fields) -> list[AccompanimentRequest]:
    now = timezone.now()
    values = {
        "office": office,
        "starts_at": LATER,
        "first_name": "Ayşe",
        "phone": "0203 4711",
        "consent_given_at": now,
        "privacy_policy_version": "test",
        "status": "searching",
        "proposals_run_at": now,
    }
    values.update(fields)
    return AccompanimentRequest.objects.bulk_create([AccompanimentRequest(**values) for _ in range(count)])


def _matches(requests, *, status, created_at=None, **fields) -> None:
    # Without a volunteer (as after an erasure), so the double-booking guard does not mind the numbers.
    made = Match.objects.bulk_create(
        [
            Match(
                request=r,
                status=status,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                blocked_from=r.starts_at,
                blocked_until=r.ends_at,
                **fields,
            )
            for r in requests
        ]
    )
    if created_at is not None:
        Match.objects.filter(pk__in=[m.pk for m in made]).update(created_at=created_at)


def fill_queues(rows: int) -> None:
    """``rows`` requests in every queue (and each in exactly one)."""
    office = make_office()
    volunteer = make_volunteer(number=1)
    now = timezone.now()
    _requests(office, rows, starts_at=now + datetime.timedelta(hours=30), proposals_run_at=None)
    _requests(office, rows, status="confirmed", call_needed_since=now, call_reason="Begleitung gefunden")
    Proposal.objects.bulk_create(
        [Proposal(request=r, volunteer=volunteer, rank=1, distance_km=1.0) for r in _requests(office, rows)]
    )
    _matches(_requests(office, rows), status=MatchStatus.ASKED, created_at=now - datetime.timedelta(hours=30))
    _matches(_requests(office, rows), status=MatchStatus.EXPIRED)
    _matches(_requests(office, rows), status=MatchStatus.DECLINED)
    _requests(office, rows)
    past = now - datetime.timedelta(days=2)
    done = _requests(office, rows, status="cancelled", starts_at=past)
    _matches(done, status=MatchStatus.DONE, outcome=Outcome.NOT_ADMITTED)
    InitiativeFactory.create_batch(rows, state=InitiativeState.SUBMITTED)


def _counts(html: str) -> dict[str, int]:
    return {
        key: int(count)
        for key, count in re.findall(
            r'data-queue="([a-z_]+)">.*?<td class="queue-count"><a href="[^"]*">(\d+)</a>', html, re.S
        )
    }


@pytest.mark.parametrize("rows", [1, 50])
def test_the_dashboard_counts_every_queue_with_a_fixed_number_of_queries(coordinator_client, rows):
    fill_queues(rows)
    with CaptureQueriesContext(connection) as queries:
        page = coordinator_client.get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Heute zu tun" in html
    assert _counts(html) == {**dict.fromkeys(QUEUE_KEYS, rows), "initiativen": rows}
    # The request's savepoint pair, session and user, nine counts (eight queues and the initiatives),
    # the "recent actions" box: the same at 1 and at 50 rows per queue.
    assert len(queries) == 14, "\n".join(q["sql"][:120] for q in queries.captured_queries)


@pytest.mark.parametrize("key", QUEUE_KEYS)
def test_each_queue_is_a_bookmarkable_filter_of_the_request_list(coordinator_client, key):
    fill_queues(2)
    page = coordinator_client.get(reverse("admin:matching_accompanimentrequest_changelist"), {"warteschlange": key})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2
    assert "Warteschlange" in page.content.decode()


def test_an_unknown_queue_in_the_address_shows_the_whole_list(coordinator_client):
    fill_queues(1)
    page = coordinator_client.get(reverse("admin:matching_accompanimentrequest_changelist"), {"warteschlange": "x"})
    assert page.status_code == 200


def test_mine_and_unowned_filters_and_taking_a_request_over(coordinator_client):
    office = make_office()
    first, second = _requests(office, 2)
    url = reverse("admin:matching_accompanimentrequest_changelist")
    page = coordinator_client.post(url, {"action": "take_over", "_selected_action": [first.pk]})
    assert page.status_code == 302
    mine = coordinator_client.get(url, {"zustaendig": "meine"}).context["cl"].result_list
    unowned = coordinator_client.get(url, {"zustaendig": "niemand"}).context["cl"].result_list
    assert list(mine) == [first]
    assert list(unowned) == [second]
