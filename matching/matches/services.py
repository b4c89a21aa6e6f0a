"""Writes of matches: a coordinator asks a volunteer, the volunteer accepts or declines.

The rules that must hold even under races live in the database: a volunteer
never holds two overlapping active matches (exclusion constraint / trigger),
and a request has at most one accepted match (partial unique index). These
functions lock the request row so that the common races fail politely before
the database has to refuse them.
"""

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors

from core.tasks import queue_after_commit
from matching.engine.proposals import propose
from matching.engine.search import match_block
from matching.matches.availability import BUSY, volunteer_unmatchable_reason
from matching.matches.calls import CallReason, call_needed_mark
from matching.matches.mails import (
    match_mail_backed_out_notice,
    match_mail_cancelled_notice,
    match_mail_confirmation,
    match_mail_declined_notice,
    match_mail_found_elsewhere,
    match_mail_invitation,
    match_mail_withdrawn_notice,
)
from matching.models import (
    ACTIVE_MATCH_STATUSES,
    SEARCHABLE_STATUSES,
    AccompanimentRequest,
    Match,
    MatchEvent,
    MatchStatus,
    Outcome,
    Proposal,
    RequestStatus,
)
from volunteers.models import Volunteer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

# What PostgreSQL raises when it breaks a lock cycle or a lock wait runs out.
LOCK_ERRORS = (pg_errors.DeadlockDetected, pg_errors.LockNotAvailable, pg_errors.QueryCanceled)


class MatchError(Exception):
    """A match change that cannot happen; the message is for people (translated)."""


class Role:
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    SYSTEM = "system"


def _record(*, match: Match, kind: str, actor: "AbstractBaseUser | None" = None, role: str, note: str = "") -> None:
    MatchEvent.objects.create(match=match, kind=kind, actor=actor, actor_role=role, note=note[:300])


# --- Coordinator side -------------------------------------------------------------------------------------


def match_ask(*, escort_request: AccompanimentRequest, volunteer: Volunteer, actor: "AbstractBaseUser | None") -> Match:
    """Ask a volunteer to accompany a request; their invitation goes into the outbox with the match.

    Two coordinators asking one volunteer for overlapping requests at once used to
    deadlock inside PostgreSQL's exclusion check (each insert waiting for the
    other's). The volunteer row is locked first, so such asks run one after the
    other and the second gets a clear "already asked"; should the database still
    give up on a lock, the coordinator gets a message too, never an error page.
    """
    try:
        return _match_ask(escort_request=escort_request, volunteer=volunteer, actor=actor)
    except OperationalError as error:
        if not isinstance(error.__cause__, LOCK_ERRORS):
            raise
        logger.warning("match ask gave up on a lock (%s)", type(error.__cause__).__name__)
        raise MatchError(_("Gerade wird dieselbe Person anders angefragt. Bitte versuchen Sie es gleich noch einmal."))


def _match_ask(
    *, escort_request: AccompanimentRequest, volunteer: Volunteer, actor: "AbstractBaseUser | None"
) -> Match:
    with transaction.atomic():
        escort_request = AccompanimentRequest.objects.select_for_update().get(pk=escort_request.pk)
        if escort_request.status not in SEARCHABLE_STATUSES:
            raise MatchError(_("Für diese Anfrage wird keine Begleitung mehr gesucht."))
        volunteer = (
            Volunteer.objects.select_for_update(of=("self",), no_key=True)
            .select_related("user")
            .filter(pk=volunteer.pk)
            .first()
        )
        if volunteer is None:
            raise MatchError(_("Diese Person ist nicht mehr auf der Mitläuferliste."))
        reason = volunteer_unmatchable_reason(volunteer=volunteer, escort_request=escort_request)
        if reason:
            raise MatchError(reason)
        block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
        try:
            # A savepoint, so a refusal by the database leaves the outer transaction usable.
            with transaction.atomic():
                match = Match.objects.create(
                    request=escort_request,
                    volunteer=volunteer,
                    starts_at=escort_request.starts_at,
                    ends_at=escort_request.ends_at,
                    blocked_from=block_from,
                    blocked_until=block_until,
                )
        except IntegrityError:
            raise MatchError(BUSY)
        _record(match=match, kind=MatchEvent.Kind.ASKED, actor=actor, role=Role.COORDINATOR)
        # Asked volunteers are not proposed again; the list is recomputed without them.
        escort_request.proposals.filter(volunteer=volunteer).delete()
        match_mail_invitation(match_id=match.pk)
    logger.info("match asked id=%s request=%s", match.pk, escort_request.pk)
    return match


def match_cancel(*, match: Match, actor: "AbstractBaseUser | None", note: str = "") -> Match:
    """A coordinator withdraws a match (asked or accepted); the request looks for someone again."""
    with transaction.atomic():
        escort_request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status not in ACTIVE_MATCH_STATUSES:
            raise MatchError(_("Diese Begleitung ist schon beendet."))
        was_accepted = match.status == MatchStatus.ACCEPTED
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.calendar_sequence += 1  # the volunteer's calendar gets a cancellation
        match.save(update_fields=["status", "decided_at", "calendar_sequence"])
        _record(match=match, kind=MatchEvent.Kind.CANCELLED, actor=actor, role=Role.COORDINATOR, note=note)
        if was_accepted and escort_request.status == RequestStatus.CONFIRMED:
            escort_request.status = RequestStatus.SEARCHING
            escort_request.save(update_fields=["status", "updated_at"])
            call_needed_mark(request_id=escort_request.pk, reason=CallReason.text("lost"))
        match_mail_cancelled_notice(match_id=match.pk)
    logger.info("match cancelled id=%s by coordinator", match.pk)
    queue_after_commit(propose, request_id=escort_request.pk)
    return match


def match_reassign(*, match: Match, volunteer: Volunteer, actor: "AbstractBaseUser | None") -> Match:
    """Withdraw a match and ask someone else, recorded as one reassignment."""
    with transaction.atomic():
        match_cancel(match=match, actor=actor, note=_("neu vergeben"))
        escort_request = AccompanimentRequest.objects.get(pk=match.request_id)
        new = match_ask(escort_request=escort_request, volunteer=volunteer, actor=actor)
        _record(match=new, kind=MatchEvent.Kind.REASSIGNED, actor=actor, role=Role.COORDINATOR, note=f"#{match.pk}")
    return new


def matches_release_for_request(*, escort_request: AccompanimentRequest) -> int:
    """The person cancelled or moved the appointment: withdraw every active match of the request."""
    released = 0
    for match in Match.objects.select_for_update().filter(request=escort_request, status__in=ACTIVE_MATCH_STATUSES):
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.calendar_sequence += 1
        match.save(update_fields=["status", "decided_at", "calendar_sequence"])
        _record(match=match, kind=MatchEvent.Kind.CANCELLED, role=Role.SYSTEM, note=_("Termin abgesagt oder verlegt"))
        match_mail_cancelled_notice(match_id=match.pk)
        released += 1
    return released


def matches_release_for_volunteer(*, volunteer_id: int, note: str | None = None) -> int:
    """A volunteer erases their account: withdraw their active matches and forget their words.

    Runs inside the erase transaction (``volunteers.signals.volunteer_erasing``),
    before the volunteer row goes; finished matches then keep only a NULL volunteer.
    Requests that had them as companion look for someone else, and coordinators
    and the person are told.
    """
    released = 0
    for match in Match.objects.select_for_update().filter(volunteer_id=volunteer_id, status__in=ACTIVE_MATCH_STATUSES):
        escort_request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        was_accepted = match.status == MatchStatus.ACCEPTED
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_at"])
        reason = note or _("Konto der Begleitung gelöscht")
        _record(match=match, kind=MatchEvent.Kind.CANCELLED, role=Role.SYSTEM, note=reason)
        if was_accepted and escort_request.status == RequestStatus.CONFIRMED:
            escort_request.status = RequestStatus.SEARCHING
            escort_request.save(update_fields=["status", "updated_at"])
            call_needed_mark(request_id=escort_request.pk, reason=CallReason.text("lost"))
        match_mail_withdrawn_notice(match_id=match.pk, was_accepted=was_accepted)
        queue_after_commit(propose, request_id=escort_request.pk)
        released += 1
    Match.objects.filter(volunteer_id=volunteer_id).exclude(decline_reason="").update(decline_reason="")
    Proposal.objects.filter(volunteer_id=volunteer_id).delete()
    return released


def match_accepted_for_request(*, escort_request: AccompanimentRequest) -> Match | None:
    return (
        Match.objects.select_related("volunteer")
        .filter(request=escort_request, status__in=(MatchStatus.ACCEPTED, MatchStatus.DONE))
        .first()
    )


# --- Volunteer side ----------------------------------------------------------------------------------------


def match_is_expired(*, match: Match, now: datetime.datetime | None = None) -> bool:
    """The volunteer's link stops working once the appointment is over."""
    return (now or timezone.now()) >= match.ends_at


def match_accept(*, match: Match) -> Match:
    """The volunteer says yes: the request is confirmed and both sides get each other's details."""
    with transaction.atomic():
        escort_request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status == MatchStatus.ACCEPTED:
            return match  # a double click
        if match.status == MatchStatus.CANCELLED and escort_request.status == RequestStatus.CONFIRMED:
            raise MatchError(_("Schon gefunden: Jemand anderes hat schon zugesagt. Danke, dass Sie bereit waren!"))
        if match.status != MatchStatus.ASKED or match_is_expired(match=match):
            raise MatchError(_("Diese Anfrage ist nicht mehr offen."))
        if escort_request.status not in SEARCHABLE_STATUSES:
            raise MatchError(_("Für diese Anfrage wird keine Begleitung mehr gesucht. Danke trotzdem!"))
        match.status = MatchStatus.ACCEPTED
        match.decided_at = timezone.now()
        try:
            with transaction.atomic():
                match.save(update_fields=["status", "decided_at"])
        except IntegrityError as error:
            if "match_one_accepted_per_request" in str(error):
                raise MatchError(_("Schon gefunden: Jemand anderes hat schon zugesagt. Danke, dass Sie bereit waren!"))
            raise MatchError(_("Sie haben zu dieser Zeit schon eine andere Begleitung."))
        _record(match=match, kind=MatchEvent.Kind.ACCEPTED, actor=match.volunteer.user, role=Role.VOLUNTEER)
        escort_request.status = RequestStatus.CONFIRMED
        escort_request.save(update_fields=["status", "updated_at"])
        # Others asked for the same request are no longer needed.
        for other in Match.objects.filter(request=escort_request, status=MatchStatus.ASKED).exclude(pk=match.pk):
            other.status = MatchStatus.CANCELLED
            other.decided_at = timezone.now()
            other.save(update_fields=["status", "decided_at"])
            _record(
                match=other, kind=MatchEvent.Kind.CANCELLED, role=Role.SYSTEM, note=_("jemand anderes hat zugesagt")
            )
            match_mail_found_elsewhere(match_id=other.pk)
        escort_request.proposals.all().delete()
        call_needed_mark(request_id=escort_request.pk, reason=CallReason.text("found"))
        match_mail_confirmation(match_id=match.pk)
    logger.info("match accepted id=%s request=%s", match.pk, escort_request.pk)
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
        match_mail_declined_notice(match_id=match.pk)
    logger.info("match declined id=%s request=%s", match.pk, match.request_id)
    queue_after_commit(propose, request_id=match.request_id)
    return match


def match_must_call(*, match: Match, now: datetime.datetime | None = None) -> bool:
    """Too close to the appointment to cancel online: the volunteer calls the coordinators instead."""
    return match.starts_at - (now or timezone.now()) < datetime.timedelta(hours=settings.MATCH_CANCEL_CALL_HOURS)


def match_back_out(*, match: Match, reason: str, now: datetime.datetime | None = None) -> Match:
    """The volunteer gives back an accepted escort, with a short reason.

    The person is told kindly, the coordinators are told, and the request searches
    again at once. Within ``MATCH_CANCEL_CALL_HOURS`` of the appointment a search is
    unlikely to find someone in time, so the volunteer must call the coordinators instead.
    """
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise MatchError(_("Bitte schreiben Sie kurz, warum Sie absagen."))
    now = now or timezone.now()
    with transaction.atomic():
        escort_request = AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status == MatchStatus.BACKED_OUT:
            return match  # a double click
        if match.status != MatchStatus.ACCEPTED or match.starts_at <= now:
            raise MatchError(_("Diese Begleitung können Sie nicht mehr absagen."))
        if match_must_call(match=match, now=now):
            raise MatchError(
                _("Der Termin ist bald. Bitte rufen Sie die Koordination an: %(phone)s")
                % {"phone": settings.COORDINATOR_PHONE}
            )
        match.status = MatchStatus.BACKED_OUT
        match.decided_at = now
        match.decline_reason = reason
        match.calendar_sequence += 1
        match.save(update_fields=["status", "decided_at", "decline_reason", "calendar_sequence"])
        # The reason stays on the match (erased with it); the event only records that it happened.
        _record(match=match, kind=MatchEvent.Kind.BACKED_OUT, actor=match.volunteer.user, role=Role.VOLUNTEER)
        if escort_request.status == RequestStatus.CONFIRMED:
            escort_request.status = RequestStatus.SEARCHING
            escort_request.save(update_fields=["status", "updated_at"])
            call_needed_mark(request_id=escort_request.pk, reason=CallReason.text("lost"))
        match_mail_backed_out_notice(match_id=match.pk)
    logger.info("match backed out id=%s request=%s", match.pk, escort_request.pk)
    queue_after_commit(propose, request_id=escort_request.pk)
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
        if outcome == Outcome.NOT_ADMITTED:
            # The request's office, for the refusals per office; the debrief asks what was said.
            match.refused_by_office_id = match.request.office_id
        match.save(update_fields=["status", "outcome", "refused_by_office"])
        _record(
            match=match, kind=MatchEvent.Kind.OUTCOME, actor=match.volunteer.user, role=Role.VOLUNTEER, note=outcome
        )
        took_place = outcome == Outcome.TOOK_PLACE
        AccompanimentRequest.objects.filter(pk=match.request_id, status=RequestStatus.CONFIRMED).update(
            status=RequestStatus.DONE if took_place else RequestStatus.CANCELLED,
            updated_at=timezone.now(),
        )
    return match


def match_record_refusal(*, match: Match, said: str) -> Match:
    """The "nicht zugelassen" debrief: what the office said, in the volunteer's words (for the follow-up)."""
    if match.outcome != Outcome.NOT_ADMITTED:
        raise MatchError(_("Zu dieser Begleitung können wir keine Rückmeldung speichern."))
    said = said.strip()[:1000]
    if not said:
        raise MatchError(_("Bitte schreiben Sie kurz, was gesagt wurde."))
    Match.objects.filter(pk=match.pk).update(refusal_said=said)
    match.refusal_said = said
    return match


def match_refusal_followed_up(*, match: Match, actor) -> Match:
    """A coordinator took the refusal up (with the office, the person): it leaves the queue."""
    if match.outcome != Outcome.NOT_ADMITTED:
        raise MatchError(_("Hier gab es keine Abweisung."))
    match.refusal_followed_up_at = timezone.now()
    match.save(update_fields=["refusal_followed_up_at"])
    _record(match=match, kind=MatchEvent.Kind.OUTCOME, actor=actor, role=Role.COORDINATOR, note=_("nachbereitet"))
    return match


# --- Mails (called by tasks; each claims its timestamp so it goes out once) ----------------------------------
