"""Writes of matches: a coordinator asks a volunteer, the volunteer accepts or declines.

The rules that must hold even under races live in the database: a volunteer
never holds two overlapping active matches (exclusion constraint / trigger),
and a request has at most one accepted match (partial unique index). These
functions lock the request row so that the common races fail politely before
the database has to refuse them.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matching import engine
from matching.models import (
    ACTIVE_MATCH_STATUSES,
    AccompanimentRequest,
    Match,
    MatchEvent,
    MatchStatus,
    Outcome,
    Proposal,
    RequestStatus,
)
from matching.services import _render_mail, coordinator_recipients, request_admin_url, request_status_url
from mitlaeufer.mail import deliver
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)


class MatchError(Exception):
    """A match change that cannot happen; the message is for people (translated)."""


class Role:
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    SYSTEM = "system"


def _record(*, match: Match, kind: str, actor=None, role: str, note: str = "") -> None:
    MatchEvent.objects.create(match=match, kind=kind, actor=actor, actor_role=role, note=note[:300])


def _queue(task_name: str, **kwargs) -> None:
    from matching import tasks

    tasks.queue_on_commit(getattr(tasks, task_name), **kwargs)


# --- Coordinator side -------------------------------------------------------------------------------------


def match_ask(*, request: AccompanimentRequest, volunteer: Volunteer, actor) -> Match:
    """Ask a volunteer to accompany a request; mails them their secret link."""
    with transaction.atomic():
        request = AccompanimentRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in engine.SEARCHABLE_STATUSES:
            raise MatchError(_("Für diese Anfrage wird keine Begleitung mehr gesucht."))
        if engine.active_match_exists(volunteer_id=volunteer.pk, starts_at=request.starts_at, ends_at=request.ends_at):
            raise MatchError(_("Diese Person ist zu der Zeit schon angefragt oder unterwegs."))
        block_from, block_until = engine.match_block(request.starts_at, request.ends_at)
        try:
            # A savepoint, so a refusal by the database leaves the outer transaction usable.
            with transaction.atomic():
                match = Match.objects.create(
                    request=request,
                    volunteer=volunteer,
                    starts_at=request.starts_at,
                    ends_at=request.ends_at,
                    blocked_from=block_from,
                    blocked_until=block_until,
                )
        except IntegrityError:
            raise MatchError(_("Diese Person ist zu der Zeit schon angefragt oder unterwegs."))
        _record(match=match, kind=MatchEvent.Kind.ASKED, actor=actor, role=Role.COORDINATOR)
        # Asked volunteers are not proposed again; the list is recomputed without them.
        request.proposals.filter(volunteer=volunteer).delete()
    logger.info("match asked id=%s request=%s", match.pk, request.pk)
    _queue("match_invitation", match_id=match.pk)
    return match


def match_cancel(*, match: Match, actor, note: str = "") -> Match:
    """A coordinator withdraws a match (asked or accepted); the request looks for someone again."""
    with transaction.atomic():
        request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status not in ACTIVE_MATCH_STATUSES:
            raise MatchError(_("Diese Begleitung ist schon beendet."))
        was_accepted = match.status == MatchStatus.ACCEPTED
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_at"])
        _record(match=match, kind=MatchEvent.Kind.CANCELLED, actor=actor, role=Role.COORDINATOR, note=note)
        if was_accepted and request.status == RequestStatus.CONFIRMED:
            request.status = RequestStatus.SEARCHING
            request.save(update_fields=["status", "updated_at"])
    logger.info("match cancelled id=%s by coordinator", match.pk)
    _queue("match_cancelled_notice", match_id=match.pk)
    _queue("propose", request_id=request.pk)
    return match


def match_reassign(*, match: Match, volunteer: Volunteer, actor) -> Match:
    """Withdraw a match and ask someone else, recorded as one reassignment."""
    with transaction.atomic():
        match_cancel(match=match, actor=actor, note=_("neu vergeben"))
        request = AccompanimentRequest.objects.get(pk=match.request_id)
        new = match_ask(request=request, volunteer=volunteer, actor=actor)
        _record(match=new, kind=MatchEvent.Kind.REASSIGNED, actor=actor, role=Role.COORDINATOR, note=f"#{match.pk}")
    return new


def matches_release_for_request(*, request: AccompanimentRequest) -> int:
    """The person cancelled or moved the appointment: withdraw every active match of the request."""
    released = 0
    for match in Match.objects.select_for_update().filter(request=request, status__in=ACTIVE_MATCH_STATUSES):
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_at"])
        _record(match=match, kind=MatchEvent.Kind.CANCELLED, role=Role.SYSTEM, note=_("Termin abgesagt oder verlegt"))
        _queue("match_cancelled_notice", match_id=match.pk)
        released += 1
    return released


def matches_release_for_volunteer(*, volunteer_id: int) -> int:
    """A volunteer erases their account: withdraw their active matches and forget their words.

    Runs inside the erase transaction (``volunteers.signals.volunteer_erasing``),
    before the volunteer row goes; finished matches then keep only a NULL volunteer.
    Requests that had them as companion look for someone else, and coordinators
    and the person are told.
    """
    released = 0
    for match in Match.objects.select_for_update().filter(volunteer_id=volunteer_id, status__in=ACTIVE_MATCH_STATUSES):
        request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        was_accepted = match.status == MatchStatus.ACCEPTED
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_at"])
        _record(match=match, kind=MatchEvent.Kind.CANCELLED, role=Role.SYSTEM, note=_("Konto der Begleitung gelöscht"))
        if was_accepted and request.status == RequestStatus.CONFIRMED:
            request.status = RequestStatus.SEARCHING
            request.save(update_fields=["status", "updated_at"])
        _queue("match_withdrawn_notice", match_id=match.pk, was_accepted=was_accepted)
        _queue("propose", request_id=request.pk)
        released += 1
    Match.objects.filter(volunteer_id=volunteer_id).exclude(decline_reason="").update(decline_reason="")
    Proposal.objects.filter(volunteer_id=volunteer_id).delete()
    return released


def match_accepted_for_request(*, request: AccompanimentRequest) -> Match | None:
    return (
        Match.objects.select_related("volunteer")
        .filter(request=request, status__in=(MatchStatus.ACCEPTED, MatchStatus.DONE))
        .first()
    )


# --- Volunteer side ----------------------------------------------------------------------------------------


def match_is_expired(*, match: Match, now: datetime.datetime | None = None) -> bool:
    """The volunteer's link stops working once the appointment is over."""
    return (now or timezone.now()) >= match.ends_at


def match_accept(*, match: Match) -> Match:
    """The volunteer says yes: the request is confirmed and both sides get each other's details."""
    with transaction.atomic():
        request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status == MatchStatus.ACCEPTED:
            return match  # a double click
        if match.status != MatchStatus.ASKED or match_is_expired(match=match):
            raise MatchError(_("Diese Anfrage ist nicht mehr offen."))
        if request.status not in engine.SEARCHABLE_STATUSES:
            raise MatchError(_("Für diese Anfrage wird keine Begleitung mehr gesucht. Danke trotzdem!"))
        match.status = MatchStatus.ACCEPTED
        match.decided_at = timezone.now()
        try:
            with transaction.atomic():
                match.save(update_fields=["status", "decided_at"])
        except IntegrityError:
            raise MatchError(_("Sie haben zu dieser Zeit schon eine andere Begleitung."))
        _record(match=match, kind=MatchEvent.Kind.ACCEPTED, actor=match.volunteer.user, role=Role.VOLUNTEER)
        request.status = RequestStatus.CONFIRMED
        request.save(update_fields=["status", "updated_at"])
        # Others asked for the same request are no longer needed.
        for other in Match.objects.filter(request=request, status=MatchStatus.ASKED).exclude(pk=match.pk):
            other.status = MatchStatus.CANCELLED
            other.decided_at = timezone.now()
            other.save(update_fields=["status", "decided_at"])
            _record(
                match=other, kind=MatchEvent.Kind.CANCELLED, role=Role.SYSTEM, note=_("jemand anderes hat zugesagt")
            )
            _queue("match_cancelled_notice", match_id=other.pk)
        request.proposals.all().delete()
    logger.info("match accepted id=%s request=%s", match.pk, request.pk)
    _queue("match_confirmation", match_id=match.pk)
    return match


def match_decline(*, match: Match, reason: str = "") -> Match:
    """The volunteer says no. Coordinators are told, and the next candidates are computed."""
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status == MatchStatus.DECLINED:
            return match
        if match.status != MatchStatus.ASKED or match_is_expired(match=match):
            raise MatchError(_("Diese Anfrage ist nicht mehr offen."))
        match.status = MatchStatus.DECLINED
        match.decided_at = timezone.now()
        match.decline_reason = reason[:300]
        match.save(update_fields=["status", "decided_at", "decline_reason"])
        _record(match=match, kind=MatchEvent.Kind.DECLINED, actor=match.volunteer.user, role=Role.VOLUNTEER)
    logger.info("match declined id=%s request=%s", match.pk, match.request_id)
    _queue("match_declined_notice", match_id=match.pk)
    _queue("propose", request_id=match.request_id)
    return match


def match_record_outcome(*, match: Match, outcome: str) -> Match:
    """The volunteer's one-click feedback after the appointment; it feeds the statistics."""
    if outcome not in Outcome.values:
        raise MatchError(_("Bitte wählen Sie eine der Antworten."))
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status not in (MatchStatus.ACCEPTED, MatchStatus.DONE):
            raise MatchError(_("Zu dieser Begleitung können wir keine Rückmeldung speichern."))
        if timezone.now() < match.starts_at:
            raise MatchError(_("Der Termin hat noch nicht stattgefunden."))
        match.status = MatchStatus.DONE
        match.outcome = outcome
        match.save(update_fields=["status", "outcome"])
        _record(
            match=match, kind=MatchEvent.Kind.OUTCOME, actor=match.volunteer.user, role=Role.VOLUNTEER, note=outcome
        )
        took_place = outcome == Outcome.TOOK_PLACE
        AccompanimentRequest.objects.filter(pk=match.request_id, status=RequestStatus.CONFIRMED).update(
            status=RequestStatus.DONE if took_place else RequestStatus.CANCELLED,
            updated_at=timezone.now(),
        )
    return match


# --- Mails (called by tasks; each claims its timestamp so it goes out once) ----------------------------------


def _claim(*, match_id: int, field: str) -> bool:
    """Mark a mail as sent before sending it: only one delivery of a duplicated task wins."""
    return Match.objects.filter(pk=match_id, **{f"{field}__isnull": True}).update(**{field: timezone.now()}) == 1


def _unclaim(*, match_id: int, field: str) -> None:
    Match.objects.filter(pk=match_id).update(**{field: None})


def match_url(*, match: Match, name: str = "einsatz:match") -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": match.token})


def _send(*, template: str, context: dict, to: list[str], language: str, attachments=()) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = _render_mail(template=template, context=context)
    message = EmailMessage(subject, body, to=to)
    for attachment in attachments:
        message.attach(*attachment)
    deliver(message)


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
        send=lambda: _send(
            template="matching/email/match_invitation",
            context={"match": match, "request": match.request, "url": match_url(match=match)},
            to=[match.volunteer.user.email],
            language=match.volunteer.language,
        ),
    )


def _send_to_both_sides(*, match_id: int, field: str, template: str, volunteer_attachments=None) -> bool:
    """Mail ``<template>_volunteer`` to the companion and ``<template>_requester`` to the person (if they gave
    an e-mail), once per match: ``field`` is the claimed timestamp."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.ACCEPTED:
        return False
    request = match.request

    def send() -> None:
        _send(
            template=f"{template}_volunteer",
            context={"match": match, "request": request, "url": match_url(match=match)},
            to=[match.volunteer.user.email],
            language=match.volunteer.language,
            attachments=volunteer_attachments(match) if volunteer_attachments else (),
        )
        if request.email and not request.is_erased:
            _send(
                template=f"{template}_requester",
                context={"match": match, "request": request, "status_url": request_status_url(request=request)},
                to=[request.email],
                language=request.language,
            )

    return _send_claimed(match_id=match.pk, field=field, send=send)


def match_send_confirmation(*, match_id: int) -> bool:
    """To the volunteer: the person's contact and a calendar file. To the person: who comes."""
    return _send_to_both_sides(
        match_id=match_id,
        field="confirmation_sent_at",
        template="matching/email/match_confirmed",
        volunteer_attachments=lambda match: [("termin.ics", match_ics(match=match), "text/calendar")],
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
        send=lambda: _send(
            template="matching/email/match_feedback",
            context={"match": match, "request": match.request, "url": match_url(match=match, name="einsatz:feedback")},
            to=[match.volunteer.user.email],
            language=match.volunteer.language,
        ),
    )


def _once(key: str) -> bool:
    """For notices without a timestamp of their own: the first delivery of a task wins."""
    return cache.add(f"match-notice:{key}", 1, timeout=7 * 24 * 60 * 60)


def match_send_cancelled_notice(*, match_id: int) -> bool:
    """Tell the volunteer they are no longer needed."""
    match = _load(match_id)
    if match is None or match.status != MatchStatus.CANCELLED or not _once(f"cancelled:{match_id}"):
        return False
    _send(
        template="matching/email/match_cancelled",
        context={"match": match, "request": match.request},
        to=[match.volunteer.user.email],
        language=match.volunteer.language,
    )
    return True


def match_send_withdrawn_notice(*, match_id: int, was_accepted: bool) -> int:
    """The companion is gone (account erased): coordinators get the admin link, the person a plain note."""
    match = Match.objects.select_related("request", "request__office").filter(pk=match_id).first()
    if match is None or not _once(f"withdrawn:{match_id}"):
        return 0
    request = match.request
    sent = 0
    recipients = coordinator_recipients()
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _render_mail(
                template="matching/email/coordinator_withdrawn",
                context={"match": match, "admin_url": request_admin_url(request=request)},
            )
        deliver(EmailMessage(subject, body, to=[], bcc=recipients))
        sent += 1
    if was_accepted and request.email and not request.is_erased:
        _send(
            template="matching/email/match_withdrawn_requester",
            context={"request": request, "status_url": request_status_url(request=request)},
            to=[request.email],
            language=request.language,
        )
        sent += 1
    return sent


def match_send_declined_notice(*, match_id: int) -> bool:
    """Tell the coordinators a volunteer declined: a link into the admin, no personal data."""
    match = _load(match_id)
    recipients = coordinator_recipients()
    if match is None or match.status != MatchStatus.DECLINED or not recipients or not _once(f"declined:{match_id}"):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _render_mail(
            template="matching/email/coordinator_declined",
            context={"match": match, "admin_url": request_admin_url(request=match.request)},
        )
    deliver(EmailMessage(subject, body, to=[], bcc=recipients))
    return True


def match_ics(*, match: Match) -> str:
    """An iCalendar file for the volunteer's calendar."""
    from icalendar import Calendar, Event

    request = match.request
    office = request.office
    calendar = Calendar()
    calendar.add("prodid", "-//Mitläufer//Begleitung//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"match-{match.pk}@mitlaeufer")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", match.starts_at)
    event.add("dtend", match.ends_at)
    with translation.override(match.volunteer.language):
        event.add("summary", _("Begleitung: %(office)s") % {"office": office.name})
    event.add("location", ", ".join(part for part in (office.street, f"{office.postal_code_id} {office.city}") if part))
    event.add("url", match_url(match=match))
    calendar.add_component(event)
    return calendar.to_ical().decode()
