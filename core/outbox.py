"""The mail outbox: every outgoing mail is a row written in the transaction of the change that causes it.

``outbox_enqueue`` renders the mail (``core.mail.mail_render``, in the reader's
language) and inserts an ``OutgoingMail`` row; the change and its mail commit
together or not at all. After the commit ``outbox_send`` (a Celery task, queued
through ``core.tasks.queue_after_commit``, so a broker outage is relayed too)
claims the row with a conditional UPDATE (pending → sending, with a lease),
sends it and marks it sent. So:

- never twice: the key is unique (enqueueing again is a no-op) and only the task
  that wins the claim sends; a duplicate delivery finds the row taken or sent.
  The one gap every outbox has stays: a sender that dies after the server took the
  mail but before the row says "sent" sends it again once the lease runs out.
- never lost: a passing failure puts the row back to pending with an exponential
  backoff; ``outbox_relay`` (beat, every ``OUTBOX_RELAY_SECONDS``) queues what is
  due, and rows whose sender died (the lease ran out). A row it queued is not due
  again for a lease, so a slow queue does not fill up with duplicates. A refusal for good, or
  ``OUTBOX_MAX_ATTEMPTS`` attempts, makes the row "failed": coordinators see it in
  the admin (core.admin) and can send it again.
- private: ``last_error`` is an exception's class name, never an address; sent
  rows are deleted ``OUTBOX_SENT_KEEP_DAYS`` after sending, failed ones after
  ``OUTBOX_FAILED_KEEP_DAYS`` (``outbox_purge``, declared in core.privacy_tables).

Allauth's mails come in through ``outbox_store`` (``mitlaeufer.adapters``), marked
``sensitive`` because they carry login links.

Why not django-post-office: its Celery task sends the whole queue in batches
under one database lock, and its rows have no key of ours, so a service that runs
twice queues two mails; the project's one policy for a broker outage
(``queue_after_commit`` → ``DeferredTask``) and the privacy register's purge
would both need glue around its tables. What we need is one table, a claim and a
relay: about as much code as that glue.
"""

import datetime
import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.mail import Attachment, MailDeliveryError, MailRefused, deliver_or_raise, mail_render
from core.models import OutgoingMail
from core.tasks import BROKER_ERRORS, queue_after_commit

logger = logging.getLogger(__name__)

Status = OutgoingMail.Status
RELAY_BATCH = 200


def outbox_enqueue(
    *,
    key: str,
    template: str,
    context: dict,
    language: str,
    to: Iterable[str] = (),
    bcc: Iterable[str] = (),
    attachments: Iterable[Attachment] = (),
    about: Iterable[str] = (),
    sensitive: bool = False,
) -> OutgoingMail | None:
    """Render a mail and store it for sending once the current transaction commits; None if ``key`` exists.

    Call it inside the transaction of the change the mail is about. ``key`` names the
    mail for good (``<kind>:<id>[:<who>]``); a second call with the same key sends nothing.
    ``about`` names whose data it holds (``request:12``): their erasure deletes it (``outbox_forget``).
    """
    if OutgoingMail.objects.filter(key=key).exists():
        logger.info("mail %s already in the outbox", key.split(":")[0])
        return None
    subject, body = mail_render(template=template, context=context, language=language)
    return outbox_store(
        key=key,
        subject=subject,
        body=body,
        to=to,
        bcc=bcc,
        attachments=attachments,
        about=about,
        sensitive=sensitive,
    )


def outbox_store(
    *,
    key: str,
    subject: str,
    body: str,
    to: Iterable[str] = (),
    bcc: Iterable[str] = (),
    attachments: Iterable[Attachment] = (),
    about: Iterable[str] = (),
    sensitive: bool = False,
) -> OutgoingMail | None:
    """Store a rendered mail for sending once the current transaction commits; None if ``key`` exists.

    ``sensitive``: the body holds a login secret (a confirmation or password-reset link) or a
    message we promised to keep only until it is sent (the public list's relay form);
    it is blanked as soon as the mail is sent and never shown in the admin.
    """
    to, bcc = [a for a in to if a], [a for a in bcc if a]
    if not (to or bcc):
        return None
    mail, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "bcc": bcc,
            "about": _about(about),
            "subject": subject[:300],
            "body": body,
            "attachments": [{"name": n, "content": c, "mime": m} for n, c, m in attachments],
            "sensitive": sensitive,
        },
    )
    if not created:
        return None
    queue_after_commit(outbox_send, mail_id=mail.pk)
    return mail


def _about(owners: Iterable[str]) -> str:
    return f" {' '.join(owners)} " if owners else ""


def address_owner(address: str) -> str:
    """An ``about`` entry for mails to an address without an id (account mails): a keyed hash, not the address."""
    return "address:" + salted_hmac("core.outbox.address", address.strip().lower()).hexdigest()[:24]


def outbox_forget(*, owners: Iterable[str]) -> int:
    """Delete every mail about these owners (``request:12``), sent or not: their data is being erased."""
    query = Q()
    for owner in owners:
        query |= Q(about__contains=_about([owner]))
    if not query:
        return 0
    return OutgoingMail.objects.filter(query).delete()[0]


def _message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage(mail.subject, mail.body, to=mail.to, bcc=mail.bcc)
    for attachment in mail.attachments:
        message.attach(attachment["name"], attachment["content"], attachment["mime"])
    return message


def _claim(*, mail_id: int, now: datetime.datetime) -> bool:
    """pending or sending with a lapsed lease → sending, leased to us; False if someone else has it (or it is done).

    ``next_attempt_at`` only decides when the relay queues a row, not whether a task may send it.
    """
    lease = now + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=now)
    claimed = OutgoingMail.objects.filter(due, pk=mail_id).update(
        status=Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
    )
    return claimed == 1


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed try: OUTBOX_BACKOFF_SECONDS doubled each time, at most an hour."""
    return datetime.timedelta(seconds=min(3600, settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)))


def outbox_deliver(*, mail_id: int) -> str:
    """Send one outbox mail if it is ours to send; returns the row's new status, or "skipped"."""
    now = timezone.now()
    if not _claim(mail_id=mail_id, now=now):
        return "skipped"
    mail = OutgoingMail.objects.get(pk=mail_id)
    update: dict = {"lease_until": None}
    try:
        deliver_or_raise(_message(mail))
    except MailRefused as exc:
        update.update(status=Status.FAILED, last_error=str(exc)[:100])
    except Exception as exc:  # noqa: BLE001  (any failure is one attempt; its text may hold addresses)
        failed = mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        error = str(exc) if isinstance(exc, MailDeliveryError) else type(exc).__name__
        update.update(
            status=Status.FAILED if failed else Status.PENDING,
            next_attempt_at=timezone.now() + backoff(mail.attempts),
            last_error=error[:100],
        )
    else:
        update.update(status=Status.SENT, sent_at=timezone.now(), last_error="")
        if mail.sensitive:
            update["body"] = ""  # the login link is out; nobody needs it here any more
    # Only while the lease is still ours: a sender that outlived it must not overwrite the next one's result.
    OutgoingMail.objects.filter(pk=mail_id, status=Status.SENDING, attempts=mail.attempts).update(**update)
    log = logger.warning if update["status"] == Status.FAILED else logger.info
    log(
        "outbox mail %s id=%s attempt=%s %s %s",
        mail.key.split(":")[0],
        mail_id,
        mail.attempts,
        update["status"],
        update.get("last_error", ""),
    )
    return update["status"]


def outbox_send_again(*, mail_ids: Iterable[int]) -> int:
    """A coordinator's "send again" for failed (or stuck) mails: fresh attempts, sent after the commit."""
    ids = list(
        OutgoingMail.objects.filter(pk__in=list(mail_ids)).exclude(status=Status.SENT).values_list("pk", flat=True)
    )
    OutgoingMail.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None, last_error=""
    )
    for mail_id in ids:
        queue_after_commit(outbox_send, mail_id=mail_id)
    return len(ids)


def outbox_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of mails to send now: pending and due, or sending with a lapsed lease (the sender died)."""
    now = now or timezone.now()
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_until__lt=now)
    return list(OutgoingMail.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:RELAY_BATCH])


def outbox_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete sent mails after OUTBOX_SENT_KEEP_DAYS and failed ones after OUTBOX_FAILED_KEEP_DAYS."""
    now = now or timezone.now()
    sent_before = now - datetime.timedelta(days=settings.OUTBOX_SENT_KEEP_DAYS)
    failed_before = now - datetime.timedelta(days=settings.OUTBOX_FAILED_KEEP_DAYS)
    with transaction.atomic():
        deleted, _ = OutgoingMail.objects.filter(
            Q(status=Status.SENT, sent_at__lt=sent_before) | Q(status=Status.FAILED, created_at__lt=failed_before)
        ).delete()
    logger.info("outbox purge: %s mails deleted", deleted)
    return deleted


def outbox_failed_count() -> int:
    return OutgoingMail.objects.filter(status=Status.FAILED).count()


@shared_task
def outbox_send(*, mail_id: int) -> None:
    """Send one outbox mail; failures are handled by the row (backoff, relay), not by Celery retries."""
    outbox_deliver(mail_id=mail_id)


@shared_task
def outbox_relay() -> int:
    """Celery beat, every OUTBOX_RELAY_SECONDS: queue the mails that are due; returns how many."""
    queued = 0
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    for mail_id in outbox_due():
        # Not queued again before a lease has passed, however slow the queue is: no pile of duplicates.
        OutgoingMail.objects.filter(pk=mail_id, status=Status.PENDING).update(next_attempt_at=later)
        try:
            outbox_send.apply_async(kwargs={"mail_id": mail_id})
        except BROKER_ERRORS:
            break  # the next run tries again
        queued += 1
    if queued:
        logger.info("outbox relay queued %s mails", queued)
    return queued


@shared_task
def outbox_purge_task() -> int:
    """Celery beat, daily: delete old sent and failed mails (they hold addresses and text)."""
    return outbox_purge()
