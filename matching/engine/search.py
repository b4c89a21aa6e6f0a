"""The matching engine: the distance index and the one-query candidate search.

Volunteers give a postal code, not an address, so all distance work is bounded
by Germany's ~8,200 postal-code centroids however many volunteers there are:

1. ``office_index_build`` stores, per office, the exact (geodesic) distance to
   every postal code within the largest travel radius (``OfficeDistance``).
2. ``candidates_search`` is then one SQL query: walk the office's distance rows
   in km order, join the volunteers of each postal code whose own radius covers
   the distance, filter a confirmed briefing, availability, pauses, absences, bookings, office kind,
   language, gender and a consent not withdrawn, and stop after N. Its texts are in ``search_sql``: a
   plain join on SQLite, a ranking inside each postal code on PostgreSQL (same rows, same order); the
   covering indexes they rely on are in migrations 0002, 0008 and 0015.

Everything here takes ids and plain values so that tasks, the admin and the
benchmark can call it alike.
"""

import datetime
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.utils import timezone

from matching.engine import search_sql
from matching.models import (
    ACTIVE_MATCH_STATUSES,
    Match,
)
from volunteers.choices import DAY_PART_HOURS, DayPart, Weekday, availability_position

logger = logging.getLogger(__name__)

RECENT_DAYS = 30
# Who said no to a request, or let its ask expire, is not proposed for it again.


# --- The distance index -----------------------------------------------------------------------------------


# --- The candidate search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    km: float
    recent_matches: int
    last_match_at: datetime.datetime | None
    # What the proposal's reasons say about the volunteer, read in the same query (the covering index holds them).
    radius_km: int = 0
    languages: int = 0
    gender: str = ""


def appointment_slot(starts_at: datetime.datetime) -> tuple[int, int] | None:
    """(weekday, part of the day) of an appointment in local time, or None on a Sunday."""
    local = timezone.localtime(starts_at, ZoneInfo(settings.TIME_ZONE))
    if local.weekday() > Weekday.SATURDAY:
        return None
    # Before 8 counts as morning, after 20 as afternoon: the nearest part of the grid.
    part = DayPart.AFTERNOON
    for day_part, (_start, end) in DAY_PART_HOURS.items():
        if local.hour < end:
            part = day_part
            break
    return local.weekday(), part


def match_block(
    starts_at: datetime.datetime, ends_at: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The appointment widened by half the buffer on each side (see ``Match``)."""
    half = datetime.timedelta(minutes=settings.MATCH_BUFFER_MINUTES) / 2
    return starts_at - half, ends_at + half


# A few lines over 60: the parameters of one SQL statement are clearer in one place than split up.
def candidates_search(
    *,
    office_id: int,
    office_kind: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    languages: int = 0,
    needs_language: bool = False,
    preferred_gender: str = "",
    request_id: int | None = None,
    limit: int | None = None,
    now: datetime.datetime | None = None,
    using: str = "default",
    sql_text: str | None = None,
) -> list[Candidate]:
    """The best matchable volunteers for an appointment, in ONE query.

    Ranked by distance, then fewest accompaniments in the last 30 days, then the
    longest time since the last one (never = longest), then id for stability.
    """
    slot = appointment_slot(starts_at)
    if slot is None:
        return []
    now = now or timezone.now()
    connection = connections[using]
    ops = connection.ops
    block_from, block_until = match_block(starts_at, ends_at)
    day = timezone.localtime(starts_at, ZoneInfo(settings.TIME_ZONE)).date()
    params = {
        "office": office_id,
        "slot": 1 << availability_position(*slot),
        "kind": 1 << office_kind,
        "languages": languages,
        "needs_language": bool(needs_language and languages),
        "gender": preferred_gender,
        "day": ops.adapt_datefield_value(day),
        "block_from": ops.adapt_datetimefield_value(block_from),
        "block_until": ops.adapt_datetimefield_value(block_until),
        "request": request_id if request_id is not None else -1,
        "recent_since": ops.adapt_datetimefield_value(now - datetime.timedelta(days=RECENT_DAYS)),
        "now": ops.adapt_datetimefield_value(now),
        "limit": limit or settings.MATCHING_PROPOSALS,
    }
    # ``sql_text`` lets the benchmark run the plain join on PostgreSQL too, to compare the two in one run.
    sql = sql_text or (search_sql.POSTGRESQL if connection.vendor == "postgresql" else search_sql.SQLITE)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Candidate(
            volunteer_id=volunteer_id,
            km=km,
            recent_matches=recent,
            last_match_at=_as_datetime(last_at, connection),
            radius_km=radius_km,
            languages=languages,
            gender=gender,
        )
        for volunteer_id, km, recent, last_at, radius_km, languages, gender in rows
    ]


def candidates_for_request(
    escort_request,
    *,
    limit: int | None = None,
    now: datetime.datetime | None = None,
    using: str = "default",
    office_kind: int | None = None,
) -> list[Candidate]:
    """``candidates_search`` with everything an accompaniment request asks for.

    It needs ``office`` loaded, or the office's kind passed as ``office_kind`` (the proposals' hot path reads
    the kind with the request and never loads the office).
    """
    return candidates_search(
        office_id=escort_request.office_id,
        office_kind=escort_request.office.kind if office_kind is None else office_kind,
        starts_at=escort_request.starts_at,
        ends_at=escort_request.ends_at,
        languages=escort_request.languages,
        needs_language=escort_request.needs_language,
        preferred_gender=escort_request.preferred_gender,
        request_id=escort_request.pk,
        limit=limit,
        now=now,
        using=using,
    )


def candidates_search_many(
    *, escort_requests, limit: int, now: datetime.datetime | None = None, using: str = "default"
) -> dict[int, list[Candidate]]:
    """The candidates of many requests (the week's plan): one prepared search per request on one connection.

    Each search walks its office's index rows and stops after ``limit`` (about 1–2 ms at
    100k volunteers), so a loop over 1,000 requests stays around two seconds; a single
    LATERAL query would save only the round trips. The offices must be indexed
    (``office_index_ensure``); the requests need ``office`` loaded.
    """
    now = now or timezone.now()
    return {
        escort_request.pk: candidates_for_request(escort_request, limit=limit, now=now, using=using)
        for escort_request in escort_requests
    }


def prepared_cursor(connection):
    """A cursor for the search (and the proposals' locked read); on PostgreSQL one that prepares what it runs.

    Planning this query costs more than running it (about 2 ms against 1 ms at
    100k volunteers), so PostgreSQL plans it once per connection: the settings
    open PostgreSQL connections with plan_cache_mode=force_generic_plan, because
    the plan's shape never depends on the values (walk the office's rows in km
    order, nested loops into covering indexes). Only prepared statements follow
    that setting, and only the search and the locked read of ``proposals_refresh``
    (a primary-key lookup, whose plan cannot depend on the values either) prepare. Django turns
    prepared statements off by default for the sake of transaction-pooling
    proxies such as PgBouncer; set MATCHING_PREPARED_STATEMENTS=false behind one.
    The cursor keeps Django's wrapper, so query logging and counting still see it.
    """
    if connection.vendor != "postgresql" or not settings.MATCHING_PREPARED_STATEMENTS:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True, **kwargs)

    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django sets None, which disables preparing even when asked explicitly.
        # Only this server-binding cursor prepares; Django's client-binding cursors never do.
        connection.connection.prepare_threshold = 1_000_000
    raw = PreparedCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _as_datetime(value, connection) -> datetime.datetime | None:
    """SQLite returns an aggregate over a datetime column as text; PostgreSQL as a datetime."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


# --- Proposals for a request ---------------------------------------------------------------------------------


def active_match_exists(
    *,
    volunteer_id: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    exclude_match_id: int | None = None,
) -> bool:
    block_from, block_until = match_block(starts_at, ends_at)
    matches = Match.objects.filter(
        volunteer_id=volunteer_id,
        status__in=ACTIVE_MATCH_STATUSES,
        blocked_from__lt=block_until,
        blocked_until__gt=block_from,
    )
    if exclude_match_id:
        matches = matches.exclude(pk=exclude_match_id)
    return matches.exists()
