"""Writes of accompaniment requests: create, reschedule, cancel, notify, purge.

Views, the admin, commands and tasks call these. No personal data goes into
logs or task arguments: only ids, counts and event names.
"""

import datetime
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from directory import services as directory_services
from directory.models import Initiative, Office
from matching.models import (
    OPEN_STATUSES,
    AccompanimentRequest,
    ContactChannel,
    Match,
    MatchEvent,
    Referral,
    RequestStatus,
)
from mitlaeufer.mail import deliver

logger = logging.getLogger(__name__)

# Fields that identify or describe the person; the purge blanks them.
PERSONAL_FIELDS = {
    "first_name": "",
    "email": "",
    "phone": "",
    "preferred_contact": "",
    "languages": 0,
    "needs_language": False,
    "preferred_gender": "",
    "accessibility": "",
    "message": "",
    "purpose": "",
    "language": "",
    "counselling_services": 0,
}


class Event:
    """What a notification is about."""

    CREATED = "created"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    ALL = (CREATED, RESCHEDULED, CANCELLED)


def _digits(phone: str) -> str:
    return re.sub(r"[^0-9]", "", phone)


def _find_duplicate(
    *,
    office: Office,
    starts_at: datetime.datetime,
    email: str,
    phone: str,
    now: datetime.datetime,
    same_person: Q | None = None,
):
    since = now - datetime.timedelta(minutes=settings.REQUEST_DUPLICATE_MINUTES)
    contact = Q(pk__in=[])
    if email:
        contact |= Q(email__iexact=email)
    if phone:
        contact |= ~Q(phone="")
    candidates = AccompanimentRequest.objects.filter(
        contact, same_person or Q(), office=office, starts_at=starts_at, created_at__gte=since, status__in=OPEN_STATUSES
    )
    for candidate in candidates:
        if email and candidate.email.lower() == email.lower():
            return candidate
        if phone and candidate.phone and _digits(candidate.phone) == _digits(phone):
            return candidate
    return None


@transaction.atomic
def request_create(
    *,
    office: Office | None = None,
    new_office: dict | None = None,
    first_name: str,
    email: str = "",
    phone: str = "",
    preferred_contact: str = "",
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    purpose: str = "",
    languages: int = 0,
    needs_language: bool = False,
    preferred_gender: str = "",
    accessibility: str = "",
    message: str = "",
    language: str = "",
    privacy_policy_version: str = "",
    counselling_services: int = 0,
    filed_by_initiative: Initiative | None = None,
    filed_by=None,
    client_consent_recorded_at: datetime.datetime | None = None,
    contact_via_initiative: bool = False,
) -> tuple[AccompanimentRequest, bool]:
    """Save a request, or find the same one sent minutes ago.

    Returns ``(request, created)``. ``new_office`` (name, street, postal_code)
    is the fallback "Mein Amt ist nicht dabei" and becomes an unverified office.
    The last four arguments are for requests an initiative files for a client
    (``request_create_for_initiative``).
    """
    if office is None:
        if new_office is None:
            raise ValueError("request_create needs an office or new_office")
        office = directory_services.office_get_or_create_unverified(**new_office)
    now = timezone.now()
    # One request per office at a time gets here: a double click cannot slip two rows past the check.
    Office.objects.select_for_update().filter(pk=office.pk).first()
    # With the initiative's contact, two clients of one initiative share e-mail and phone: the name tells them apart.
    same_person = Q(first_name=first_name, filed_by_initiative=filed_by_initiative) if contact_via_initiative else None
    duplicate = _find_duplicate(
        office=office, starts_at=starts_at, email=email, phone=phone, now=now, same_person=same_person
    )
    if duplicate is not None:
        logger.info("request duplicate submission id=%s", duplicate.pk)
        return duplicate, False
    request = AccompanimentRequest(
        office=office,
        first_name=first_name,
        email=email,
        phone=phone,
        preferred_contact=preferred_contact,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        languages=languages,
        needs_language=needs_language,
        preferred_gender=preferred_gender,
        accessibility=accessibility,
        message=message,
        language=(language or settings.LANGUAGE_CODE)[:10],
        consent_given_at=now,
        privacy_policy_version=privacy_policy_version or settings.PRIVACY_POLICY_VERSION,
        counselling_services=counselling_services,
        filed_by_initiative=filed_by_initiative,
        filed_by=filed_by,
        client_consent_recorded_at=client_consent_recorded_at,
        contact_via_initiative=contact_via_initiative,
    )
    request.full_clean()
    request.save()
    logger.info("request created id=%s office=%s", request.pk, office.pk)
    _after_change(request=request, event=Event.CREATED)
    return request, True


def initiative_contact(*, initiative: Initiative) -> dict:
    """The initiative's e-mail and phone as a request's contact (its public e-mail, else its contact address)."""
    phone_field = AccompanimentRequest._meta.get_field("phone")
    phone = initiative.phone if len(initiative.phone) <= phone_field.max_length else ""
    email = initiative.email or initiative.contact_email
    return {"email": email, "phone": phone, "preferred_contact": ContactChannel.EMAIL if email else ""}


def request_create_for_initiative(
    *,
    initiative: Initiative,
    filed_by,
    use_initiative_contact: bool,
    office: Office | None = None,
    new_office: dict | None = None,
    **request_data,
) -> tuple[AccompanimentRequest, bool]:
    """A request an initiative's staff file for a client who consented; then matched like any other.

    With ``use_initiative_contact`` the client gave no contact of their own: the
    initiative's e-mail and phone go in instead and the request says so
    (``contact_via_initiative``), so coordinators and the companion call the initiative.
    """
    if use_initiative_contact:
        request_data.update(initiative_contact(initiative=initiative))
    return request_create(
        office=office,
        new_office=new_office,
        filed_by_initiative=initiative,
        filed_by=filed_by,
        client_consent_recorded_at=timezone.now(),
        contact_via_initiative=use_initiative_contact,
        **request_data,
    )


def _after_change(*, request: AccompanimentRequest, event: str) -> None:
    from matching import match_services, tasks

    if event in (Event.RESCHEDULED, Event.CANCELLED):
        # A companion asked for, or confirmed for, the old appointment is released and told.
        match_services.matches_release_for_request(request=request)
    if event in (Event.CREATED, Event.RESCHEDULED):
        tasks.queue_proposals(request_id=request.pk)
    tasks.queue_request_notice(request_id=request.pk, event=event)


@transaction.atomic
def request_reschedule(
    *, request: AccompanimentRequest, starts_at: datetime.datetime, duration_minutes: int
) -> AccompanimentRequest:
    """Move the appointment. A companion found for the old time is not assumed to have time for the new one."""
    request = AccompanimentRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValueError("only an open request can be moved")
    if request.starts_at == starts_at and request.duration_minutes == duration_minutes:
        return request
    request.starts_at = starts_at
    request.duration_minutes = duration_minutes
    request.proposals_run_at = None
    if request.status == RequestStatus.CONFIRMED:
        request.status = RequestStatus.SEARCHING
    request.full_clean()
    request.save(update_fields=["starts_at", "duration_minutes", "proposals_run_at", "status", "updated_at"])
    logger.info("request rescheduled id=%s", request.pk)
    _after_change(request=request, event=Event.RESCHEDULED)
    return request


@transaction.atomic
def request_cancel(*, request: AccompanimentRequest) -> AccompanimentRequest:
    """Cancel the request; cancelling twice changes nothing."""
    now = timezone.now()
    claimed = AccompanimentRequest.objects.filter(pk=request.pk, status__in=OPEN_STATUSES).update(
        status=RequestStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    request.refresh_from_db()
    if claimed == 1:
        logger.info("request cancelled id=%s", request.pk)
        _after_change(request=request, event=Event.CANCELLED)
    return request


# --- Notifications --------------------------------------------------------------------------------------


def coordinator_recipients() -> list[str]:
    """settings.COORDINATOR_EMAILS and every active staff user's address, without duplicates."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email")
    seen: dict[str, str] = {}
    for address in [*settings.COORDINATOR_EMAILS, *(email for (email,) in staff)]:
        seen.setdefault(address.strip().lower(), address.strip())
    return [address for key, address in seen.items() if key]


def request_status_url(*, request: AccompanimentRequest) -> str:
    return settings.SITE_URL + reverse("matching:status", kwargs={"token": request.token})


def request_admin_url(*, request: AccompanimentRequest) -> str:
    return settings.SITE_URL + reverse("admin:matching_accompanimentrequest_change", args=[request.pk])


def _render_mail(*, template: str, context: dict) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
    body = render_to_string(f"{template}.txt", context, using="text")
    return subject, body


def request_notify(*, request_id: int, event: str) -> int:
    """Send the mails for one event: to the person (if they gave an e-mail) and to the coordinators.

    The coordinators' mail holds only a link into the admin, never the person's data.
    Returns the number of mails sent.
    """
    if event not in Event.ALL:
        raise ValueError(f"unknown event {event!r}")
    request = AccompanimentRequest.objects.select_related("office").filter(pk=request_id).first()
    if request is None:
        logger.info("request notice skipped: request id=%s is gone", request_id)
        return 0
    # A task delivered twice (acks_late after a worker crash) sends its mails once.
    once = f"request-notice:{request.pk}:{event}:{request.updated_at.timestamp()}"
    if not cache.add(once, 1, timeout=24 * 60 * 60):
        logger.info("request notice already sent id=%s event=%s", request.pk, event)
        return 0
    sent = 0
    if request.email and not request.is_erased:
        with translation.override(request.language or settings.LANGUAGE_CODE):
            subject, body = _render_mail(
                template=f"matching/email/request_{event}",
                context={"request": request, "status_url": request_status_url(request=request)},
            )
        deliver(EmailMessage(subject, body, to=[request.email]))
        sent += 1
    recipients = coordinator_recipients()
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _render_mail(
                template=f"matching/email/coordinator_{event}",
                context={"request": request, "admin_url": request_admin_url(request=request)},
            )
        # Bcc: coordinators do not need to see each other's addresses.
        deliver(EmailMessage(subject, body, to=[], bcc=recipients))
        sent += 1
    logger.info("request notice sent id=%s event=%s mails=%s", request.pk, event, sent)
    return sent


# --- Data protection ------------------------------------------------------------------------------------


def requests_due_for_purge(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of requests whose appointment ended, or that were cancelled, more than the retention period ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REQUEST_RETENTION_DAYS)
    kept = AccompanimentRequest.objects.filter(personal_data_erased_at__isnull=True)
    cancelled = kept.filter(cancelled_at__lte=cutoff).values_list("pk", flat=True)
    # starts_at ≤ cutoff is a superset (and uses the partial index); the exact end is checked here.
    ended = [
        pk
        for pk, starts_at, minutes in kept.filter(starts_at__lte=cutoff).values_list(
            "pk", "starts_at", "duration_minutes"
        )
        if starts_at + datetime.timedelta(minutes=minutes) <= cutoff
    ]
    return sorted({*cancelled, *ended})


def requests_purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Erase the personal fields of every request past its retention time; return how many.

    Office, appointment time, duration, status and the consent record stay for
    statistics. Running it twice erases nothing twice.
    """
    now = now or timezone.now()
    ids = requests_due_for_purge(now=now)
    if dry_run:
        logger.info("request purge dry run: %s due", len(ids))
        return len(ids)
    erased = 0
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        erased += AccompanimentRequest.objects.filter(pk__in=batch, personal_data_erased_at__isnull=True).update(
            **PERSONAL_FIELDS, personal_data_erased_at=now, updated_at=now
        )
        # A referral's note is about the person; the initiative and the outcome stay for statistics.
        Referral.objects.filter(request_id__in=batch).exclude(note="").update(note="", updated_at=now)
        # Free text around the matches may describe the person too (a decline reason, a coordinator's note).
        Match.objects.filter(request_id__in=batch).exclude(decline_reason="").update(decline_reason="")
        MatchEvent.objects.filter(match__request_id__in=batch).exclude(note="").update(note="")
    logger.info("request purge: %s erased", erased)
    return erased


# --- Referrals ------------------------------------------------------------------------------------------


def referral_save(*, referral: Referral, actor=None) -> Referral:
    """Record a referral (or a change of its note or outcome); the first save remembers who made it."""
    if referral.pk is None and referral.created_by_id is None and actor is not None:
        referral.created_by = actor
    request = referral.request
    if request.is_erased:
        # Nothing personal may come back after the purge.
        referral.note = ""
    referral.full_clean()
    referral.save()
    logger.info("referral saved id=%s request=%s initiative=%s", referral.pk, request.pk, referral.initiative_id)
    return referral
