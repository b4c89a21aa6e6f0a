"""The mails to initiatives (edit link, yearly question) and to coordinators about new entries, through the outbox.

Each function puts its mail into the outbox (``core.outbox``); call it inside the
transaction of the change it is about.
"""

import datetime
import logging
import uuid

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.outbox import outbox_enqueue
from directory import initiative_selectors as selectors
from directory.choices import InitiativeState
from directory.models import Initiative

logger = logging.getLogger(__name__)


def initiative_edit_url(*, initiative: Initiative) -> str:
    token = selectors.edit_token_make(initiative=initiative)
    path = reverse("directory:initiative_edit", kwargs={"slug": initiative.slug, "token": token})
    return f"{settings.SITE_URL}{path}"


def _mail_with_edit_link(*, initiative: Initiative, template: str, key: str) -> None:
    """A mail to the initiative's contact, in its language, carrying a fresh edit link."""
    with translation.override(initiative.contact_language):
        edit_url = initiative_edit_url(initiative=initiative)
    outbox_enqueue(
        key=key,
        template=f"directory/email/initiative_{template}",
        context={"initiative": initiative, "edit_url": edit_url, "link_days": settings.INITIATIVE_EDIT_LINK_DAYS},
        language=initiative.contact_language,
        to=[initiative.contact_email],
    )


def initiative_mail_edit_link(*, initiative_id: int) -> bool:
    """Mail the contact of a published entry a fresh edit link."""
    initiative = selectors.initiatives_published().filter(pk=initiative_id).first()
    if initiative is None:
        logger.info("edit link not sent, initiative id=%s is not published", initiative_id)
        return False
    # Every call is a new mail with a fresh link (the contact may ask again).
    _mail_with_edit_link(
        initiative=initiative, template="published", key=f"initiative-edit-link:{initiative_id}:{uuid.uuid4().hex}"
    )
    logger.info("edit link queued for initiative id=%s", initiative_id)
    return True


def initiative_notify_submitted(*, initiative_id: int) -> bool:
    """Tell the coordinators about a new proposal."""
    initiative = Initiative.objects.filter(pk=initiative_id, state=InitiativeState.SUBMITTED).first()
    if initiative is None or not settings.COORDINATOR_EMAILS:
        return False
    outbox_enqueue(
        key=f"initiative-submitted:{initiative_id}",
        template="directory/email/initiative_submitted",
        context={
            "initiative": initiative,
            "admin_url": settings.SITE_URL + reverse("admin:directory_initiative_change", args=[initiative.pk]),
        },
        language=settings.LANGUAGE_CODE,
        to=list(settings.COORDINATOR_EMAILS),
    )
    return True


def initiatives_remind_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Ask "Stimmt Ihr Eintrag noch?" of every entry due; returns how many were asked.

    Idempotent: each entry is claimed with a conditional UPDATE inside the
    transaction that puts its mail into the outbox, so a second run (or a parallel
    one) skips it.
    """
    now = now or timezone.now()
    sent = 0
    for initiative_id in selectors.initiatives_due_for_reminder(now=now).values_list("id", flat=True):
        with transaction.atomic():
            claimed = selectors.initiatives_due_for_reminder(now=now).filter(pk=initiative_id).update(reminded_at=now)
            if claimed != 1:  # confirmed or reminded in the meantime
                continue
            initiative = Initiative.objects.get(pk=initiative_id)
            _mail_with_edit_link(
                initiative=initiative, template="reminder", key=f"initiative-reminder:{initiative_id}:{now.date()}"
            )
        sent += 1
    logger.info("confirmation reminders sent: %s", sent)
    return sent


@shared_task
def remind_unconfirmed() -> int:
    """Beat, daily: ask "Stimmt Ihr Eintrag noch?" where a year has passed (see CELERY_BEAT_SCHEDULE)."""
    return initiatives_remind_unconfirmed()
