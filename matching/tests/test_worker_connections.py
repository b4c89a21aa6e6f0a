"""A real Celery worker keeps its database connection between tasks and survives losing it.

The prepared candidate search is planned once per connection, so a worker that connected anew for
every task (Celery's default with Django) planned it for every request.
"""

import pytest
from django.db import connection

from matching.tests.test_worker import (
    PROPOSALS_WITHIN,
    create_request,
    jobcenter,
    proposals_done,
    ranked_volunteers,
    volunteer,
)
from testing import celery_worker
from testing.celery_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
NOTICE_DONE = r"Task core\.outbox\.outbox_send\[[^\]]+\] succeeded"


@pytest.fixture
def workers(transactional_db, tmp_path):
    queue = celery_worker.unique_queue()
    pool = celery_worker.Workers(queue=queue, directory=tmp_path)
    try:
        with celery_worker.routed_to(queue):
            yield pool
    finally:
        pool.stop_all()
        celery_worker.purge(queue)


def other_backends() -> set[int]:
    """Server processes of every other connection to the test database (the worker's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def terminate(backends: set[int]) -> int:
    # Only the worker's: a live server of another test (session-scoped) may hold a connection too.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM unnest(%s::int[]) AS pid", [sorted(backends)])
        return cursor.fetchone()[0]


def proposals_for(the_office, worker, email_address: str) -> int:
    """File a request and wait until the worker is idle again (its proposals and its mails sent)."""
    notices = worker.count(NOTICE_DONE)
    escort_request = create_request(the_office, email_address=email_address)
    wait_for(
        lambda: proposals_done(escort_request.pk) and worker.count(NOTICE_DONE) > notices,
        timeout=PROPOSALS_WITHIN,
        message=lambda: f"no proposals for {email_address}:\n{worker.log_tail()}",
    )
    return escort_request.pk


def test_the_worker_keeps_its_connection_between_tasks(workers):
    the_office = jobcenter()
    volunteer("47051")
    not_the_workers = other_backends()
    worker = workers.start()
    proposals_for(the_office, worker, "a@beispiel.de")
    after_first = other_backends() - not_the_workers
    proposals_for(the_office, worker, "b@beispiel.de")

    assert after_first, "the worker closed its connection after the task"
    assert other_backends() - not_the_workers == after_first


def test_a_task_after_the_workers_connection_was_killed_succeeds(workers):
    the_office = jobcenter()
    nearest = volunteer("47051")
    not_the_workers = other_backends()
    worker = workers.start()
    proposals_for(the_office, worker, "a@beispiel.de")
    before = other_backends() - not_the_workers

    assert terminate(before) >= 1
    request_id = proposals_for(the_office, worker, "b@beispiel.de")

    assert ranked_volunteers(request_id) == [nearest.pk]
    # A new connection replaced the dead one, found by the health check before the task's first query.
    assert other_backends() - not_the_workers - before
    assert worker.count(r"Task matching\.engine\.proposals\.propose\[[^\]]+\] succeeded") == 2
    assert worker.count(r"OperationalError|raised unexpected|Retry in") == 0, worker.log_tail()
