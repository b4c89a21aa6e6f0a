"""The coordinators' work queues ("Heute zu tun"): which requests need a coordinator now.

Each queue is a filter on requests, so the dashboard counts it with one query
and the request list shows it as a bookmarkable filter (``?warteschlange=<key>``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import (
    ACTIVE_MATCH_STATUSES,
    SEARCHABLE_STATUSES,
    AccompanimentRequest,
    Match,
    MatchStatus,
    Outcome,
    Proposal,
)

SOON_HOURS = 48


def _match(**filters) -> Exists:
    return Exists(Match.objects.filter(request=OuterRef("pk"), **filters))


def _searching(now: datetime.datetime) -> Q:
    return Q(status__in=SEARCHABLE_STATUSES, starts_at__gt=now, personal_data_erased_at__isnull=True)


def _new(now):
    return _searching(now) & ~_match() & Exists(Proposal.objects.filter(request=OuterRef("pk")))


def _no_candidate(now):
    return (
        _searching(now)
        & Q(proposals_run_at__isnull=False)
        & ~Exists(Proposal.objects.filter(request=OuterRef("pk")))
        & ~_match(status__in=(*ACTIVE_MATCH_STATUSES, MatchStatus.DECLINED, MatchStatus.EXPIRED))
    )


def _unanswered(now):
    since = now - datetime.timedelta(hours=settings.MATCH_ASK_REMIND_HOURS)
    return _searching(now) & _match(status=MatchStatus.ASKED, created_at__lt=since)


def _expired(now):
    return _searching(now) & _match(status=MatchStatus.EXPIRED) & ~_match(status__in=ACTIVE_MATCH_STATUSES)


def _all_declined(now):
    return (
        _searching(now)
        & _match(status=MatchStatus.DECLINED)
        & ~_match(status__in=ACTIVE_MATCH_STATUSES)
        & ~Exists(Proposal.objects.filter(request=OuterRef("pk")))
    )


def _soon_unconfirmed(now):
    return _searching(now) & Q(starts_at__lte=now + datetime.timedelta(hours=SOON_HOURS))


def _to_call(now):
    return Q(call_needed_since__isnull=False, personal_data_erased_at__isnull=True)


def _not_admitted(now):
    return _match(outcome=Outcome.NOT_ADMITTED, refusal_followed_up_at__isnull=True)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    help: str
    condition: Callable[[datetime.datetime], Q]
    urgent: bool = False

    def apply(self, queryset: QuerySet, *, now: datetime.datetime | None = None) -> QuerySet:
        return queryset.filter(self.condition(now or timezone.now()))


QUEUES = (
    Queue(
        "bald",
        _("Termin in 48 Stunden, niemand bestätigt"),
        _("Jetzt selbst anrufen oder „Wer kann?“ senden."),
        _soon_unconfirmed,
        urgent=True,
    ),
    Queue(
        "anrufen", _("Anrufen"), _("Nur telefonisch erreichbar, und etwas hat sich geändert."), _to_call, urgent=True
    ),
    Queue("neu", _("Neu, noch niemand angefragt"), _("Vorschläge liegen bereit."), _new),
    Queue(
        "unbeantwortet",
        _("Anfrage unbeantwortet"),
        _("Eine angefragte Person hat sich seit der Erinnerungsfrist nicht gemeldet."),
        _unanswered,
    ),
    Queue("abgelaufen", _("Niemand hat geantwortet"), _("Anfrage abgelaufen; neu anfragen."), _expired),
    Queue("alle_abgesagt", _("Alle haben abgesagt"), _("Alle Vorgeschlagenen haben abgesagt."), _all_declined),
    Queue(
        "ohne_kandidaten",
        _("Niemand in der Nähe"),
        _("Keine passenden Mitläufer*innen; Initiativen fragen oder selbst suchen."),
        _no_candidate,
    ),
    Queue(
        "nicht_zugelassen",
        _("Nicht zugelassen: nachfassen"),
        _("Das Amt hat die Begleitung abgewiesen."),
        _not_admitted,
    ),
)
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int


def queue_counts(
    *, now: datetime.datetime | None = None, requests: QuerySet[AccompanimentRequest] | None = None
) -> list[QueueCount]:
    """Every queue with its count: one query per queue, however many requests there are.

    ``requests``: the ones to count (a regional coordinator's); all when None.
    """
    now = now or timezone.now()
    requests = AccompanimentRequest.objects.all() if requests is None else requests
    return [QueueCount(queue=queue, count=queue.apply(requests, now=now).count()) for queue in QUEUES]
