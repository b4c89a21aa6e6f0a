"""The one way this project sends a mail, without leaking addresses into logs.

Every mail is two templates rendered with the plain-text engine ("text", no HTML
escaping): ``<template>_subject.txt`` (one line) and ``<template>.txt``, in the
language of the person it goes to.

SMTP exceptions carry recipient addresses in their text (``SMTPRecipientsRefused``
holds a dict keyed by address). Celery logs the exception of every retry and the
final traceback, so the raw exception must never leave this module.
"""

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class MailDeliveryError(OSError):
    """A transient delivery failure; its text is only the original exception's class name.

    An OSError, so tasks that retry OSError retry it.
    """


def deliver(message: EmailMessage) -> bool:
    """Send one message. True if sent; False if the server refused it for good (no retry helps)."""
    try:
        message.send()
        return True
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        logger.warning("mail refused permanently (%s)", type(exc).__name__)
        return False
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            logger.warning("mail refused permanently (%s %s)", type(exc).__name__, exc.smtp_code)
            return False
        raise MailDeliveryError(type(exc).__name__) from None
    except OSError as exc:  # SMTPException and connection errors
        raise MailDeliveryError(type(exc).__name__) from None


Attachment = tuple[str, str, str]  # file name, content, MIME type


def mail_render(*, template: str, context: dict, language: str) -> tuple[str, str]:
    """Subject (one line) and body of a mail, rendered in ``language`` without HTML escaping."""
    context = {
        "site_url": settings.SITE_URL,
        "team_email": settings.IMPRINT["email"],
        "coordinator_phone": settings.COORDINATOR_PHONE,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}.txt", context, using="text")
    return subject, body


def mail_send(
    *,
    template: str,
    context: dict,
    language: str,
    to: Iterable[str] = (),
    bcc: Iterable[str] = (),
    attachments: Iterable[Attachment] = (),
) -> bool:
    """Render and send one mail. True if sent; False if the server refused it for good.

    A transient failure raises ``MailDeliveryError`` (an OSError, so tasks retry it).
    """
    subject, body = mail_render(template=template, context=context, language=language)
    message = EmailMessage(subject, body, to=list(to), bcc=list(bcc))
    for attachment in attachments:
        message.attach(*attachment)
    return deliver(message)


# How long a sent mail's key is remembered: longer than any task's retries (at most about an hour).
MAIL_ONCE_SECONDS = 7 * 24 * 60 * 60
SENDING, SENT = "sending", "sent"


class MailInFlight(OSError):
    """Another delivery of the same task is sending this mail right now; an OSError, so the task retries."""


def mail_send_once(*, key: str, **mail) -> bool:
    """``mail_send`` unless the mail with this key went out already; False then.

    For tasks that Celery may deliver twice, retry after a passing SMTP error, or hand to
    another worker after a crash. The key is first leased as "sending" for
    ``MAIL_CLAIM_SECONDS``: a duplicate that finds the lease raises ``MailInFlight`` and
    its task retries later, so a mail whose sender died mid-send (the lease runs out)
    is sent by the retry, never lost. After a successful send the key says "sent"; after
    a failed one it is released. Give each mail of a task its own key. While the cache is
    unreachable it fails open: a mail may then go out twice, never not at all.
    """
    claim = f"mail-once:{key}"
    if not cache.add(claim, SENDING, timeout=settings.MAIL_CLAIM_SECONDS):
        if cache.get(claim) == SENT:
            logger.info("mail %s already sent", key.split(":")[0])
            return False
        raise MailInFlight(key.split(":")[0])
    try:
        result = mail_send(**mail)
    except Exception:
        cache.delete(claim)
        raise
    cache.set(claim, SENT, timeout=MAIL_ONCE_SECONDS)
    return result


def coordinator_addresses() -> list[str]:
    """settings.COORDINATOR_EMAILS and every active staff user's address, without duplicates."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email")
    seen: dict[str, str] = {}
    for address in [*settings.COORDINATOR_EMAILS, *(email for (email,) in staff)]:
        seen.setdefault(address.strip().lower(), address.strip())
    return [address for key, address in seen.items() if key]
