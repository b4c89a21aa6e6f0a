"""The mail outbox in one process: transactions, keys, backoff, leases, refusals, the admin and the purge.

The tasks run eagerly here (after the commit, as ``queue_after_commit`` queues
them); the worker tests (core/tests/test_outbox_worker.py) run them in a real
Celery worker with a broker that goes away.
"""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingMail
from core.outbox import outbox_due, outbox_enqueue, outbox_forget, outbox_purge, outbox_relay, outbox_send
from testing.mail import FlakyEmailBackend

pytestmark = pytest.mark.django_db

ADDRESS = "helga.privat@beispiel.de"
Status = OutgoingMail.Status


def enqueue(key: str = "test-mail:1", **extra) -> OutgoingMail | None:
    context = {"match": {"volunteer": {"display_name": "Helga"}, "starts_at": timezone.now()}}
    return outbox_enqueue(
        key=key, template="matching/email/match_cancelled", context=context, language="de", to=[ADDRESS], **extra
    )


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "testing.mail.FlakyEmailBackend"
    FlakyEmailBackend.attempts = 0
    yield FlakyEmailBackend
    FlakyEmailBackend.refuse = set()


def make_due(row: OutgoingMail) -> None:
    """As if the backoff had passed."""
    OutgoingMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_mail_is_stored_with_the_change_and_sent_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        row = enqueue()
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 1, "")
    assert [(m.to, m.subject) for m in mail.outbox] == [([ADDRESS], row.subject)]
    assert "Hallo Helga" in mail.outbox[0].body


def test_a_mail_enqueued_in_a_rolled_back_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue()
        raise RuntimeError("the change failed")
    assert (callbacks, OutgoingMail.objects.count(), mail.outbox) == ([], 0, [])


def test_enqueueing_one_key_twice_stores_and_sends_one_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue()
        second = enqueue()
    assert first is not None and second is None
    assert (OutgoingMail.objects.count(), len(mail.outbox)) == (1, 1)


def test_a_duplicate_delivery_of_the_task_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    outbox_send.apply(kwargs={"mail_id": row.pk})
    outbox_send.apply(kwargs={"mail_id": row.pk})
    assert len(mail.outbox) == 1


def test_a_server_that_refuses_and_then_accepts_gets_the_mail_exactly_once(
    flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.refuse = {1}
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "SMTPServerDisconnected")
    assert row.next_attempt_at > timezone.now()  # the backoff
    assert mail.outbox == []
    assert outbox_due() == []  # not before its time
    assert outbox_relay.apply().get() == 0

    make_due(row)
    assert outbox_relay.apply().get() == 1
    assert outbox_relay.apply().get() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, flaky_mail.attempts, len(mail.outbox)) == (Status.SENT, 2, 2, 1)


def test_passing_failures_up_to_the_limit_make_the_mail_failed(
    flaky_mail, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky_mail.refuse = {1, 2, 3}
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    for _ in range(2):
        make_due(row)
        outbox_relay.apply()
    row.refresh_from_db()
    assert (row.status, row.attempts, mail.outbox) == (Status.FAILED, 3, [])
    make_due(row)
    assert outbox_relay.apply().get() == 0  # failed stays failed until someone sends it again


def test_a_mail_whose_sender_died_is_sent_once_its_lease_runs_out(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = enqueue()
    # What a worker killed mid-send leaves behind: the row taken, no mail.
    OutgoingMail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, lease_until=timezone.now() + datetime.timedelta(minutes=1)
    )
    outbox_send.apply(kwargs={"mail_id": row.pk})  # a duplicate delivery while the lease holds: nothing
    assert (outbox_due(), mail.outbox) == ([], [])

    OutgoingMail.objects.filter(pk=row.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert outbox_due() == [row.pk]
    assert outbox_relay.apply().get() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (Status.SENT, 2, 1)


def test_a_refused_mail_is_failed_shown_in_the_admin_and_can_be_sent_again(
    settings, refusing_smtp_port, admin_client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing_smtp_port
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue()
    row.refresh_from_db()
    # Refused for good: no retry; the error is a class name, never the address.
    assert (row.status, row.attempts, row.last_error) == (Status.FAILED, 1, "SMTPRecipientsRefused")

    changelist = reverse("admin:core_outgoingmail_changelist")
    page = admin_client.get(changelist, {"status__exact": "failed"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 E-Mail konnte nicht gesendet werden." in html
    assert "test-mail" in html and "SMTPRecipientsRefused" in html

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the address was corrected
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(changelist, {"action": "send_again", "_selected_action": [row.pk]}, follow=True)
    assert "1 E-Mail wird erneut gesendet." in answer.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (Status.SENT, 1, 1)
    assert "konnte nicht gesendet werden" not in admin_client.get(changelist).content.decode()


def test_the_purge_deletes_sent_mails_after_their_days_and_keeps_what_is_not_out(
    settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        rows = {name: enqueue(key=f"test-mail:{name}") for name in ("old", "new", "failed", "pending")}
    days = datetime.timedelta(days=1)
    OutgoingMail.objects.filter(pk=rows["old"].pk).update(status=Status.SENT, sent_at=now - 8 * days)
    OutgoingMail.objects.filter(pk=rows["new"].pk).update(status=Status.SENT, sent_at=now - 6 * days)
    OutgoingMail.objects.filter(pk=rows["failed"].pk).update(status=Status.FAILED, created_at=now - 31 * days)
    OutgoingMail.objects.filter(pk=rows["pending"].pk).update(created_at=now - 31 * days)
    settings.OUTBOX_SENT_KEEP_DAYS, settings.OUTBOX_FAILED_KEEP_DAYS = 7, 30

    assert outbox_purge() == 2
    assert sorted(OutgoingMail.objects.values_list("key", flat=True)) == ["test-mail:new", "test-mail:pending"]


def test_erasing_a_person_deletes_the_mails_about_them_and_only_those(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        enqueue(key="test-mail:12", about=["request:12", "volunteer:5"])
        enqueue(key="test-mail:123", about=["request:123"])
        enqueue(key="test-mail:none")
    assert outbox_forget(owners=["request:12"]) == 1
    assert sorted(OutgoingMail.objects.values_list("key", flat=True)) == ["test-mail:123", "test-mail:none"]


def test_the_relay_does_not_pile_up_duplicates_while_the_queue_is_slow(django_capture_on_commit_callbacks):
    from testing import celery_worker

    with django_capture_on_commit_callbacks(execute=False):
        row = enqueue()  # as if its own task were stuck behind a long queue
    queue = celery_worker.unique_queue()
    try:
        with celery_worker.routed_to(queue):  # through Redis to a queue no worker reads
            assert outbox_relay.apply().get() == 1
            assert outbox_relay.apply().get() == 0  # not again before a lease has passed
        assert celery_worker.redis_client().llen(queue) == 1
    finally:
        celery_worker.purge(queue)
    outbox_send.apply(kwargs={"mail_id": row.pk})  # the queued task, when it finally runs
    assert len(mail.outbox) == 1
