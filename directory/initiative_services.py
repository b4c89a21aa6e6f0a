"""Writes of the partner-initiative directory.

Life of an entry: an initiative proposes itself (``submitted``), a coordinator
publishes it (``published``) and its contact gets a signed link to keep it
current; a yearly mail asks "Stimmt Ihr Eintrag noch?"; an entry that is no
longer wanted is ``archived``, which also revokes every link sent so far.
"""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from core.i18n import active_language
from directory.choices import InitiativeReach, InitiativeState
from directory.initiative_mails import initiative_mail_edit_link, initiative_notify_submitted
from directory.models import Initiative

logger = logging.getLogger(__name__)

# Paths under /initiativen/ that a slug must never shadow.
RESERVED_SLUGS = frozenset({"eintragen"})
SLUG_MAX_LENGTH = Initiative._meta.get_field("slug").max_length

# Everything an initiative may say about itself, on submission and through its edit link.
INITIATIVE_FIELDS = (
    "name",
    "description",
    "services",
    "languages",
    "street",
    "postal_code",
    "city",
    "reach",
    "radius_km",
    "website",
    "email",
    "phone",
    "opening_hours",
    "accessibility",
    "contact_email",
)


def initiative_slug_unique(*, name: str, exclude_id: int | None = None) -> str:
    """A slug from the name, with -2, -3, … appended until it is free."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or "initiative"
    taken = set(Initiative.objects.filter(slug__startswith=base).exclude(pk=exclude_id).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply(initiative: Initiative, fields: dict) -> None:
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown initiative fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(initiative, name, value)
    if initiative.reach != InitiativeReach.LOCAL and not initiative.postal_code_id:
        initiative.radius_km = None


def initiative_save(*, initiative: Initiative) -> Initiative:
    """Validate and save an entry as given (used by the admin); fills a free slug if there is none.

    Saved in a savepoint and retried once with a new slug should a parallel save
    take the same one.
    """
    for attempt in range(2):
        if not initiative.slug or attempt:
            initiative.slug = initiative_slug_unique(name=initiative.name, exclude_id=initiative.pk)
        initiative.full_clean()
        try:
            with transaction.atomic():
                initiative.save()
            return initiative
        except IntegrityError:
            if attempt:
                raise
    return initiative  # pragma: no cover


def initiative_submit(**fields: Any) -> Initiative:
    """An initiative proposes itself; coordinators are told and decide in the admin."""
    initiative = Initiative(state=InitiativeState.SUBMITTED, contact_language=active_language())
    _apply(initiative, fields)
    with transaction.atomic():
        initiative_save(initiative=initiative)
        initiative_notify_submitted(initiative_id=initiative.pk)
    logger.info("initiative submitted id=%s", initiative.pk)
    return initiative


def initiative_publish(*, initiative: Initiative) -> bool:
    """Publish a submitted or archived entry and mail its contact the edit link. False if already published."""
    if initiative.state == InitiativeState.PUBLISHED:
        return False
    now = timezone.now()
    initiative.state = InitiativeState.PUBLISHED
    initiative.published_at = initiative.published_at or now
    # A coordinator has just checked it.
    initiative.last_confirmed_at = now
    initiative.full_clean()
    with transaction.atomic():
        initiative.save(update_fields=["state", "published_at", "last_confirmed_at", "updated_at"])
        initiative_mail_edit_link(initiative_id=initiative.pk)
    logger.info("initiative published id=%s", initiative.pk)
    return True


def initiative_archive(*, initiative: Initiative) -> bool:
    """Take an entry off the directory; every edit link sent so far stops working."""
    if initiative.state == InitiativeState.ARCHIVED:
        return False
    initiative.state = InitiativeState.ARCHIVED
    initiative.link_version = F("link_version") + 1
    initiative.save(update_fields=["state", "link_version", "updated_at"])
    initiative.refresh_from_db(fields=["link_version"])
    logger.info("initiative archived id=%s", initiative.pk)
    return True


def initiative_update_by_contact(*, initiative: Initiative, **fields: Any) -> Initiative:
    """The contact corrects the entry through the edit link; saving also confirms it."""
    _apply(initiative, fields)
    initiative.last_confirmed_at = timezone.now()
    initiative.full_clean()
    initiative.save()
    logger.info("initiative updated by its contact id=%s", initiative.pk)
    return initiative


def initiative_confirm(*, initiative: Initiative) -> Initiative:
    """The contact says everything is still correct."""
    initiative.last_confirmed_at = timezone.now()
    initiative.save(update_fields=["last_confirmed_at", "updated_at"])
    logger.info("initiative confirmed id=%s", initiative.pk)
    return initiative


def initiative_resend_edit_link(*, initiative: Initiative) -> bool:
    """Send the contact of a published entry a fresh edit link (for instance when theirs expired)."""
    if initiative.state != InitiativeState.PUBLISHED:
        return False
    initiative_mail_edit_link(initiative_id=initiative.pk)
    return True


# --- Mails -------------------------------------------------------------------------------
