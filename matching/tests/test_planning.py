"""The week's plan on the real database: the service, "Woche planen" and "Alle anfragen" in the admin."""

import datetime

import pytest
from django.urls import reverse

from matching.engine.tests.helpers import book, make_office, make_request, make_volunteer, next_weekday_at
from matching.models import Match, MatchStatus
from matching.planning.services import week_plan

pytestmark = pytest.mark.django_db

MONDAY_10 = next_weekday_at(10, days_ahead=1, weekday=None)


@pytest.fixture
def coordinator_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="koordination", email="koordination@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def busy_morning():
    """Two overlapping requests; the nearest volunteer is the only one who fits the second."""
    office = make_office()
    near = make_volunteer(number=1, gender="f")
    farther = make_volunteer(number=2, code="47057", radius_km=20, gender="m")
    first = make_request(office=office, starts_at=MONDAY_10)
    second = make_request(office=office, starts_at=MONDAY_10 + datetime.timedelta(minutes=30), preferred_gender="f")
    return office, first, second, near, farther


def test_the_plan_covers_both_requests_where_the_ranking_covers_one(busy_morning):
    _office, first, second, near, farther = busy_morning

    plan = week_plan()

    assert {(p.escort_request.pk, p.volunteer.pk) for p in plan.pairs} == {(first.pk, farther.pk), (second.pk, near.pk)}
    assert plan.ranking_covered == 1
    assert plan.gained == 1
    assert plan.uncovered == []
    assert all(p.reasons and p.km >= 0 for p in plan.pairs)


def test_the_region_filter_keeps_other_offices_out(busy_morning):
    assert week_plan(prefixes=("10",)).pairs == []
    assert len(week_plan(prefixes=("47",)).pairs) == 2


def test_a_declined_volunteer_is_not_planned_again_and_the_reason_is_given(busy_morning):
    _office, first, second, near, farther = busy_morning
    Match.objects.create(
        request=second, volunteer=near, status=MatchStatus.DECLINED, starts_at=second.starts_at,
        ends_at=second.ends_at, blocked_from=second.starts_at, blocked_until=second.ends_at,
    )  # fmt: skip

    plan = week_plan()

    assert [(p.escort_request.pk, p.volunteer.pk) for p in plan.pairs] == [(first.pk, near.pk)]
    assert [(u.escort_request.pk, u.reason) for u in plan.uncovered] == [
        (second.pk, "Niemand in Reichweite, der zu der Zeit kann")
    ]


def test_a_volunteer_at_the_weekly_cap_is_not_planned(busy_morning, settings):
    office, first, second, near, farther = busy_morning
    settings.PLANNING_MAX_PER_WEEK = 1
    book(volunteer=near, office=office, starts_at=MONDAY_10 + datetime.timedelta(days=2))

    plan = week_plan()

    assert [(p.escort_request.pk, p.volunteer.pk) for p in plan.pairs] == [(first.pk, farther.pk)]
    assert [u.reason for u in plan.uncovered] == ["Alle Passenden haben diese Woche schon genug Begleitungen"]


def test_a_request_already_asked_is_kept(busy_morning, coordinator_client):
    _office, first, second, near, farther = busy_morning
    Match.objects.create(
        request=first, volunteer=near, starts_at=first.starts_at, ends_at=first.ends_at,
        blocked_from=first.starts_at - datetime.timedelta(minutes=30),
        blocked_until=first.ends_at + datetime.timedelta(minutes=30),
    )  # fmt: skip

    plan = week_plan()

    assert plan.already_asked == [first]
    # The asked volunteer is busy then; nobody else fits the second request.
    assert plan.pairs == []
    assert [u.escort_request for u in plan.uncovered] == [second]


def test_requests_outside_the_window_are_left_out(busy_morning):
    assert week_plan(now=MONDAY_10 + datetime.timedelta(days=1)).pairs == []


def test_woche_planen_shows_the_pairs_and_alle_anfragen_asks_them(
    busy_morning, coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    _office, first, second, near, farther = busy_morning
    page = coordinator_client.get(reverse("admin:matching_week_plan"), {"plz": "47", "tage": "7"})

    assert page.status_code == 200
    assert page.context["plan"].gained == 1
    assert "nur mit dem Plan" in page.content.decode()
    pairs = page.context["pairs_value"]

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("admin:matching_week_plan_ask"), {"pairs": pairs})
    run = coordinator_client.get(response["Location"])

    assert run.status_code == 200
    assert run.context["progress"]["asked"] == 2
    assert run.context["progress"]["finished"] is True
    assert b'http-equiv="refresh"' not in run.content
    asked = set(Match.objects.filter(status=MatchStatus.ASKED).values_list("request_id", "volunteer_id"))
    assert asked == {(first.pk, farther.pk), (second.pk, near.pk)}
    assert len(mailoutbox) == 2


def test_alle_anfragen_reports_what_could_not_be_asked(
    busy_morning, coordinator_client, django_capture_on_commit_callbacks
):
    _office, first, second, near, farther = busy_morning
    pairs = f"{first.pk}:{farther.pk},{second.pk}:{near.pk}"
    second.status = "cancelled"
    second.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("admin:matching_week_plan_ask"), {"pairs": pairs})
    run = coordinator_client.get(response["Location"])

    assert run.context["progress"]["asked"] == 1
    assert [row["request_id"] for row in run.context["failed"]] == [second.pk]
    assert "Für diese Anfrage wird keine Begleitung mehr gesucht." in run.content.decode()


def test_bad_input_gets_a_message_not_a_500(coordinator_client):
    page = coordinator_client.get(reverse("admin:matching_week_plan"), {"plz": "4x7"})

    assert page.status_code == 200
    assert "Bitte nur Ziffern" in page.content.decode()
    assert coordinator_client.post(reverse("admin:matching_week_plan_ask"), {"pairs": "1:x"}).status_code == 400
    assert coordinator_client.get(reverse("admin:matching_week_plan_run", args=["nope"])).status_code == 404


def test_a_run_in_progress_refreshes_itself(coordinator_client):
    from matching.planning.asking import progress_start

    progress_start(run_id="a" * 32, total=3)
    page = coordinator_client.get(reverse("admin:matching_week_plan_run", args=["a" * 32]))

    assert b'<meta http-equiv="refresh" content="2">' in page.content
    assert "0 von 3 bearbeitet" in page.content.decode()


def test_only_coordinators_plan(client, django_user_model):
    user = django_user_model.objects.create_user(username="x", password="pw")
    client.force_login(user)

    response = client.get(reverse("admin:matching_week_plan"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
