"""Writes of the partner-initiative directory.

Life of an entry: an initiative proposes itself (``submitted``), a coordinator
publishes it (``published``) and its contact gets a signed link to keep it
current; a yearly mail asks "Stimmt Ihr Eintrag noch?"; an entry that is no
longer wanted is ``archived``, which also revokes every link sent so far.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import initiative_selectors as selectors
from directory.choices import InitiativeReach, InitiativeState
from directory.models import Initiative
from mitlaeufer.i18n import active_language
from mitlaeufer.mail import deliver

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


def initiative_submit(**fields) -> Initiative:
    """An initiative proposes itself; coordinators are told and decide in the admin."""
    initiative = Initiative(state=InitiativeState.SUBMITTED, contact_language=active_language())
    _apply(initiative, fields)
    initiative_save(initiative=initiative)
    logger.info("initiative submitted id=%s", initiative.pk)
    _queue("initiative_notify_submitted", initiative_id=initiative.pk)
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
    initiative.save(update_fields=["state", "published_at", "last_confirmed_at", "updated_at"])
    logger.info("initiative published id=%s", initiative.pk)
    _queue("initiative_mail_edit_link", initiative_id=initiative.pk)
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


def initiative_update_by_contact(*, initiative: Initiative, **fields) -> Initiative:
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
    _queue("initiative_mail_edit_link", initiative_id=initiative.pk)
    return True


# --- Mails -------------------------------------------------------------------------------


def initiative_edit_url(*, initiative: Initiative) -> str:
    token = selectors.edit_token_make(initiative=initiative)
    path = reverse("directory:initiative_edit", kwargs={"slug": initiative.slug, "token": token})
    return f"{settings.SITE_URL}{path}"


def _mail(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    body = render_to_string(
        template, {"site_url": settings.SITE_URL, "team_email": settings.IMPRINT["email"], **context}
    )
    deliver(EmailMessage(f"[Mitläufer] {subject}", body, settings.DEFAULT_FROM_EMAIL, to))


def _mail_with_edit_link(*, initiative: Initiative, subject, template: str) -> None:
    """A mail to the initiative's contact, in its language, carrying a fresh edit link (subject: a lazy string)."""
    with translation.override(initiative.contact_language):
        _mail(
            subject=str(subject),
            template=f"directory/initiative_mail_{template}.txt",
            context={
                "initiative": initiative,
                "edit_url": initiative_edit_url(initiative=initiative),
                "link_days": settings.INITIATIVE_EDIT_LINK_DAYS,
            },
            to=[initiative.contact_email],
        )


def initiative_mail_edit_link(*, initiative_id: int) -> bool:
    """Mail the contact of a published entry a fresh edit link."""
    initiative = selectors.initiatives_published().filter(pk=initiative_id).first()
    if initiative is None:
        logger.info("edit link not sent, initiative id=%s is not published", initiative_id)
        return False
    _mail_with_edit_link(initiative=initiative, subject=gettext_lazy("Ihr Eintrag ist online"), template="published")
    logger.info("edit link sent for initiative id=%s", initiative_id)
    return True


def initiative_notify_submitted(*, initiative_id: int) -> bool:
    """Tell the coordinators about a new proposal."""
    initiative = Initiative.objects.filter(pk=initiative_id, state=InitiativeState.SUBMITTED).first()
    if initiative is None or not settings.COORDINATOR_EMAILS:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            subject=_("Neuer Eintrag für das Verzeichnis"),
            template="directory/initiative_mail_submitted.txt",
            context={
                "initiative": initiative,
                "admin_url": settings.SITE_URL + reverse("admin:directory_initiative_change", args=[initiative.pk]),
            },
            to=list(settings.COORDINATOR_EMAILS),
        )
    return True


def initiatives_remind_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Ask "Stimmt Ihr Eintrag noch?" of every entry due; returns how many were asked.

    Idempotent: each entry is claimed with a conditional UPDATE inside its own
    transaction before its mail goes out, so a second run (or a parallel one)
    skips it; if the mail fails, the claim is rolled back and the next run tries again.
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
                initiative=initiative, subject=gettext_lazy("Stimmt Ihr Eintrag noch?"), template="reminder"
            )
        sent += 1
    logger.info("confirmation reminders sent: %s", sent)
    return sent


def _queue(task_name: str, **ids: int) -> None:
    """Queue a mail task once the transaction commits; a broker outage must not lose the write."""
    from directory import tasks

    task = getattr(tasks, task_name)

    def send() -> None:
        try:
            task.delay(**ids)
        except tasks.TRANSIENT_ERRORS:
            logger.warning("broker unavailable; %s not queued for %s", task_name, ids)

    transaction.on_commit(send)
