""" "Alle anfragen": ask every planned pair, each in its own transaction, rechecked; progress in the cache.

The coordinator's page queues ``plan_ask_all`` with the pairs it showed (ids only, as
"request:volunteer,…") and a random run id, then shows the run's progress. Each pair
goes through ``match_ask`` (which rechecks the request and the volunteer's time), after
this module has rechecked the weekly cap and earlier declines under a lock on the
volunteer row. What could not be asked is reported with the reason.
"""

import datetime
import logging
import re

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.matches.services import MatchError, match_ask
from matching.models import ACTIVE_MATCH_STATUSES, AccompanimentRequest, Match, MatchStatus
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)

PAIRS_RE = re.compile(r"^\d{1,12}:\d{1,12}(,\d{1,12}:\d{1,12})*$")
PROGRESS_SECONDS = 24 * 3600


def pairs_parse(text: str) -> list[tuple[int, int]]:
    """ "12:34,13:35" → [(12, 34), (13, 35)]; ValueError on anything else."""
    if not isinstance(text, str) or not PAIRS_RE.match(text):
        raise ValueError("malformed pairs")
    return [(int(a), int(b)) for a, b in (pair.split(":") for pair in text.split(","))]


def progress_key(run_id: str) -> str:
    return f"planning:run:{run_id}"


def progress_get(*, run_id: str) -> dict | None:
    return cache.get(progress_key(run_id))


def progress_start(*, run_id: str, total: int) -> None:
    cache.set(
        progress_key(run_id), {"total": total, "done": 0, "asked": 0, "failed": [], "finished": False}, PROGRESS_SECONDS
    )


def _ask_one(*, request_id: int, volunteer_id: int, actor) -> None:
    """Ask one pair in its own transaction; MatchError with the reason when it cannot be asked now."""
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first()
        escort_request = AccompanimentRequest.objects.filter(pk=request_id).first()
        if volunteer is None or escort_request is None:
            raise MatchError(_("Anfrage oder Person gibt es nicht mehr."))
        gave_up = (MatchStatus.DECLINED, MatchStatus.EXPIRED, MatchStatus.BACKED_OUT)
        if Match.objects.filter(request=escort_request, volunteer=volunteer, status__in=gave_up).exists():
            raise MatchError(_("Diese Person hat für diese Anfrage abgesagt."))
        since = timezone.now()
        held = Match.objects.filter(
            volunteer=volunteer,
            status__in=ACTIVE_MATCH_STATUSES,
            starts_at__gte=since,
            starts_at__lt=since + datetime.timedelta(days=settings.PLANNING_DAYS),
        ).count()
        if held >= settings.PLANNING_MAX_PER_WEEK:
            raise MatchError(_("Diese Person hat diese Woche schon genug Begleitungen."))
        match_ask(escort_request=escort_request, volunteer=volunteer, actor=actor)


def plan_ask_all(*, run_id: str, pairs: list[tuple[int, int]], actor_id: int) -> dict:
    """Ask each pair; the progress (counts, failures with request id and reason) is kept under the run id."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    progress = progress_get(run_id=run_id) or {"total": len(pairs), "done": 0, "asked": 0, "failed": []}
    for request_id, volunteer_id in pairs:
        try:
            _ask_one(request_id=request_id, volunteer_id=volunteer_id, actor=actor)
            progress["asked"] += 1
        except MatchError as error:
            progress["failed"].append({"request_id": request_id, "reason": str(error)})
        progress["done"] += 1
        cache.set(progress_key(run_id), progress, PROGRESS_SECONDS)
    progress["finished"] = True
    cache.set(progress_key(run_id), progress, PROGRESS_SECONDS)
    logger.info("plan run %s: %s asked, %s not", run_id, progress["asked"], len(progress["failed"]))
    return progress


@shared_task
def plan_ask(*, run_id: str, pairs: str, actor_id: int) -> None:
    plan_ask_all(run_id=run_id, pairs=pairs_parse(pairs), actor_id=actor_id)
