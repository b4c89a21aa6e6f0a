"""The mails about a match (invitation, confirmation with .ics, reminder, feedback, notices).

Each ``match_mail_*`` puts its mails into the outbox (``core.outbox``) inside the
transaction of the change it is about, keyed by match, so the change and its mails
commit together and a second call sends nothing. The beat tasks for reminders and
feedback claim each match with a conditional UPDATE of its timestamp in the same
transaction as the mails.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.outbox import outbox_enqueue
from geo.coordinators import coordinator_addresses_for
from matching.links import match_url, request_admin_url, request_status_url
from matching.matches.calendar import CONTENT_TYPE, match_ics, request_ics
from matching.matches.selectors import matches_due_for_feedback, matches_due_for_reminder
from matching.models import Match, MatchStatus

logger = logging.getLogger(__name__)


def _load(match_id: int) -> Match | None:
    """A match with everything its mails need, or None if it or its volunteer is gone."""
    match = (
        Match.objects.select_related("request", "request__office", "volunteer", "volunteer__user")
        .filter(pk=match_id)
        .first()
    )
    return match if match is not None and match.volunteer is not None else None


def _about(match: Match) -> list[str]:
    """Whose data a match mail holds: the request's, and the companion's while they have an account."""
    return [f"request:{match.request_id}", *([f"volunteer:{match.volunteer_id}"] if match.volunteer_id else [])]


def _stamp(*, match_id: int, field: str) -> bool:
    """Set the match's ``field`` timestamp unless set: only the first of two parallel runs goes on."""
    return Match.objects.filter(pk=match_id, **{f"{field}__isnull": True}).update(**{field: timezone.now()}) == 1


def _to_volunteer(
    *, match: Match, key: str, template: str, context: dict | None = None, attachments=(), about=None
) -> int:
    mail = outbox_enqueue(
        key=f"{key}:{match.pk}:volunteer",
        template=template,
        context={
            "match": match,
            "escort_request": match.request,
            "url": match_url(match=match),
            # Every mail to a volunteer can point to the briefing, "Meine Einsätze" and how to cancel.
            "briefing_url": settings.SITE_URL + reverse("briefing"),
            "profile_url": settings.SITE_URL + reverse("volunteers:profile"),
            "cancel_call_hours": settings.MATCH_CANCEL_CALL_HOURS,
            **(context or {}),
        },
        to=[match.volunteer.user.email],
        language=match.volunteer.language,
        attachments=attachments,
        about=_about(match) if about is None else about,
    )
    return int(mail is not None)


def _to_person(*, match: Match, key: str, template: str, attachments=()) -> int:
    escort_request = match.request
    if not escort_request.email or escort_request.is_erased:
        return 0
    mail = outbox_enqueue(
        key=f"{key}:{match.pk}:person",
        template=template,
        context={
            "match": match,
            "escort_request": escort_request,
            "status_url": request_status_url(escort_request=escort_request),
        },
        to=[escort_request.email],
        language=escort_request.language,
        attachments=attachments,
        about=_about(match),
    )
    return int(mail is not None)


def _to_coordinators(*, match: Match, key: str, template: str) -> int:
    # About no one: the mail holds only an admin link, so erasing a person's data leaves it alone.
    # The coordinators of the office's region, or the national ones when the region has nobody.
    recipients = coordinator_addresses_for(postal_code_id=match.request.office.postal_code_id)
    if not recipients:
        return 0
    # Bcc: coordinators do not need to see each other's addresses; the mail holds only an admin link.
    mail = outbox_enqueue(
        key=f"{key}:{match.pk}:coordinators",
        template=template,
        context={"match": match, "admin_url": request_admin_url(escort_request=match.request)},
        language=settings.LANGUAGE_CODE,
        bcc=recipients,
        about=(),
    )
    return int(mail is not None)


@transaction.atomic
def match_mail_invitation(*, match_id: int) -> int:
    """To the asked volunteer: their secret link. Call inside the ask's transaction."""
    match = _load(match_id)
    if match is None or not _stamp(match_id=match_id, field="invitation_sent_at"):
        return 0
    return _to_volunteer(match=match, key="match-invitation", template="matching/email/match_invitation")


@transaction.atomic
def match_mail_confirmation(*, match_id: int) -> int:
    """To the volunteer: the person's contact and a calendar file. To the person: who comes."""
    match = _load(match_id)
    if match is None or not _stamp(match_id=match_id, field="confirmation_sent_at"):
        return 0
    template = "matching/email/match_confirmed"
    volunteer_ics = [("termin.ics", match_ics(match=match), CONTENT_TYPE)]
    person_ics = [
        ("termin.ics", request_ics(escort_request=match.request, companion=match.volunteer.display_name), CONTENT_TYPE)
    ]
    return _to_volunteer(
        match=match, key="match-confirmed", template=f"{template}_volunteer", attachments=volunteer_ics
    ) + _to_person(match=match, key="match-confirmed", template=f"{template}_requester", attachments=person_ics)


@transaction.atomic
def match_mail_reminder(*, match_id: int) -> int:
    """The day before: both sides are reminded (once: the timestamp is claimed with the mails)."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ACCEPTED:
        return 0
    if not _stamp(match_id=match_id, field="reminder_sent_at"):
        return 0
    template = "matching/email/match_reminder"
    return _to_volunteer(match=match, key="match-reminder", template=f"{template}_volunteer") + _to_person(
        match=match, key="match-reminder", template=f"{template}_requester"
    )


@transaction.atomic
def match_mail_feedback_request(*, match_id: int) -> int:
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ACCEPTED:
        return 0
    if not _stamp(match_id=match_id, field="feedback_requested_at"):
        return 0
    return _to_volunteer(
        match=match,
        key="match-feedback",
        template="matching/email/match_feedback",
        context={"url": match_url(match=match, name="einsatz:feedback")},
    )


def match_mail_cancelled_notice(*, match_id: int) -> int:
    """Tell the volunteer they are no longer needed. Call inside the cancelling transaction."""
    match = _load(match_id)
    if match is None:
        return 0
    # One who had the calendar file gets its cancellation.
    had_calendar = match.confirmation_sent_at is not None
    # It names no one but the companion, so erasing the request's data (which cancels it) keeps it.
    return _to_volunteer(
        match=match,
        key="match-cancelled",
        template="matching/email/match_cancelled",
        attachments=[("absage.ics", match_ics(match=match, cancelled=True), CONTENT_TYPE)] if had_calendar else (),
        about=[f"volunteer:{match.volunteer_id}"],
    )


def match_mail_backed_out_notice(*, match_id: int) -> int:
    """The volunteer gave an escort back: the person is told kindly, the coordinators get the admin link,
    the volunteer the calendar cancellation. Call inside the transaction of the backing out."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.BACKED_OUT:
        return 0
    key = "match-backed-out"
    cancel_ics = [("absage.ics", match_ics(match=match, cancelled=True), CONTENT_TYPE)]
    return (
        _to_volunteer(
            match=match, key=key, template="matching/email/match_backed_out_volunteer", attachments=cancel_ics
        )
        + _to_coordinators(match=match, key=key, template="matching/email/coordinator_backed_out")
        + _to_person(match=match, key=key, template="matching/email/match_backed_out_requester")
    )


@transaction.atomic
def match_mail_ask_reminder(*, match_id: int) -> int:
    """The one reminder to a volunteer who has not answered an ask; stamped, so it goes out once."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ASKED:
        return 0
    if not _stamp(match_id=match_id, field="ask_reminder_sent_at"):
        return 0
    return _to_volunteer(match=match, key="match-ask-reminder", template="matching/email/match_ask_reminder")


def match_mail_found_elsewhere(*, match_id: int) -> int:
    """Tell an asked volunteer that someone else took the escort first: "schon gefunden, danke".

    Call inside the transaction of the accept that withdrew their ask."""
    match = _load(match_id)
    if match is None:
        return 0
    return _to_volunteer(
        match=match,
        key="match-found-elsewhere",
        template="matching/email/match_found_elsewhere",
        about=[f"volunteer:{match.volunteer_id}"],
    )


def match_mail_withdrawn_notice(*, match_id: int, was_accepted: bool) -> int:
    """The companion is gone (account erased): coordinators get the admin link, the person a plain note."""
    match = Match.objects.select_related("request", "request__office").filter(pk=match_id).first()
    if match is None:
        return 0
    sent = _to_coordinators(match=match, key="match-withdrawn", template="matching/email/coordinator_withdrawn")
    if was_accepted:
        sent += _to_person(match=match, key="match-withdrawn", template="matching/email/match_withdrawn_requester")
    return sent


def match_mail_declined_notice(*, match_id: int) -> int:
    """Tell the coordinators a volunteer declined: a link into the admin, no personal data."""
    match = _load(match_id)
    if match is None:
        return 0
    return _to_coordinators(match=match, key="match-declined", template="matching/email/coordinator_declined")


@shared_task
def send_reminders() -> int:
    """Celery beat, hourly: remind both sides the day before an accepted appointment."""
    return sum(bool(match_mail_reminder(match_id=match_id)) for match_id in matches_due_for_reminder())


@shared_task
def send_feedback_requests() -> int:
    """Celery beat, hourly: after the appointment, ask the volunteer how it went."""
    return sum(bool(match_mail_feedback_request(match_id=match_id)) for match_id in matches_due_for_feedback())
