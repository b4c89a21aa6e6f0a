"""Asks that cannot get stuck, and "Wer kann?".

An unanswered ask gets one reminder and then expires: the match becomes
"expired", the request searches again, and the coordinators' queue shows it.
Both moments are computed from the time of asking and the appointment
(``ask_deadlines``); a beat task (``asks_sweep``) acts on them.

"Wer kann?" asks the top K candidates at once. The first to accept gets the
escort: ``match_accept`` locks the request, and the partial unique index
``match_one_accepted_per_request`` refuses a second accepted match even if a
code path forgot the lock. The others' asks are withdrawn in the same
transaction and they get a short "schon gefunden, danke" mail.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import RETRY_TRANSIENT, queue_after_commit
from matching.engine.proposals import propose
from matching.matches.mails import match_mail_ask_reminder
from matching.matches.services import MatchError, Role, match_ask
from matching.models import SEARCHABLE_STATUSES, AccompanimentRequest, Match, MatchEvent, MatchStatus, Proposal
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)

WHO_CAN_MIN = 2
WHO_CAN_MAX = 5


def ask_deadlines(*, asked_at: datetime.datetime, starts_at: datetime.datetime) -> tuple[datetime.datetime, ...]:
    """(remind at, expire at) of an ask made at ``asked_at`` for an appointment at ``starts_at``.

    Normally after MATCH_ASK_REMIND_HOURS and MATCH_ASK_EXPIRE_HOURS; when the
    appointment is close, the ask gets half of the time that is left, so the
    next person can still be asked, and the reminder comes halfway through that.
    """
    window = min(datetime.timedelta(hours=settings.MATCH_ASK_EXPIRE_HOURS), (starts_at - asked_at) / 2)
    window = max(window, datetime.timedelta(0))
    remind_after = min(datetime.timedelta(hours=settings.MATCH_ASK_REMIND_HOURS), window / 2)
    return asked_at + remind_after, asked_at + window


def asks_due(*, now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """(ids to remind, ids to expire) among the unanswered asks."""
    now = now or timezone.now()
    remind, expire = [], []
    # Unanswered asks are few at any time (each blocks a volunteer), so the deadlines are computed here.
    for pk, created_at, starts_at, reminded in Match.objects.filter(status=MatchStatus.ASKED).values_list(
        "pk", "created_at", "starts_at", "ask_reminder_sent_at"
    ):
        remind_at, expire_at = ask_deadlines(asked_at=created_at, starts_at=starts_at)
        if now >= expire_at:
            expire.append(pk)
        elif now >= remind_at and reminded is None:
            remind.append(pk)
    return remind, expire


def match_expire(*, match_id: int, now: datetime.datetime | None = None) -> bool:
    """An ask nobody answered in time: the match expires and the request searches again. True if it did."""
    now = now or timezone.now()
    with transaction.atomic():
        match = Match.objects.filter(pk=match_id).first()
        if match is None:
            return False
        AccompanimentRequest.objects.select_for_update().get(pk=match.request_id)
        match = Match.objects.select_for_update().get(pk=match_id)
        _remind_at, expire_at = ask_deadlines(asked_at=match.created_at, starts_at=match.starts_at)
        if match.status != MatchStatus.ASKED or now < expire_at:
            return False  # answered meanwhile, or a clock skew between beat and worker
        match.status = MatchStatus.EXPIRED
        match.decided_at = now
        match.save(update_fields=["status", "decided_at"])
        MatchEvent.objects.create(match=match, kind=MatchEvent.Kind.EXPIRED, actor_role=Role.SYSTEM)
    logger.info("match ask expired id=%s request=%s", match.pk, match.request_id)
    queue_after_commit(propose, request_id=match.request_id)
    return True


def match_send_ask_reminder(*, match_id: int) -> bool:
    """The one reminder to a volunteer who has not answered an ask (into the outbox, once)."""
    return bool(match_mail_ask_reminder(match_id=match_id))


def match_ask_top(*, escort_request: AccompanimentRequest, count: int, actor) -> tuple[list[Match], list[str]]:
    """ "Wer kann?": ask the best ``count`` (2 to 5) proposed volunteers at once.

    Goes down the ranked proposals; a volunteer who cannot be asked any more
    (paused meanwhile, booked elsewhere) is skipped with the reason, and the
    next one is asked instead. Returns the asked matches and the reasons.
    """
    if not WHO_CAN_MIN <= count <= WHO_CAN_MAX:
        raise MatchError(
            _("Bitte zwischen %(min)s und %(max)s Personen wählen.") % {"min": WHO_CAN_MIN, "max": WHO_CAN_MAX}
        )
    asked: list[Match] = []
    skipped: list[str] = []
    volunteer_ids = list(
        Proposal.objects.filter(request=escort_request).order_by("rank").values_list("volunteer_id", flat=True)
    )
    if not volunteer_ids:
        raise MatchError(_("Für diese Anfrage gibt es keine Vorschläge."))
    volunteers = Volunteer.objects.in_bulk(volunteer_ids)
    for volunteer_id in volunteer_ids:
        if len(asked) == count:
            break
        try:
            asked.append(match_ask(escort_request=escort_request, volunteer=volunteers[volunteer_id], actor=actor))
        except MatchError as error:
            skipped.append(str(error))
            if not AccompanimentRequest.objects.filter(pk=escort_request.pk, status__in=SEARCHABLE_STATUSES).exists():
                raise
    return asked, skipped


@shared_task(**RETRY_TRANSIENT)
def match_ask_reminder(*, match_id: int) -> None:
    match_send_ask_reminder(match_id=match_id)


@shared_task(**RETRY_TRANSIENT)
def match_ask_expire(*, match_id: int) -> None:
    match_expire(match_id=match_id)


@shared_task
def asks_sweep() -> int:
    """Celery beat: remind and expire unanswered asks; returns how many tasks it queued."""
    remind, expire = asks_due()
    for match_id in remind:
        match_ask_reminder.delay(match_id=match_id)
    for match_id in expire:
        match_ask_expire.delay(match_id=match_id)
    return len(remind) + len(expire)
