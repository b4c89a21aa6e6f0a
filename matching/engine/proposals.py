"""Proposals: the ranked candidates stored for a request, refreshed whenever something that matters changes."""

import datetime
import logging
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg import ClientCursor

from core.db import sql_in
from core.tasks import RETRY_TRANSIENT, queue_after_commit
from directory.choices import Language
from matching.engine.index import office_index_build
from matching.engine.search import Candidate, appointment_slot, candidates_for_request, prepared_cursor
from matching.models import (
    SEARCHABLE_STATUSES,
    AccompanimentRequest,
    OfficeDistance,
    Proposal,
    RequestStatus,
)
from volunteers.choices import DayPart, Gender, Weekday
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)


def proposals_refresh(*, request_id: int, now: datetime.datetime | None = None) -> list[Proposal]:
    """Recompute and store the ranked candidates of a request. Idempotent.

    Does nothing for a request that is gone, erased, or no longer searching.
    One transaction, locked first and searched second: of two runs at once the
    later one waits, searches afresh and writes last, so the stored proposals
    are never older than the newest search. This is the worker's hottest path
    (a run for every new request and every change near one), so it runs few
    statements and little ORM: see ``_request_locked``, ``_proposals_replace``
    and docs/architecture.md, "The task path".
    """
    with transaction.atomic():
        escort_request = _request_locked(request_id)
        if escort_request is None:
            logger.info("proposals_refresh: request id=%s not searching, skipped", request_id)
            return []
        if not escort_request.index_current:
            office_index_build(office_id=escort_request.office_id)
        candidates = candidates_for_request(escort_request, now=now, office_kind=escort_request.office_kind)
        reasons = request_reasons(escort_request)
        proposals = [
            Proposal(
                request=escort_request,
                volunteer_id=candidate.volunteer_id,
                rank=rank,
                distance_km=round(candidate.km, 1),
                recent_matches=candidate.recent_matches,
                last_match_at=candidate.last_match_at,
                reasons=reasons(candidate),
            )
            for rank, candidate in enumerate(candidates, start=1)
        ]
        _proposals_replace(escort_request=escort_request, proposals=proposals)
    logger.info("proposals_refresh: request id=%s, %s candidates", request_id, len(proposals))
    return proposals


# The searching request with what the search and the reasons read, its office's kind, and whether the office's
# distance index was built for the office's current postal code; locked (PostgreSQL) until the run commits.
# Raw SQL on purpose: the same read through the ORM (select_related, only, an Exists annotation,
# select_for_update) took 4.5 ms per run to compile and load against 1.2 ms for this text (measured at 1M).
_REQUEST_LOCKED_FIELDS = (
    "id",
    "status",
    "starts_at",
    "duration_minutes",
    "languages",
    "needs_language",
    "preferred_gender",
    "office_id",
)
_REQUEST_LOCKED_SQL = f"""
SELECT {", ".join(f"r.{field}" for field in _REQUEST_LOCKED_FIELDS)},
  o.kind AS office_kind, s.office_id IS NOT NULL AS index_current
FROM matching_accompanimentrequest r
JOIN directory_office o ON o.id = r.office_id
LEFT JOIN matching_officeindexstate s ON s.office_id = o.id AND s.postal_code = o.postal_code
WHERE r.id = %s AND r.status IN {sql_in(SEARCHABLE_STATUSES)} AND r.personal_data_erased_at IS NULL
"""  # noqa: S608  (our own constants; the id is a parameter)


def _request_locked(request_id: int) -> AccompanimentRequest | None:
    if connection.vendor != "postgresql":
        # SQLite has no row locks (a writer locks the database); RawQuerySet converts its text dates.
        found = list(AccompanimentRequest.objects.raw(_REQUEST_LOCKED_SQL, [request_id]))
        return found[0] if found else None
    # Prepared like the search (planned once per connection) and loaded without RawQuerySet's machinery:
    # 0.4–0.45 ms against 0.9–1.1 ms per run (measured at 1M). PostgreSQL returns aware datetimes, nothing to convert.
    with prepared_cursor(connection) as cursor:
        cursor.execute(_REQUEST_LOCKED_SQL + "FOR UPDATE OF r", [request_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_REQUEST_LOCKED_FIELDS, row, strict=False))
    # from_db takes the values in the model's field order.
    names = [field.attname for field in AccompanimentRequest._meta.concrete_fields if field.attname in values]
    escort_request = AccompanimentRequest.from_db(connection.alias, names, [values[name] for name in names])
    escort_request.office_kind, escort_request.index_current = row[-2], row[-1]
    return escort_request


def _proposals_replace(*, escort_request: AccompanimentRequest, proposals: list[Proposal]) -> None:
    """Replace the request's proposals and stamp the run: three plain statements in the caller's transaction.

    Written out on purpose: through the ORM (a queryset delete, ``bulk_create``, a queryset update) this part
    spent about 2.5 ms per run in Python compiling the statements, more than the database spent running them
    (measured at 1M). On PostgreSQL the three go in one round trip (see ``_execute_together``). The rows are
    what ``bulk_create`` would write; the proposals get their ids back.
    """
    ops, now = connection.ops, timezone.now()
    status = RequestStatus.SEARCHING if escort_request.status == RequestStatus.RECEIVED else escort_request.status
    statements = [
        ("DELETE FROM matching_proposal WHERE request_id = %s", [escort_request.pk]),
        (
            "UPDATE matching_accompanimentrequest SET proposals_run_at = %s, status = %s WHERE id = %s",
            [ops.adapt_datetimefield_value(now), str(status), escort_request.pk],
        ),
    ]
    if proposals:
        statements.append(_proposals_insert(escort_request=escort_request, proposals=proposals, now=now))
    with connection.cursor() as cursor:
        _execute_together(cursor, statements)
        if proposals:
            for proposal, (pk,) in zip(proposals, cursor.fetchall(), strict=True):
                proposal.pk, proposal.created_at = pk, now


def _proposals_insert(*, escort_request, proposals: list[Proposal], now: datetime.datetime) -> tuple[str, list]:
    ops = connection.ops
    reasons_field = Proposal._meta.get_field("reasons")
    params = []
    for proposal in proposals:
        params += [
            escort_request.pk,
            proposal.volunteer_id,
            proposal.rank,
            proposal.distance_km,
            proposal.recent_matches,
            ops.adapt_datetimefield_value(proposal.last_match_at),
            reasons_field.get_db_prep_save(proposal.reasons, connection),
            ops.adapt_datetimefield_value(now),
        ]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(proposals))
    sql = (
        "INSERT INTO matching_proposal (request_id, volunteer_id, rank, distance_km, recent_matches, "  # noqa: S608
        f"last_match_at, reasons, created_at) VALUES {values} RETURNING id"
    )
    return sql, params


def _execute_together(cursor, statements: list[tuple[str, list]]) -> None:
    """Run the statements in order, leaving the cursor on the last one's result.

    PostgreSQL with Django's client-side binding (psycopg's ``ClientCursor``, the default) takes several
    statements in one ``execute``: one round trip instead of three, which on a worker woken for each task
    was a millisecond of its ~10. Elsewhere (SQLite, or ``server_side_binding``) one at a time.
    """
    if connection.vendor == "postgresql" and isinstance(cursor.cursor, ClientCursor):
        params = [value for _sql, values in statements for value in values]
        cursor.execute("; ".join(sql for sql, _values in statements), params)
        while cursor.nextset():
            pass
        return
    for sql, params in statements:
        cursor.execute(sql, params)


def proposal_reasons(*, escort_request: AccompanimentRequest, candidate: Candidate) -> list[str]:
    """Why this volunteer qualifies, in the coordinators' language (the site default)."""
    return request_reasons(escort_request)(candidate)


def request_reasons(escort_request: AccompanimentRequest) -> Callable[[Candidate], list[str]]:
    """``proposal_reasons`` for every candidate of one request: the texts are translated once, not per candidate.

    The worker words five candidates per run; translating each of their texts anew cost about 1 ms of ~10.
    """
    slot = appointment_slot(escort_request.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        distance = _("%(km)s km entfernt, fährt bis %(radius)s km")
        free = (
            _("hat meistens %(day)s %(part)s Zeit") % {"day": Weekday(slot[0]).label, "part": DayPart(slot[1]).label}
            if slot
            else None
        )
        speaks, wish = _("spricht %(languages)s"), _("passt zum Wunsch: %(gender)s")
        load = _("%(count)s Begleitungen in den letzten 30 Tagen")
        language_names = [(1 << language, str(language.label)) for language in Language]
        gender_names = {value: str(label) for value, label in Gender.choices}

    def reasons(candidate: Candidate) -> list[str]:
        texts = [distance % {"km": f"{candidate.km:.1f}".replace(".", ","), "radius": candidate.radius_km}]
        if free:
            texts.append(free)
        if escort_request.needs_language:
            shared = escort_request.languages & candidate.languages
            texts.append(speaks % {"languages": ", ".join(name for bit, name in language_names if shared & bit)})
        if escort_request.preferred_gender:
            texts.append(wish % {"gender": gender_names.get(candidate.gender, "")})
        texts.append(load % {"count": candidate.recent_matches})
        return texts

    return reasons


def requests_without_proposal_run(*, now: datetime.datetime | None = None) -> list[int]:
    """Searching requests whose proposal run never happened, older than the sweep grace period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.MATCHING_SWEEP_AFTER_SECONDS)
    return list(
        AccompanimentRequest.objects.filter(
            proposals_run_at__isnull=True,
            status__in=SEARCHABLE_STATUSES,
            created_at__lte=cutoff,
            starts_at__gt=now,
            personal_data_erased_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def proposals_refresh_near_volunteer(*, volunteer_id: int) -> int:
    """A volunteer joined or changed: look again at open requests whose office is within their reach."""
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None:
        return 0
    offices_in_reach = OfficeDistance.objects.filter(
        postal_code_id=volunteer.postal_code_id, km_ceil__lte=volunteer.radius_km
    ).values("office_id")
    request_ids = list(
        AccompanimentRequest.objects.filter(
            status__in=SEARCHABLE_STATUSES, starts_at__gt=timezone.now(), office_id__in=offices_in_reach
        ).values_list("pk", flat=True)
    )
    for request_id in request_ids:
        proposals_refresh(request_id=request_id)
    logger.info("volunteer id=%s changed: %s open requests looked at again", volunteer_id, len(request_ids))
    return len(request_ids)


@shared_task(**RETRY_TRANSIENT)
def propose(*, request_id: int) -> None:

    proposals_refresh(request_id=request_id)


def _debounce_key(volunteer_id: int) -> str:
    return f"matching:volunteer-debounce:{volunteer_id}"


def volunteer_refresh_debounced(*, volunteer_id: int) -> bool:
    """Look at open requests near a changed volunteer once per debounce window; never drop a change.

    The first change queues a run at the end of the window and marks it pending;
    later changes in the window see the mark and rely on that run, which reads
    the volunteer's state only after clearing the mark. A change after that
    point queues a run of its own. With tasks running in-process (no broker) the
    run happens at once and clears the mark, so the next change runs again.
    Called after commit (``volunteer_changed`` is sent on commit). True if a run was queued.
    """
    window = settings.MATCHING_VOLUNTEER_DEBOUNCE_SECONDS
    # Below the broker's visibility timeout, so Redis never re-delivers a waiting task.
    countdown = min(window, settings.CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS // 2)
    # The mark outlives the countdown, so a run that waits in a busy queue still absorbs the changes;
    # if the run were lost, the mark expires and the next change queues one again.
    if not cache.add(_debounce_key(volunteer_id), 1, timeout=countdown + window + 60):
        return False
    queue_after_commit(requests_near_volunteer_refresh, countdown=countdown, volunteer_id=volunteer_id)
    return True


@shared_task(**RETRY_TRANSIENT)
def requests_near_volunteer_refresh(*, volunteer_id: int) -> None:
    # Clear the mark before reading: a change committed from here on queues its own run.
    cache.delete(_debounce_key(volunteer_id))

    proposals_refresh_near_volunteer(volunteer_id=volunteer_id)


@shared_task
def sweep_unproposed_requests() -> int:
    """Celery beat: queue a proposal run for every open request whose run never happened (e.g. broker outage)."""

    ids = requests_without_proposal_run()
    for request_id in ids:
        propose.delay(request_id=request_id)
    if ids:
        logger.info("sweeper queued %s proposal runs", len(ids))
    return len(ids)
