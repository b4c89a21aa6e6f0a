"""The mails about a match (invitation, confirmation with .ics, reminder, feedback, notices) and their tasks.

Each mail is claimed on the match with a conditional UPDATE before it is sent,
so a task delivered twice sends it once.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.mail import coordinator_addresses, mail_send, mail_send_once
from core.tasks import RETRY_TRANSIENT
from matching.links import match_url, request_admin_url, request_status_url
from matching.matches.calendar import CONTENT_TYPE, match_ics, request_ics
from matching.matches.selectors import matches_due_for_feedback, matches_due_for_reminder
from matching.models import Match, MatchStatus

logger = logging.getLogger(__name__)


def _claim(*, match_id: int, field: str) -> bool:
    """Mark a mail as sent before sending it: only one delivery of a duplicated task wins."""
    return Match.objects.filter(pk=match_id, **{f"{field}__isnull": True}).update(**{field: timezone.now()}) == 1


def _unclaim(*, match_id: int, field: str) -> None:
    Match.objects.filter(pk=match_id).update(**{field: None})


def _send_claimed(*, match_id: int, field: str, send) -> bool:
    if not _claim(match_id=match_id, field=field):
        logger.info("match mail %s already sent id=%s", field, match_id)
        return False
    try:
        send()
    except Exception:
        _unclaim(match_id=match_id, field=field)  # let the retry send it
        raise
    return True


def _load(match_id: int) -> Match | None:
    """A match with everything its mails need, or None if it or its volunteer is gone."""
    match = (
        Match.objects.select_related("request", "request__office", "volunteer", "volunteer__user")
        .filter(pk=match_id)
        .first()
    )
    return match if match is not None and match.volunteer is not None else None


def match_send_invitation(*, match_id: int) -> bool:
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ASKED:
        return False
    return _send_claimed(
        match_id=match.pk,
        field="invitation_sent_at",
        send=lambda: mail_send(
            template="matching/email/match_invitation",
            context={
                "match": match,
                "escort_request": match.request,
                "url": match_url(match=match),
                "briefing_url": settings.SITE_URL + reverse("briefing"),
            },
            to=[match.volunteer.user.email],
            language=match.volunteer.language,
        ),
    )


def _send_to_both_sides(
    *, match_id: int, field: str, template: str, volunteer_attachments=None, requester_attachments=None
) -> bool:
    """Mail ``<template>_volunteer`` to the companion and ``<template>_requester`` to the person (if they gave
    an e-mail), once per match: ``field`` is the claimed timestamp."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ACCEPTED:
        return False
    escort_request = match.request

    def send() -> None:
        mail_send(
            template=f"{template}_volunteer",
            context={
                "match": match,
                "escort_request": escort_request,
                "url": match_url(match=match),
                "profile_url": settings.SITE_URL + reverse("volunteers:profile"),
                "briefing_url": settings.SITE_URL + reverse("briefing"),
                "cancel_call_hours": settings.MATCH_CANCEL_CALL_HOURS,
            },
            to=[match.volunteer.user.email],
            language=match.volunteer.language,
            attachments=volunteer_attachments(match) if volunteer_attachments else (),
        )
        if escort_request.email and not escort_request.is_erased:
            mail_send(
                template=f"{template}_requester",
                context={
                    "match": match,
                    "escort_request": escort_request,
                    "status_url": request_status_url(escort_request=escort_request),
                },
                to=[escort_request.email],
                language=escort_request.language,
                attachments=requester_attachments(match) if requester_attachments else (),
            )

    return _send_claimed(match_id=match.pk, field=field, send=send)


def match_send_confirmation(*, match_id: int) -> bool:
    """To the volunteer: the person's contact and a calendar file. To the person: who comes, and a calendar file."""
    return _send_to_both_sides(
        match_id=match_id,
        field="confirmation_sent_at",
        template="matching/email/match_confirmed",
        volunteer_attachments=lambda match: [("termin.ics", match_ics(match=match), CONTENT_TYPE)],
        requester_attachments=lambda match: [
            (
                "termin.ics",
                request_ics(escort_request=match.request, companion=match.volunteer.display_name),
                CONTENT_TYPE,
            )
        ],
    )


def match_send_reminder(*, match_id: int) -> bool:
    """The day before: both sides are reminded."""
    return _send_to_both_sides(match_id=match_id, field="reminder_sent_at", template="matching/email/match_reminder")


def match_send_feedback_request(*, match_id: int) -> bool:
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ACCEPTED:
        return False
    return _send_claimed(
        match_id=match.pk,
        field="feedback_requested_at",
        send=lambda: mail_send(
            template="matching/email/match_feedback",
            context={
                "match": match,
                "escort_request": match.request,
                "url": match_url(match=match, name="einsatz:feedback"),
            },
            to=[match.volunteer.user.email],
            language=match.volunteer.language,
        ),
    )


def match_send_cancelled_notice(*, match_id: int) -> bool:
    """Tell the volunteer they are no longer needed; one who had the calendar file gets its cancellation."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.CANCELLED:
        return False
    had_calendar = match.confirmation_sent_at is not None
    return mail_send_once(
        key=f"match-cancelled:{match_id}",
        template="matching/email/match_cancelled",
        context={"match": match, "escort_request": match.request},
        to=[match.volunteer.user.email],
        language=match.volunteer.language,
        attachments=[("absage.ics", match_ics(match=match, cancelled=True), CONTENT_TYPE)] if had_calendar else (),
    )


def match_send_backed_out_notice(*, match_id: int) -> int:
    """The volunteer gave an escort back: the person is told kindly, the coordinators get the admin link,
    the volunteer the calendar cancellation."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.BACKED_OUT:
        return 0
    escort_request = match.request
    sent = mail_send_once(
        key=f"match-backed-out:{match_id}:volunteer",
        template="matching/email/match_backed_out_volunteer",
        context={"match": match, "escort_request": escort_request},
        to=[match.volunteer.user.email],
        language=match.volunteer.language,
        attachments=[("absage.ics", match_ics(match=match, cancelled=True), CONTENT_TYPE)],
    )
    recipients = coordinator_addresses()
    if recipients:
        sent += mail_send_once(
            key=f"match-backed-out:{match_id}:coordinators",
            template="matching/email/coordinator_backed_out",
            context={"match": match, "admin_url": request_admin_url(escort_request=escort_request)},
            language=settings.LANGUAGE_CODE,
            bcc=recipients,
        )
    if escort_request.email and not escort_request.is_erased:
        sent += mail_send_once(
            key=f"match-backed-out:{match_id}:person",
            template="matching/email/match_backed_out_requester",
            context={"escort_request": escort_request, "status_url": request_status_url(escort_request=escort_request)},
            to=[escort_request.email],
            language=escort_request.language,
        )
    return sent


def match_send_withdrawn_notice(*, match_id: int, was_accepted: bool) -> int:
    """The companion is gone (account erased): coordinators get the admin link, the person a plain note."""
    match = Match.objects.select_related("request", "request__office").filter(pk=match_id).first()
    if match is None:
        return 0
    escort_request = match.request
    sent = 0
    recipients = coordinator_addresses()
    if recipients:
        sent += mail_send_once(
            key=f"match-withdrawn:{match_id}:coordinators",
            template="matching/email/coordinator_withdrawn",
            context={"match": match, "admin_url": request_admin_url(escort_request=escort_request)},
            language=settings.LANGUAGE_CODE,
            bcc=recipients,
        )
    if was_accepted and escort_request.email and not escort_request.is_erased:
        sent += mail_send_once(
            key=f"match-withdrawn:{match_id}:person",
            template="matching/email/match_withdrawn_requester",
            context={"escort_request": escort_request, "status_url": request_status_url(escort_request=escort_request)},
            to=[escort_request.email],
            language=escort_request.language,
        )
    return sent


def match_send_declined_notice(*, match_id: int) -> bool:
    """Tell the coordinators a volunteer declined: a link into the admin, no personal data."""
    match = _load(match_id)
    recipients = coordinator_addresses()
    if match is None or match.status != MatchStatus.DECLINED or not recipients:
        return False
    return mail_send_once(
        key=f"match-declined:{match_id}",
        template="matching/email/coordinator_declined",
        context={"match": match, "admin_url": request_admin_url(escort_request=match.request)},
        language=settings.LANGUAGE_CODE,
        bcc=recipients,
    )


@shared_task(**RETRY_TRANSIENT)
def match_invitation(*, match_id: int) -> None:
    match_send_invitation(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_confirmation(*, match_id: int) -> None:
    match_send_confirmation(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_cancelled_notice(*, match_id: int) -> None:
    match_send_cancelled_notice(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_backed_out_notice(*, match_id: int) -> None:
    match_send_backed_out_notice(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_withdrawn_notice(*, match_id: int, was_accepted: bool) -> None:
    match_send_withdrawn_notice(match_id=match_id, was_accepted=was_accepted)


@shared_task(**RETRY_TRANSIENT)
def match_declined_notice(*, match_id: int) -> None:
    match_send_declined_notice(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_reminder(*, match_id: int) -> None:
    match_send_reminder(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_feedback_request(*, match_id: int) -> None:
    match_send_feedback_request(match_id=match_id)


@shared_task
def send_reminders() -> int:
    """Celery beat, hourly: remind both sides the day before an accepted appointment."""
    ids = matches_due_for_reminder()
    for match_id in ids:
        match_reminder.delay(match_id=match_id)
    return len(ids)


@shared_task
def send_feedback_requests() -> int:
    """Celery beat, hourly: after the appointment, ask the volunteer how it went."""
    ids = matches_due_for_feedback()
    for match_id in ids:
        match_feedback_request.delay(match_id=match_id)
    return len(ids)
