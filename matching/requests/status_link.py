"""Keeping the status link: its QR code, mailing it to the person, and finding it again by e-mail address.

For someone who gave only a phone number the link is the only way back to their request, so the
confirmation page offers every way to keep it. "Find my request" mails the links of the requests
made with an address; the page never says whether there were any.
"""

import logging
import secrets

import segno
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from core.mail import mail_send_once
from core.tasks import RETRY_TRANSIENT, queue_after_commit
from matching.links import request_status_url
from matching.models import AccompanimentRequest

logger = logging.getLogger(__name__)

# At most this many requests' links go out per lookup: the newest ones.
FIND_MAX_REQUESTS = 5


def status_link_qr_svg(*, url: str) -> str:
    """The link as a QR code, an inline SVG (no style attributes, so the CSP allows it)."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", svgclass="status-qr", lineclass=None)


def _address_claimed(*, email: str, seconds: int) -> bool:
    """True once per ``seconds`` per address: nobody can fill someone's mailbox with our mails."""
    digest = salted_hmac("matching.status-link.address", email.strip().lower()).hexdigest()[:32]
    return cache.add(f"status-link-mail:{digest}", 1, timeout=seconds)


def request_link_send(*, escort_request: AccompanimentRequest) -> bool:
    """Queue the mail with the status link to the request's own address. False if there is none or it was
    sent within ``REQUEST_LINK_MAIL_SECONDS``."""
    if not escort_request.email or escort_request.is_erased:
        return False
    if not _address_claimed(email=escort_request.email, seconds=settings.REQUEST_LINK_MAIL_SECONDS):
        return False
    queue_after_commit(request_link_mail, request_id=escort_request.pk, nonce=secrets.token_hex(8))
    return True


def requests_for_email(*, email: str) -> list[int]:
    """Ids of the newest requests made with this address that still hold personal data."""
    email = (email or "").strip()
    if not email:
        return []
    return list(
        AccompanimentRequest.objects.filter(email__iexact=email, personal_data_erased_at__isnull=True)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:FIND_MAX_REQUESTS]
    )


def request_links_resend(*, email: str) -> int:
    """Queue a mail with the link of each request made with ``email``; the number queued (never shown)."""
    ids = requests_for_email(email=email)
    if not ids or not _address_claimed(email=email, seconds=settings.REQUEST_LINK_MAIL_SECONDS):
        return 0
    for request_id in ids:
        queue_after_commit(request_link_mail, request_id=request_id, nonce=secrets.token_hex(8))
    return len(ids)


def request_link_mail_send(*, request_id: int, nonce: str) -> bool:
    escort_request = AccompanimentRequest.objects.select_related("office").filter(pk=request_id).first()
    if escort_request is None or not escort_request.email or escort_request.is_erased:
        logger.info("status link mail skipped: request id=%s has no address", request_id)
        return False
    return mail_send_once(
        key=f"request-link:{escort_request.pk}:{nonce}",
        template="matching/email/request_link",
        context={"escort_request": escort_request, "status_url": request_status_url(escort_request=escort_request)},
        language=escort_request.language,
        to=[escort_request.email],
    )


@shared_task(**RETRY_TRANSIENT)
def request_link_mail(*, request_id: int, nonce: str) -> None:
    request_link_mail_send(request_id=request_id, nonce=nonce)
