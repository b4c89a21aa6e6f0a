"""The week's plan for a region: open requests, their candidates, one conflict-free assignment.

Reads only; asking the planned volunteers is ``matching.planning.asking``. The
optimisation itself is Django-free (``problem``, ``lp``, ``solver``); this module turns
the database into a ``PlanProblem`` and the result back into rows for the admin.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.engine.index import office_index_ensure
from matching.engine.proposals import proposal_reasons
from matching.engine.search import Candidate, candidates_search_many, match_block
from matching.models import ACTIVE_MATCH_STATUSES, SEARCHABLE_STATUSES, AccompanimentRequest, Match, MatchStatus
from matching.planning.problem import PlanCandidate, PlanProblem, PlanRequest, plan_greedy, uncovered_reason
from matching.planning.solver import plan_solve
from volunteers.models import Volunteer


@dataclass
class PlannedPair:
    escort_request: AccompanimentRequest
    volunteer: Volunteer
    km: float
    reasons: list[str]
    only_with_plan: bool  # today's ranking, worked down by hand, would leave this request without anyone


@dataclass
class UncoveredRequest:
    escort_request: AccompanimentRequest
    reason: str


@dataclass
class WeekPlan:
    since: datetime.datetime
    until: datetime.datetime
    prefixes: tuple[str, ...]
    pairs: list[PlannedPair] = field(default_factory=list)
    uncovered: list[UncoveredRequest] = field(default_factory=list)
    already_asked: list[AccompanimentRequest] = field(default_factory=list)
    method: str = ""
    seconds: float = 0.0
    ranking_covered: int = 0  # the same requests, each taking the best free of today's proposals

    @property
    def gained(self) -> int:
        return sum(1 for pair in self.pairs if pair.only_with_plan)


def _reason_text(code: str) -> str:
    return {
        "none": _("Niemand in Reichweite, der zu der Zeit kann"),
        "cap": _("Alle Passenden haben diese Woche schon genug Begleitungen"),
        "busy": _("Alle Passenden sind zu der Zeit schon verplant"),
    }[code]


def open_requests(
    *,
    prefixes: tuple[str, ...],
    since: datetime.datetime,
    until: datetime.datetime,
    region_ids: list[int] | None = None,
):
    """Requests still looking for someone, with appointments in the window, in the region (office postal code).

    ``region_ids`` limits them to a regional coordinator's regions (None: no limit), on top of the prefixes.
    """
    region = Q()
    for prefix in prefixes:
        region |= Q(office__postal_code__code__startswith=prefix)
    if region_ids is not None:
        region &= Q(office__postal_code__region__in=region_ids)
    return (
        AccompanimentRequest.objects.select_related("office")
        .filter(region, status__in=SEARCHABLE_STATUSES, starts_at__gte=since, starts_at__lt=until)
        .filter(personal_data_erased_at__isnull=True)
        .exclude(matches__status=MatchStatus.ACCEPTED)
        .order_by("starts_at", "pk")
    )


def _tried_pairs(request_ids: list[int]) -> set[tuple[int, int]]:
    """Asks declined, withdrawn, expired or given back: that volunteer is not planned for that request again."""
    return set(
        Match.objects.filter(
            request_id__in=request_ids,
            status__in=(MatchStatus.DECLINED, MatchStatus.CANCELLED, MatchStatus.EXPIRED, MatchStatus.BACKED_OUT),
        ).values_list("request_id", "volunteer_id")
    )


def _existing_load(volunteer_ids: set[int], since, until) -> dict[int, int]:
    rows = (
        Match.objects.filter(
            volunteer_id__in=volunteer_ids, status__in=ACTIVE_MATCH_STATUSES, starts_at__gte=since, starts_at__lt=until
        )
        .values("volunteer_id")
        .annotate(count=Count("pk"))
    )
    return {row["volunteer_id"]: row["count"] for row in rows}


def _plan_request(escort_request, candidates: list[Candidate], since, days: int, tried) -> PlanRequest:
    block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
    return PlanRequest(
        id=escort_request.pk,
        block_start=int((block_from - since).total_seconds() // 60),
        block_end=int((block_until - since).total_seconds() // 60),
        # Sooner weighs more: days left in the window when the appointment comes.
        soon=max(0, days - (escort_request.starts_at - since).days),
        candidates=tuple(
            PlanCandidate(volunteer_id=c.volunteer_id, km=c.km)
            for c in candidates
            if (escort_request.pk, c.volunteer_id) not in tried
        ),
    )


def week_plan(
    *,
    prefixes: tuple[str, ...] = (),
    days: int | None = None,
    now: datetime.datetime | None = None,
    region_ids: list[int] | None = None,
) -> WeekPlan:
    """The proposed plan for the open requests of a region in the next ``days`` (all of Germany without prefixes)."""
    since = now or timezone.now()
    days = days or settings.PLANNING_DAYS
    until = since + datetime.timedelta(days=days)
    result = WeekPlan(since=since, until=until, prefixes=prefixes)
    requests = list(open_requests(prefixes=prefixes, since=since, until=until, region_ids=region_ids))
    asked = set(
        Match.objects.filter(request__in=requests, status=MatchStatus.ASKED).values_list("request_id", flat=True)
    )
    # Requests already asked stay as they are until a coordinator withdraws the ask.
    result.already_asked = [r for r in requests if r.pk in asked]
    requests = [r for r in requests if r.pk not in asked]
    for office in {r.office_id: r.office for r in requests}.values():
        office_index_ensure(office=office)
    candidates = candidates_search_many(escort_requests=requests, limit=settings.PLANNING_CANDIDATES, now=since)
    tried = _tried_pairs([r.pk for r in requests])
    volunteer_ids = {c.volunteer_id for found in candidates.values() for c in found}
    problem = PlanProblem(
        requests=tuple(_plan_request(r, candidates[r.pk], since, days, tried) for r in requests),
        cap=settings.PLANNING_MAX_PER_WEEK,
        existing_load=_existing_load(volunteer_ids, since, until),
    )
    plan = plan_solve(problem, budget=settings.PLANNING_SOLVER_BUDGET)
    ranking = plan_greedy(problem, limit=settings.MATCHING_PROPOSALS)
    result.method, result.seconds, result.ranking_covered = plan.method, plan.seconds, ranking.covered
    volunteers = Volunteer.objects.in_bulk(set(plan.pairs.values()))
    by_id = {r.pk: r for r in requests}
    for item in problem.requests:
        escort_request = by_id[item.id]
        volunteer_id = plan.pairs.get(item.id)
        if volunteer_id is None:
            result.uncovered.append(
                UncoveredRequest(escort_request, _reason_text(uncovered_reason(problem, plan, item)))
            )
            continue
        candidate = next(c for c in candidates[item.id] if c.volunteer_id == volunteer_id)
        volunteer = volunteers[volunteer_id]
        reasons = proposal_reasons(escort_request=escort_request, candidate=candidate)
        result.pairs.append(
            PlannedPair(escort_request, volunteer, round(candidate.km, 1), reasons, item.id not in ranking.pairs)
        )
    return result
