"""Writes of accompaniment requests: create, reschedule, cancel, notify, purge.

Views, the admin, commands and tasks call these. No personal data goes into
logs or task arguments: only ids, counts and event names.
"""

import datetime
import logging
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.tasks import queue_after_commit
from directory import services as directory_services
from directory.models import Initiative, Office
from matching.engine.proposals import propose
from matching.matches.calls import CallReason, call_needed_mark
from matching.matches.services import matches_release_for_request
from matching.models import (
    OPEN_STATUSES,
    AccompanimentRequest,
    ContactChannel,
    IntakeChannel,
    RequestStatus,
    new_request_token,
)
from matching.requests.notices import Event, request_notify
from matching.requests.purge import requests_erase

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)


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
    filed_by: "AbstractBaseUser | None" = None,
    client_consent_recorded_at: datetime.datetime | None = None,
    contact_via_initiative: bool = False,
    intake_channel: str = IntakeChannel.WEB,
    consent_recorded_by=None,
) -> tuple[AccompanimentRequest, bool]:
    """Save a request, or find the same one sent minutes ago.

    Returns ``(request, created)``. ``new_office`` (name, street, postal_code)
    is the fallback "Mein Amt ist nicht dabei" and becomes an unverified office.
    The last four arguments are for requests an initiative files for a client
    (``request_create_for_initiative``).
    """
    # Every argument but these three goes into the row as given.
    fields = {name: value for name, value in locals().items() if name not in ("language", "privacy_policy_version")}
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
    escort_request = AccompanimentRequest(
        **{name: value for name, value in fields.items() if name not in ("office", "new_office")},
        office=office,
        language=(language or settings.LANGUAGE_CODE)[:10],
        consent_given_at=now,
        privacy_policy_version=privacy_policy_version or settings.PRIVACY_POLICY_VERSION,
    )
    escort_request.full_clean()
    escort_request.save()
    logger.info("request created id=%s office=%s", escort_request.pk, office.pk)
    _after_change(escort_request=escort_request, event=Event.CREATED)
    return escort_request, True


def initiative_contact(*, initiative: Initiative) -> dict:
    """The initiative's e-mail and phone as a request's contact (its public e-mail, else its contact address)."""
    phone_field = AccompanimentRequest._meta.get_field("phone")
    phone = initiative.phone if len(initiative.phone) <= phone_field.max_length else ""
    email = initiative.email or initiative.contact_email
    return {"email": email, "phone": phone, "preferred_contact": ContactChannel.EMAIL if email else ""}


def request_create_for_initiative(
    *,
    initiative: Initiative,
    filed_by: "AbstractBaseUser | None",
    use_initiative_contact: bool,
    office: Office | None = None,
    new_office: dict | None = None,
    **request_data: Any,
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
        intake_channel=IntakeChannel.INITIATIVE,
        **request_data,
    )


def _after_change(*, escort_request: AccompanimentRequest, event: str) -> None:
    if event in (Event.RESCHEDULED, Event.CANCELLED):
        call_needed_mark(
            request_id=escort_request.pk,
            reason=CallReason.text("rescheduled" if event == Event.RESCHEDULED else "cancelled"),
        )
        # A companion asked for, or confirmed for, the old appointment is released and told.
        matches_release_for_request(escort_request=escort_request)
    if event in (Event.CREATED, Event.RESCHEDULED):
        queue_after_commit(propose, request_id=escort_request.pk)
    request_notify(request_id=escort_request.pk, event=event)


@transaction.atomic
def request_reschedule(
    *, escort_request: AccompanimentRequest, starts_at: datetime.datetime, duration_minutes: int
) -> AccompanimentRequest:
    """Move the appointment. A companion found for the old time is not assumed to have time for the new one."""
    escort_request = AccompanimentRequest.objects.select_for_update().get(pk=escort_request.pk)
    if not escort_request.is_open:
        raise ValueError("only an open request can be moved")
    if escort_request.starts_at == starts_at and escort_request.duration_minutes == duration_minutes:
        return escort_request
    escort_request.starts_at = starts_at
    escort_request.duration_minutes = duration_minutes
    escort_request.proposals_run_at = None
    # The person's calendar file (UID request-<id>) is updated in place by a higher SEQUENCE.
    escort_request.calendar_sequence += 1
    if escort_request.status == RequestStatus.CONFIRMED:
        escort_request.status = RequestStatus.SEARCHING
    escort_request.full_clean()
    escort_request.save(
        update_fields=["starts_at", "duration_minutes", "proposals_run_at", "status", "calendar_sequence", "updated_at"]
    )
    logger.info("request rescheduled id=%s", escort_request.pk)
    _after_change(escort_request=escort_request, event=Event.RESCHEDULED)
    return escort_request


@transaction.atomic
def request_cancel(*, escort_request: AccompanimentRequest) -> AccompanimentRequest:
    """Cancel the request; cancelling twice changes nothing."""
    now = timezone.now()
    claimed = AccompanimentRequest.objects.filter(pk=escort_request.pk, status__in=OPEN_STATUSES).update(
        status=RequestStatus.CANCELLED, cancelled_at=now, updated_at=now, calendar_sequence=F("calendar_sequence") + 1
    )
    escort_request.refresh_from_db()
    if claimed == 1:
        logger.info("request cancelled id=%s", escort_request.pk)
        _after_change(escort_request=escort_request, event=Event.CANCELLED)
    return escort_request


@transaction.atomic
def request_erase_now(*, escort_request: AccompanimentRequest) -> None:
    """The person asks to erase their data now: cancel what is open, erase, and retire the status link.

    Cancelling tells a companion as a cancellation always does (their mail names no
    one). Office, time and status stay for statistics, as after the scheduled purge.
    The new random token makes the old link answer like any unknown one.
    """
    escort_request = request_cancel(escort_request=escort_request)
    requests_erase(request_ids=[escort_request.pk])
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(token=new_request_token())
    logger.info("request erased on request id=%s", escort_request.pk)
