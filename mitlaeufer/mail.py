"""Sending mail without leaking addresses into logs.

SMTP exceptions carry recipient addresses in their text (``SMTPRecipientsRefused``
holds a dict keyed by address). Celery logs the exception of every retry and the
final traceback, so the raw exception must never leave this module.
"""

import logging
import smtplib

from django.core.mail import EmailMessage

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
