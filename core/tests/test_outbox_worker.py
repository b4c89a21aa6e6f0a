"""The outbox with a real Celery worker on the real Redis and PostgreSQL: broker outage, a sender killed mid-send."""

import socket
import threading

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import DeferredTask, OutgoingMail
from core.outbox import outbox_enqueue, outbox_relay
from testing import celery_worker
from testing.celery_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ADDRESS = "helga.privat@beispiel.de"
WITHIN = 30


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


@pytest.fixture
def silent_smtp_port():
    """A mail server that accepts the connection and never says a word: the sender hangs in the greeting."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def enqueue() -> OutgoingMail:
    with transaction.atomic():
        return outbox_enqueue(
            key="test-mail:1",
            template="matching/email/match_cancelled",
            context={"match": {"volunteer": {"display_name": "Helga"}, "starts_at": timezone.now()}},
            language="de",
            to=[ADDRESS],
        )


def sent_to(workers) -> list[str]:
    return [message["To"] for message in workers.mails()]


def test_a_mail_stored_while_the_broker_was_down_is_sent_by_the_relay_when_it_is_back(workers):
    with celery_worker.broker_unreachable():
        row = enqueue()
    assert OutgoingMail.objects.get(pk=row.pk).status == "pending"
    # Even if the record of the unqueued task were lost too, the row is enough.
    DeferredTask.objects.all().delete()

    worker = workers.start()
    outbox_relay.delay()  # what beat does every OUTBOX_RELAY_SECONDS
    wait_for(lambda: sent_to(workers), timeout=WITHIN, message=lambda: f"nothing was sent:\n{worker.log_tail()}")
    row.refresh_from_db()
    assert (row.status, row.attempts, sent_to(workers)) == ("sent", 1, [ADDRESS])


def test_a_mail_whose_worker_was_killed_mid_send_is_sent_once_after_its_lease(workers, silent_smtp_port):
    row = enqueue()  # its task waits in the queue
    hanging = workers.start(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(silent_smtp_port),
        EMAIL_TIMEOUT="60",
        OUTBOX_LEASE_SECONDS="2",
    )
    wait_for(
        lambda: OutgoingMail.objects.filter(pk=row.pk, status="sending").exists(),
        timeout=WITHIN,
        message=lambda: f"the worker never took the mail:\n{hanging.log_tail()}",
    )
    hanging.kill()  # SIGKILL while it waits for the server: no "sent", no "pending", just the lease
    assert OutgoingMail.objects.get(pk=row.pk).status == "sending"

    worker = workers.start()
    outbox_relay.delay()  # the lease may still hold: then this run finds nothing due
    wait_for(
        lambda: outbox_relay.delay() and sent_to(workers),
        timeout=WITHIN,
        interval=1.0,
        message=lambda: f"the mail was not sent again:\n{worker.log_tail()}",
    )
    row.refresh_from_db()
    assert (row.status, row.attempts, sent_to(workers)) == ("sent", 2, [ADDRESS])
