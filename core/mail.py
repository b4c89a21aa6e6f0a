"""Rendering and delivering mails, without leaking addresses into logs; they are sent through ``core.outbox``.

Every mail is two templates rendered with the plain-text engine ("text", no HTML
escaping): ``<template>_subject.txt`` (one line) and ``<template>.txt``, in the
language of the person it goes to.

SMTP exceptions carry recipient addresses in their text (``SMTPRecipientsRefused``
holds a dict keyed by address). Celery logs the exception of every retry and the
final traceback, so the raw exception must never leave this module.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class MailDeliveryError(OSError):
    """A transient delivery failure; its text is only the original exception's class name.

    An OSError, so tasks that retry OSError retry it.
    """


class MailRefused(Exception):
    """The server refused the mail for good (a 5xx answer); its text is only the exception's class name."""


def deliver_or_raise(message: EmailMessage) -> None:
    """Send one message; ``MailRefused`` if no retry can help, ``MailDeliveryError`` if one may."""
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        logger.warning("mail refused permanently (%s)", type(exc).__name__)
        raise MailRefused(type(exc).__name__) from None
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            logger.warning("mail refused permanently (%s %s)", type(exc).__name__, exc.smtp_code)
            raise MailRefused(f"{type(exc).__name__} {exc.smtp_code}") from None
        raise MailDeliveryError(type(exc).__name__) from None
    except OSError as exc:  # SMTPException and connection errors
        raise MailDeliveryError(type(exc).__name__) from None


def deliver(message: EmailMessage) -> bool:
    """Send one message. True if sent; False if the server refused it for good (no retry helps)."""
    try:
        deliver_or_raise(message)
    except MailRefused:
        return False
    return True


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
