"""Writes to the Mitläuferliste. Views, forms and the admin call these."""

import datetime
import logging
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from celery import shared_task
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, OuterRef
from django.db.models.deletion import Collector
from django.utils import timezone

from core import privacy
from core.outbox import address_owner, outbox_forget
from volunteers import signals
from volunteers.models import Absence, Consent, Volunteer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)


def _announce_change(volunteer: Volunteer) -> None:
    """Tell other apps (matching) on commit that this volunteer's availability may have changed."""
    volunteer_id = volunteer.pk
    transaction.on_commit(lambda: signals.volunteer_changed.send(sender=Volunteer, volunteer_id=volunteer_id))


def volunteer_admin_saved(*, volunteer: Volunteer) -> None:
    """A coordinator changed the volunteer in the admin."""
    _announce_change(volunteer)


# Everything a volunteer says about themselves: the sign-up and profile forms, the admin and the services.
PROFILE_FIELDS = (
    "display_name",
    "postal_code",
    "radius_km",
    "availability",
    "languages",
    "office_kinds",
    "phone",
    "gender",
    "knows_social_law",
)


def _apply_profile(
    volunteer: Volunteer,
    *,
    display_name: str,
    postal_code: str,
    radius_km: int,
    availability: int,
    languages: int,
    office_kinds: int,
    phone: str = "",
    gender: str = "",
    knows_social_law: bool = False,
) -> None:
    volunteer.display_name = display_name
    volunteer.postal_code_id = postal_code
    volunteer.radius_km = radius_km
    volunteer.availability = availability
    volunteer.languages = languages
    volunteer.office_kinds = office_kinds
    volunteer.phone = phone
    volunteer.gender = gender
    volunteer.knows_social_law = knows_social_law


@transaction.atomic
def volunteer_create(
    *, user: "AbstractBaseUser", policy_version: str, language: str = "de", **profile: Any
) -> Volunteer:
    volunteer = Volunteer(user=user, language=language)
    _apply_profile(volunteer, **profile)
    volunteer.full_clean(exclude=["user"])
    volunteer.save()
    Consent.objects.create(volunteer=volunteer, policy_version=policy_version)
    logger.info("volunteer created id=%s", volunteer.pk)
    _announce_change(volunteer)
    return volunteer


@transaction.atomic
def volunteer_update(*, volunteer: Volunteer, language: str | None = None, **profile: Any) -> Volunteer:
    _apply_profile(volunteer, **profile)
    if language:
        volunteer.language = language
    volunteer.full_clean(exclude=["user"])
    volunteer.save()
    _announce_change(volunteer)
    return volunteer


def volunteer_confirm_briefing(*, volunteer: Volunteer) -> Volunteer:
    """The volunteer read the briefing: from now on matching may ask them. Confirming twice keeps the first time."""
    if volunteer.briefed_at is None:
        volunteer.briefed_at = timezone.now()
        volunteer.save(update_fields=["briefed_at", "updated_at"])
        logger.info("volunteer briefed id=%s", volunteer.pk)
        _announce_change(volunteer)
    return volunteer


def volunteer_calendar_token_renew(*, volunteer: Volunteer, revoke: bool = False) -> Volunteer:
    """A new secret for the calendar feed (the old link stops working), or none at all with ``revoke``."""
    import secrets

    volunteer.calendar_token = "" if revoke else secrets.token_urlsafe(32)
    volunteer.save(update_fields=["calendar_token", "updated_at"])
    return volunteer


def volunteer_pause(*, volunteer: Volunteer, until: datetime.date | None) -> Volunteer:
    volunteer.paused_until = until
    volunteer.save(update_fields=["paused_until", "updated_at"])
    _announce_change(volunteer)
    return volunteer


def absence_add(*, volunteer: Volunteer, starts_on: datetime.date, ends_on: datetime.date) -> Absence:
    absence = Absence(volunteer=volunteer, starts_on=starts_on, ends_on=ends_on)
    absence.full_clean()
    absence.save()
    _announce_change(volunteer)
    return absence


def absence_delete(*, volunteer: Volunteer, absence_id: int) -> bool:
    deleted, _ = Absence.objects.filter(volunteer=volunteer, pk=absence_id).delete()
    if deleted:
        _announce_change(volunteer)
    return bool(deleted)


@transaction.atomic
def consent_withdraw(*, volunteer: Volunteer) -> None:
    """Withdrawal takes the volunteer off the list at once and starts the erasure countdown.

    Other apps stop using them inside this transaction (``signals.volunteer_withdrawn``:
    matching drops their proposals and active matches). Unless they consent again,
    ``volunteers_purge_withdrawn`` erases them after VOLUNTEER_WITHDRAWN_DAYS.
    """
    now = timezone.now()
    volunteer.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    volunteer.is_active = False
    # Off the public list for good: consenting again does not put them back there without asking.
    volunteer.listed_publicly = False
    volunteer.listed_since = None
    volunteer.save(update_fields=["is_active", "listed_publicly", "listed_since", "updated_at"])
    signals.volunteer_withdrawn.send(sender=Volunteer, volunteer_id=volunteer.pk)
    logger.info("volunteer consent withdrawn id=%s", volunteer.pk)
    _announce_change(volunteer)


@transaction.atomic
def consent_give(*, volunteer: Volunteer, policy_version: str) -> Consent:
    """The volunteer consents (again): a new record for the current policy, and back on the list."""
    consent = Consent.objects.create(volunteer=volunteer, policy_version=policy_version)
    volunteer.is_active = True
    volunteer.save(update_fields=["is_active", "updated_at"])
    logger.info("volunteer consent given id=%s", volunteer.pk)
    _announce_change(volunteer)
    return consent


def volunteer_export(*, volunteer: Volunteer) -> dict:
    """All personal data we hold about this volunteer (Art. 15/20 GDPR), JSON-ready.

    Generated from the register (``core.privacy``): every table that names the
    volunteer as an owner contributes its rows, matching's escorts and outcomes
    included, so the export cannot fall behind a new field.
    """
    return {
        "exported_at": timezone.now().isoformat(),
        "privacy_policy_version": settings.PRIVACY_POLICY_VERSION,
        "records": privacy.owner_export(owner="volunteer", key=volunteer.pk),
    }


def _admin_history_erase(*, user) -> None:
    """Delete the admin's history entries about every row the account deletion will remove.

    A LogEntry keeps the object's name (an e-mail address, a display name) after
    the object is gone, so entries for the user, profile, e-mail addresses,
    absences and consents go, found with the same collector the deletion uses.
    """
    collector = Collector(using=DEFAULT_DB_ALIAS)
    collector.collect([user])
    rows: dict[type, set[str]] = {}
    for model, instances in collector.data.items():
        rows.setdefault(model, set()).update(str(instance.pk) for instance in instances)
    for queryset in collector.fast_deletes:
        rows.setdefault(queryset.model, set()).update(str(pk) for pk in queryset.values_list("pk", flat=True))
    for model, pks in rows.items():
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=pks).delete()
    LogEntry.objects.filter(user=user).delete()


@transaction.atomic
def volunteer_erase(*, volunteer: Volunteer) -> None:
    """Erase the volunteer and their account now.

    Other apps clean up what they hold through ``signals.volunteer_erasing``,
    sent before the rows go. The admin's history stores the object's name, so
    its entries for this volunteer go too.
    """
    user = volunteer.user
    user_id = user.pk
    volunteer_id = volunteer.pk
    # Mails to or about them that are still kept (sent, failed or not yet out) go first.
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    outbox_forget(owners=[f"volunteer:{volunteer_id}", *(address_owner(a) for a in addresses if a)])
    signals.volunteer_erasing.send(sender=Volunteer, volunteer_id=volunteer_id)
    # What other apps registered under this volunteer and keeps its row (a decline reason) is blanked.
    privacy.owner_erase(owner="volunteer", keys=[volunteer_id])
    _admin_history_erase(user=user)
    user.delete()  # cascades to the profile, absences, consents, e-mail addresses
    # The audit trail recorded the deletion with the deleted values: empty that entry too.
    privacy.admin_history_erase(model=Volunteer, pks=[volunteer_id])
    privacy.audit_actor_erase(user_id=user_id)
    logger.info("volunteer erased id=%s", volunteer_id)


def volunteers_purge_unverified(*, now: datetime.datetime | None = None) -> int:
    """Erase sign-ups whose e-mail address was never confirmed within the grace period; return how many.

    Someone who signs up and never clicks the link has still left their data
    with us; it must not stay forever. Counted, never named, in the log.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.VOLUNTEER_UNVERIFIED_DAYS)
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True)
    stale = Volunteer.objects.filter(created_at__lt=cutoff).exclude(Exists(verified)).select_related("user")
    erased = 0
    for volunteer in stale:
        volunteer_erase(volunteer=volunteer)
        erased += 1
    logger.info("unverified sign-ups erased: %s", erased)
    return erased


def volunteers_purge_withdrawn(*, now: datetime.datetime | None = None) -> int:
    """Erase volunteers who withdrew their consent more than VOLUNTEER_WITHDRAWN_DAYS ago and gave none since."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.VOLUNTEER_WITHDRAWN_DAYS)
    current = Consent.objects.filter(volunteer_id=OuterRef("pk"), withdrawn_at__isnull=True)
    recent = Consent.objects.filter(volunteer_id=OuterRef("pk"), withdrawn_at__gt=cutoff)
    due = (
        Volunteer.objects.filter(consents__withdrawn_at__lte=cutoff)
        .exclude(Exists(current))
        .exclude(Exists(recent))
        .distinct()
        .select_related("user")
    )
    erased = 0
    for volunteer in due:
        volunteer_erase(volunteer=volunteer)
        erased += 1
    logger.info("withdrawn volunteers erased: %s", erased)
    return erased


@shared_task
def purge_withdrawn() -> int:
    """Celery beat, daily: erase volunteers whose consent was withdrawn past the grace period."""
    return volunteers_purge_withdrawn()


@shared_task
def purge_unverified() -> int:
    """Celery beat, daily: erase sign-ups that were never confirmed by e-mail."""
    return volunteers_purge_unverified()
