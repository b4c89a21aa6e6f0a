"""The raw SQL objects of matching that Django's model options cannot express, per database vendor.

Covering indexes (INCLUDE is PostgreSQL-only), partial indexes on other apps'
tables, and the double-booking guard (an exclusion constraint on PostgreSQL, two
triggers on SQLite). The migrations run these lists through ``core.db.VendorRunSQL``,
so ``sqlmigrate`` shows them. Status lists are built from ``MatchStatus``.

A historical migration uses the definitions here: to change an object, add a new
definition and a new migration; never edit one that a migration has run.
"""

from core.db import sql_in
from matching.models.matches import ACTIVE_MATCH_STATUSES, COUNTED_MATCH_STATUSES, MatchStatus

ACTIVE = sql_in(ACTIVE_MATCH_STATUSES)
COUNTED = sql_in(COUNTED_MATCH_STATUSES)
# A volunteer who said no to a request, gave it back, or let the ask expire, is not proposed for it again.
GAVE_UP = sql_in((MatchStatus.DECLINED, MatchStatus.BACKED_OUT, MatchStatus.EXPIRED))

# --- matching/0002: the distance index's and the volunteers' covering indexes, the double-booking guard

OFFICE_DISTANCE_INDEX = {
    "postgresql": "CREATE INDEX IF NOT EXISTS officedistance_office_km ON matching_officedistance (office_id, km) "
    "INCLUDE (postal_code, km_ceil)",
    "sqlite": "CREATE INDEX IF NOT EXISTS officedistance_office_km ON matching_officedistance "
    "(office_id, km, postal_code, km_ceil)",
}
# Every column the candidate search reads, so the volunteer table itself is never visited.
VOLUNTEER_COVER_INDEX = {
    "postgresql": "CREATE INDEX IF NOT EXISTS volunteer_matching_cover ON volunteers_volunteer "
    "(postal_code, radius_km) INCLUDE (id, user_id, availability, office_kinds, languages, gender, paused_until) "
    "WHERE is_active",
    "sqlite": "CREATE INDEX IF NOT EXISTS volunteer_matching_cover ON volunteers_volunteer "
    "(postal_code, radius_km, id, user_id, availability, office_kinds, languages, gender, paused_until) "
    "WHERE is_active",
}
POSTGRES_NO_DOUBLE_BOOKING = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE matching_match ADD CONSTRAINT match_no_double_booking EXCLUDE USING gist "
    f"(volunteer_id WITH =, tstzrange(blocked_from, blocked_until) WITH &&) WHERE (status IN {ACTIVE})",
]
# Built from our own constants only (the status list), so not an injection vector.
_SQLITE_OVERLAP = (
    "SELECT RAISE(ABORT, 'match_no_double_booking') WHERE EXISTS ("  # noqa: S608
    "SELECT 1 FROM matching_match m WHERE m.volunteer_id = NEW.volunteer_id AND m.id IS NOT NEW.id "
    f"AND m.status IN {ACTIVE} "
    "AND m.blocked_from < NEW.blocked_until AND m.blocked_until > NEW.blocked_from)"
)
SQLITE_NO_DOUBLE_BOOKING = [
    f"CREATE TRIGGER IF NOT EXISTS match_no_double_booking_{when} BEFORE {when.upper()} ON matching_match "
    f"WHEN NEW.status IN {ACTIVE} BEGIN {_SQLITE_OVERLAP}; END"
    for when in ("insert", "update")
]

# --- matching/0005: partial indexes that keep the search's per-volunteer probes index-only

VERIFIED_PRIMARY_EMAIL_INDEX = (
    "CREATE INDEX IF NOT EXISTS emailaddress_verified_primary ON account_emailaddress (user_id) "
    'WHERE verified AND "primary"'
)
MATCH_ACTIVE_BLOCKS_INDEX = {
    "postgresql": "CREATE INDEX IF NOT EXISTS match_active_blocks ON matching_match (volunteer_id, blocked_from) "
    f"INCLUDE (blocked_until) WHERE status IN {ACTIVE}",
    "sqlite": "CREATE INDEX IF NOT EXISTS match_active_blocks ON matching_match "
    f"(volunteer_id, blocked_from, blocked_until) WHERE status IN {ACTIVE}",
}
MATCH_COUNTED_STARTS_INDEX = (
    f"CREATE INDEX IF NOT EXISTS match_counted_starts ON matching_match (volunteer_id, starts_at) "
    f"WHERE status IN {COUNTED}"
)

# --- matching/0008: the covering index only holds volunteers who confirmed the briefing (volunteers/0004)

VOLUNTEER_COVER_INDEX_DROP = "DROP INDEX IF EXISTS volunteer_matching_cover"
VOLUNTEER_BRIEFED_COVER_INDEX = {
    "postgresql": "CREATE INDEX IF NOT EXISTS volunteer_matching_cover_briefed ON volunteers_volunteer "
    "(postal_code, radius_km) INCLUDE (id, user_id, availability, office_kinds, languages, gender, paused_until) "
    "WHERE is_active AND briefed_at IS NOT NULL",
    "sqlite": "CREATE INDEX IF NOT EXISTS volunteer_matching_cover_briefed ON volunteers_volunteer "
    "(postal_code, radius_km, id, user_id, availability, office_kinds, languages, gender, paused_until) "
    "WHERE is_active AND briefed_at IS NOT NULL",
}
VOLUNTEER_BRIEFED_COVER_INDEX_DROP = "DROP INDEX IF EXISTS volunteer_matching_cover_briefed"

# --- matching/0015: on PostgreSQL the search ranks inside each postal code by id (see engine/search_sql.py),
# so its covering index is ordered by (postal_code, id); the radius is checked in the index's included columns.
# SQLite keeps volunteer_matching_cover_briefed: its text is the plain join that the (postal_code, radius_km)
# order serves.

VOLUNTEER_BY_ID_COVER_INDEX = (
    "CREATE INDEX IF NOT EXISTS volunteer_matching_by_id ON volunteers_volunteer (postal_code, id) "
    "INCLUDE (radius_km, user_id, availability, office_kinds, languages, gender, paused_until) "
    "WHERE is_active AND briefed_at IS NOT NULL"
)
VOLUNTEER_BY_ID_COVER_INDEX_DROP = "DROP INDEX IF EXISTS volunteer_matching_by_id"
