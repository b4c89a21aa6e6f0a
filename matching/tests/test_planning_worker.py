""" "Alle anfragen" through a real Celery worker on Redis: the page shows the run's progress until it is done."""

import datetime

import pytest
from django.urls import reverse

from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.models import Match, MatchStatus
from matching.planning.asking import progress_get
from matching.tests.test_worker import workers  # noqa: F401  (the fixture: a fresh queue and its workers)
from testing.celery_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_alle_anfragen_runs_in_a_worker_and_the_page_follows_it(client, django_user_model, workers):  # noqa: F811
    office = make_office()
    near = make_volunteer(number=1, gender="f")
    farther = make_volunteer(number=2, code="47057", radius_km=20, gender="m")
    starts_at = next_weekday_at(10, days_ahead=1)
    first = make_request(office=office, starts_at=starts_at)
    second = make_request(office=office, starts_at=starts_at + datetime.timedelta(minutes=30), preferred_gender="f")
    coordinator = django_user_model.objects.create_user(
        username="koordination", email="k@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )
    client.force_login(coordinator)
    plan = client.get(reverse("admin:matching_week_plan"), {"plz": "47"})

    # Queued on the test's queue; no worker is running yet.
    response = client.post(reverse("admin:matching_week_plan_ask"), {"pairs": plan.context["pairs_value"]})
    waiting = client.get(response["Location"])

    assert "0 von 2 bearbeitet" in waiting.content.decode()
    assert b'<meta http-equiv="refresh" content="2">' in waiting.content
    run_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    worker = workers.start()
    wait_for(
        lambda: (progress_get(run_id=run_id) or {}).get("finished"),
        timeout=30,
        message=lambda: f"the run did not finish:\n{worker.log_tail()}",
    )
    done = client.get(response["Location"])

    assert "2 von 2 bearbeitet, 2 angefragt." in done.content.decode()
    assert b"http-equiv" not in done.content
    asked = set(Match.objects.filter(status=MatchStatus.ASKED).values_list("request_id", "volunteer_id"))
    assert asked == {(first.pk, farther.pk), (second.pk, near.pk)}
