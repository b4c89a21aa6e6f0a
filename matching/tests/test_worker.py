"""Matching with a real Celery worker process on the real Redis and PostgreSQL.

No eager mode and no mocks: the test process (and its live server) sends tasks
through Redis to a ``celery worker`` started with the production settings on the
test database. Each test has its own queue (see ``testing/celery_worker.py``).
"""

import datetime
import http.cookiejar
import os
import re
import signal
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core.bitmask import to_mask
from core.models import DeferredTask, OutgoingMail
from core.outbox import outbox_send
from core.tasks import deferred_tasks_relay
from directory.choices import OfficeKind
from geo.models import PostalCode
from matching.engine.proposals import sweep_unproposed_requests
from matching.links import match_url
from matching.matches.services import match_ask
from matching.models import AccompanimentRequest, Match, Proposal, RequestStatus
from matching.requests.services import request_create
from matching.requests.tests.helpers import office
from testing import celery_worker
from testing.celery_worker import wait_for
from volunteers.choices import DayPart, Weekday, availability_position
from volunteers.tests.factories import VolunteerFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Real centroids, so the distances are the same whether or not the full postal code table is loaded.
POSTAL_CODES = {
    "47051": (51.4321281223, 6.76803215375),  # Duisburg-Mitte, where the Jobcenter is
    "47057": (51.4197122868, 6.79880903267),  # Duisburg-Neudorf, ~2.5 km
    "47226": (51.4067857645, 6.71868207881),  # Duisburg-Rheinhausen, ~4.6 km
    "45127": (51.4573941023, 7.01059603228),  # Essen, ~17 km
}
EVERY_SLOT = to_mask(availability_position(day, part) for day in Weekday for part in DayPart)
# Low, so a task taken by a killed worker comes back within the test (see test_killing_…).
VISIBILITY_TIMEOUT = 3
PROPOSALS_WITHIN = 20


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Route this process's tasks to a fresh queue; start workers on it with ``workers.start()``."""
    queue = celery_worker.unique_queue()
    pool = celery_worker.Workers(queue=queue, directory=tmp_path)
    try:
        with celery_worker.routed_to(queue):
            yield pool
    finally:
        pool.stop_all()
        celery_worker.purge(queue)


# --- Builders ----------------------------------------------------------------------------------------------


def appointment() -> datetime.datetime:
    """10:00 local time, two days or more ahead, never on a Sunday (no one is available on Sundays)."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    while day.weekday() > Weekday.SATURDAY:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def volunteer(code: str, *, radius_km: int = 15, verified: bool = True, **fields):
    latitude, longitude = POSTAL_CODES[code]
    PostalCode.objects.get_or_create(code=code, defaults={"latitude": latitude, "longitude": longitude})
    fields.setdefault("availability", EVERY_SLOT)
    fields.setdefault("office_kinds", to_mask(OfficeKind.values))
    return VolunteerFactory(postal_code_id=code, radius_km=radius_km, user__verified=verified, **fields)


def jobcenter():
    latitude, longitude = POSTAL_CODES["47051"]
    PostalCode.objects.get_or_create(code="47051", defaults={"latitude": latitude, "longitude": longitude})
    return office()


def create_request(the_office, *, email_address: str = "ayse@beispiel.de") -> AccompanimentRequest:
    # As the view does it: in one transaction, the tasks go out on commit.
    with transaction.atomic():
        escort_request, created = request_create(
            office=the_office, first_name="Ayşe", email=email_address, starts_at=appointment(), languages=1
        )
    assert created
    return escort_request


def _hidden_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0)) if tag else None
    assert value, f"the form at /anfrage/ has no {name} field"
    return value.group(1)


def submit_request_form(base_url: str, the_office, starts_at: datetime.datetime) -> tuple[int, str, str]:
    """Fill in /anfrage/ like a browser without JavaScript: GET the form (CSRF cookie, start time), POST it.

    Returns the status, URL and text of the page shown after the redirect.
    """
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base_url}/anfrage/", timeout=10) as response:
        form_page = response.read().decode()
    local = timezone.localtime(starts_at)
    data = {
        "csrfmiddlewaretoken": _hidden_value(form_page, "csrfmiddlewaretoken"),
        "form_started": _hidden_value(form_page, "form_started"),
        "hp_contact": "",
        "first_name": "Ayşe",
        "email": "ayse@beispiel.de",
        "phone": "",
        "preferred_contact": "",
        "office_query": the_office.postal_code_id,
        "office": str(the_office.pk),
        "new_office_name": "",
        "new_office_street": "",
        "new_office_postal_code": "",
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration_minutes": "60",
        "purpose": "",
        "languages": ["0"],
        "preferred_gender": "",
        "accessibility": "",
        "message": "",
        "consent": "on",
        "send": "1",
    }
    body = urlencode(data, doseq=True).encode()
    post = urllib.request.Request(f"{base_url}/anfrage/", data=body, method="POST")  # noqa: S310  (live server)
    try:
        with opener.open(post, timeout=30) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as error:
        raise AssertionError(f"POST /anfrage/ answered {error.code}:\n{error.read().decode()[:2000]}") from error


def proposals_done(request_id: int) -> bool:
    return AccompanimentRequest.objects.filter(pk=request_id, proposals_run_at__isnull=False).exists()


def ranked_volunteers(request_id: int) -> list[int]:
    return list(Proposal.objects.filter(request_id=request_id).order_by("rank").values_list("volunteer_id", flat=True))


# --- The tests ----------------------------------------------------------------------------------------------


def test_a_request_submitted_over_http_gets_its_proposals_within_seconds(live_server, settings, workers):
    # The live server runs in this process, so the setting applies to the form it serves.
    settings.SPAM_MIN_FILL_SECONDS = 0
    the_office = jobcenter()
    starts_at = appointment()
    weekday = timezone.localtime(starts_at).weekday()
    nearest = volunteer("47051", radius_km=5)
    neudorf = volunteer("47057", radius_km=10)
    rheinhausen = volunteer("47226", radius_km=15)
    # Not matchable: too far for their own radius, e-mail not verified, no time that day, other offices.
    volunteer("45127", radius_km=10)
    volunteer("47051", verified=False)
    volunteer("47051", availability=to_mask([availability_position((weekday + 1) % 6, DayPart.MORNING)]))
    volunteer("47051", office_kinds=to_mask([OfficeKind.IMMIGRATION]))
    workers.start()

    submitted = time.monotonic()
    status, url, page = submit_request_form(live_server.url, the_office, starts_at)

    escort_request = AccompanimentRequest.objects.get()
    assert status == 200
    assert url == f"{live_server.url}/anfrage/{escort_request.token}/"
    assert "Danke! Ihre Anfrage ist angekommen." in page
    wait_for(
        lambda: proposals_done(escort_request.pk),
        timeout=PROPOSALS_WITHIN,
        message=lambda: f"no proposals for the request:\n{workers.started[0].log_tail()}",
    )
    elapsed = time.monotonic() - submitted
    assert elapsed < PROPOSALS_WITHIN
    escort_request.refresh_from_db()
    assert escort_request.proposals_run_at is not None
    assert escort_request.status == RequestStatus.SEARCHING
    assert ranked_volunteers(escort_request.pk) == [nearest.pk, neudorf.pk, rheinhausen.pk]
    first = Proposal.objects.get(request=escort_request, rank=1)
    assert first.distance_km == 0.0
    assert first.reasons and "km entfernt" in first.reasons[0]


def test_killing_the_worker_loses_no_queued_task(workers):
    the_office = jobcenter()
    nearest = volunteer("47051")
    # Queued while no worker runs: each request sends its proposal run (and a mail) on commit.
    request_ids = [create_request(the_office, email_address=f"person{n}@beispiel.de").pk for n in range(30)]
    assert celery_worker.redis_client().llen(workers.queue) >= len(request_ids)
    assert not AccompanimentRequest.objects.filter(proposals_run_at__isnull=False).exists()

    def done() -> int:
        return AccompanimentRequest.objects.filter(pk__in=request_ids, proposals_run_at__isnull=False).count()

    def freeze_while_busy(worker) -> list[tuple[str, float]]:
        """Stop the worker at a moment it holds a task it has not acknowledged yet."""
        for _attempt in range(500):
            worker.freeze()
            taken = celery_worker.in_flight(workers.queue)
            if taken:
                return taken
            worker.thaw()
            time.sleep(0.002)
        raise AssertionError(f"never caught the worker with a task in hand:\n{worker.log_tail()}")

    first = workers.start(CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT), OUTBOX_LEASE_SECONDS="2")
    wait_for(lambda: done() >= 3, timeout=PROPOSALS_WITHIN, message=lambda: f"no progress:\n{first.log_tail()}")

    # 1. The pool process running the task dies (say, out of memory). The worker hands the task
    #    back (task_reject_on_worker_lost) and carries on with a new pool process.
    freeze_while_busy(first)
    pool = first.pool_pids()
    assert pool, f"the worker has no pool process:\n{first.log_tail()}"
    for pid in pool:
        os.kill(pid, signal.SIGKILL)
    first.thaw()
    progress = done()
    wait_for(lambda: done() >= progress + 3, timeout=PROPOSALS_WITHIN, message=lambda: f"stuck:\n{first.log_tail()}")
    assert first.process.poll() is None, "the worker died with its pool process"

    # 2. The whole worker is killed while it holds a task: nothing acknowledged it, so Redis
    #    gives it to the next worker once the visibility timeout has passed.
    taken = freeze_while_busy(first)
    first.kill()
    at_kill = done()
    assert at_kill < len(request_ids), "the worker finished everything before it was killed"
    assert celery_worker.in_flight(workers.queue) == taken
    time.sleep(max(0.0, max(at for _tag, at in taken) + VISIBILITY_TIMEOUT + 0.2 - time.time()))

    second = workers.start(CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT), OUTBOX_LEASE_SECONDS="2")
    wait_for(
        lambda: done() == len(request_ids),
        timeout=PROPOSALS_WITHIN,
        message=lambda: f"{len(request_ids) - done()} proposal runs lost:\n{second.log_tail()}",
    )
    wait_for(
        lambda: not celery_worker.in_flight(workers.queue),
        timeout=PROPOSALS_WITHIN,  # generous: CI machines are busy; success returns at once
        message="the killed worker's task was never acknowledged",
    )
    for request_id in request_ids:
        assert ranked_volunteers(request_id) == [nearest.pk]
    # The mails queued with them arrived too.
    wait_for(
        lambda: {m["To"] for m in workers.mails()} >= {f"person{n}@beispiel.de" for n in range(len(request_ids))},
        timeout=PROPOSALS_WITHIN,
        message="a request's mail was lost",
    )


def test_a_request_survives_a_broker_outage_and_its_tasks_are_relayed(live_server, settings, workers, caplog):
    settings.SPAM_MIN_FILL_SECONDS = 0
    the_office = jobcenter()
    nearest = volunteer("47051")
    worker = workers.start()

    # The web process cannot reach the broker (the worker still can: nothing reaches it).
    with celery_worker.broker_unreachable():
        status, url, page = submit_request_form(live_server.url, the_office, appointment())

    escort_request = AccompanimentRequest.objects.get()
    assert status == 200
    assert url == f"{live_server.url}/anfrage/{escort_request.token}/"
    assert "Danke! Ihre Anfrage ist angekommen." in page
    assert escort_request.proposals_run_at is None
    # Nothing was lost: the proposal run and the mails wait in the database, with ids only.
    person_mail = OutgoingMail.objects.get(to=["ayse@beispiel.de"])
    deferred = sorted(DeferredTask.objects.values_list("task_name", "kwargs"))
    assert deferred == [
        ("core.outbox.outbox_send", {"mail_id": person_mail.pk}),
        ("matching.engine.proposals.propose", {"request_id": escort_request.pk}),
    ]
    assert "deferred" in caplog.text
    assert mail.outbox == []

    # The broker is back: beat's relay queues them, the worker runs them.
    deferred_tasks_relay.delay()
    wait_for(
        lambda: proposals_done(escort_request.pk) and any(m["To"] == "ayse@beispiel.de" for m in workers.mails()),
        timeout=PROPOSALS_WITHIN,
        message=lambda: f"the relay did not bring proposals and the mail:\n{worker.log_tail()}",
    )
    assert ranked_volunteers(escort_request.pk) == [nearest.pk]
    assert not DeferredTask.objects.exists()
    assert worker.count(r"Task core\.tasks\.deferred_tasks_relay\[[^\]]+\] succeeded in [^:]+: 2\b") == 1


def test_the_sweeper_queues_a_request_whose_proposal_run_never_happened(settings, workers):
    the_office = jobcenter()
    nearest = volunteer("47051")
    with celery_worker.broker_unreachable():
        escort_request = create_request(the_office)
    DeferredTask.objects.all().delete()  # as if the outage had lost the task too
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.MATCHING_SWEEP_AFTER_SECONDS + 60)
    )
    worker = workers.start()
    sweep_unproposed_requests.delay()
    wait_for(
        lambda: proposals_done(escort_request.pk),
        timeout=PROPOSALS_WITHIN,
        message=lambda: f"the sweeper did not bring proposals:\n{worker.log_tail()}",
    )
    assert ranked_volunteers(escort_request.pk) == [nearest.pk]


def test_a_task_delivered_twice_does_its_work_once(workers):
    the_office = jobcenter()
    helga = volunteer("47051")
    escort_request = create_request(the_office)
    # Asking puts the invitation into the outbox and queues its sending on commit: the first delivery.
    match = match_ask(escort_request=escort_request, volunteer=helga, actor=None)
    invitation = OutgoingMail.objects.get(key=f"match-invitation:{match.pk}:volunteer")
    # The same message twice more (same task id), as Redis re-delivers one whose ack got lost.
    task_id = str(uuid.uuid4())
    for _ in range(2):
        outbox_send.apply_async(kwargs={"mail_id": invitation.pk}, task_id=task_id)

    # Two pool processes, so duplicates can run at the same moment.
    worker = workers.start(concurrency=2)
    succeeded = r"Task core\.outbox\.outbox_send\[([^\]]+)\] succeeded"
    wait_for(
        lambda: worker.count(succeeded) >= 4,  # the request's mail, the invitation three times
        timeout=PROPOSALS_WITHIN,
        message=lambda: f"the three deliveries did not all run:\n{worker.log_tail()}",
    )
    assert re.findall(succeeded, worker.log()).count(task_id) == 2

    invitations = [m.get_content() for m in workers.mails() if m["To"] == helga.user.email]
    assert len(invitations) == 1, f"{len(invitations)} invitations for one match"
    match.refresh_from_db()
    assert match_url(match=match) in invitations[0]
    assert Match.objects.get(pk=match.pk).invitation_sent_at is not None
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == ("sent", 1)


def _post_login(base_url: str) -> int:
    """Log in with a wrong password like a browser (CSRF cookie first); the status of the answer."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base_url}/konto/login/", timeout=10) as response:
        page = response.read().decode()
    data = {"csrfmiddlewaretoken": _hidden_value(page, "csrfmiddlewaretoken"), "login": "x@beispiel.de"}
    data["password"] = "falsch-falsch"
    request = urllib.request.Request(  # noqa: S310  (the test's own live server)
        f"{base_url}/konto/login/", data=urlencode(data).encode(), headers={"Referer": f"{base_url}/konto/login/"}
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_with_redis_down_nothing_is_lost_and_everything_arrives_when_it_returns(
    live_server, settings, workers, redis_server
):
    """Cache and broker on a real redis-server of the test's own, which the test stops and starts again."""
    settings.SPAM_MIN_FILL_SECONDS = 0
    # Only the shared cache moves; the process's own ("local", kept fragments) stays.
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": redis_server.url}}
    the_office = jobcenter()
    nearest = volunteer("47051")
    with celery_worker.broker_at(redis_server.url):
        worker = workers.start(REDIS_URL=redis_server.url)
        redis_server.stop()

        status, url, page = submit_request_form(live_server.url, the_office, appointment())
        escort_request = AccompanimentRequest.objects.get()
        assert (status, url) == (200, f"{live_server.url}/anfrage/{escort_request.token}/")
        assert "Danke! Ihre Anfrage ist angekommen." in page
        # The login works too (allauth's rate limit reads the cache): a wrong password is an error, not a 500.
        assert _post_login(live_server.url) == 200
        assert DeferredTask.objects.count() == 2

        redis_server.start()
        deferred_tasks_relay.delay()
        wait_for(
            lambda: proposals_done(escort_request.pk) and any(m["To"] == "ayse@beispiel.de" for m in workers.mails()),
            timeout=PROPOSALS_WITHIN * 2,  # the worker first has to find its broker again
            message=lambda: f"nothing arrived after Redis returned:\n{worker.log_tail()}",
        )
    assert ranked_volunteers(escort_request.pk) == [nearest.pk]
    assert not DeferredTask.objects.exists()
