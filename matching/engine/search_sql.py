"""The SQL texts of the candidate search (``matching.engine.search``), one per database vendor.

Both return the same rows in the same order: the volunteers who pass every rule, ranked by distance,
then fewest accompaniments in the last 30 days, then longest since the last one (never = longest),
then id. Each text is prepared and planned once per connection (``search.prepared_cursor``); the
language and gender filters switch on by parameter, not by text, because every text costs a new
connection a planning of its own. Every value is a parameter; the texts are built from our own
constants only (the status lists), hence the ``noqa: S608``.

Why PostgreSQL has its own text: in a dense city the nearest postal code alone holds hundreds of
volunteers, and the plain join (the SQLite text) has to rank all of them by load before ``LIMIT``
can stop, probing e-mail, consent, account, absence, bookings and two load sub-selects for each,
about nine index probes per volunteer. At 1M volunteers that was the whole tail of the search.
The PostgreSQL text takes the postal codes nearest first, as before, but ranks inside each one
with a ``LATERAL`` sub-query that stops after ``limit`` rows, in two halves:

1. volunteers never accompanied before (no counted match that has begun): load 0 and no last
   match, the best possible load, so among them only the id decides, and the index
   ``volunteer_matching_by_id`` (postal code, id) yields them in that order: a few are probed,
   not hundreds;
2. only if the first half found fewer than ``limit``: those accompanied before, ranked by load.

Within one postal code (one distance) every volunteer of the first half ranks before every one of
the second, so the first ``limit`` rows of "first half, then second half" are the postal code's
best ``limit``, and the outer ``ORDER BY … LIMIT`` picks the overall best from them. PostgreSQL
runs the arms of a ``UNION ALL`` in order and its ``LIMIT`` stops pulling rows once it has enough,
so the second half is not run at all where the first suffices (the common "UNION ALL … LIMIT"
fallback idiom). The brute-force oracle test compares both texts with every rule written out in
Python. SQLite has no ``LATERAL`` and keeps the plain join, fast enough there (README, "Performance").
"""

from matching import raw_sql

# Every rule a volunteer ``v`` must pass besides distance and radius.
_RULES = f"""
  v.is_active AND v.briefed_at IS NOT NULL
  AND (v.availability & %(slot)s) <> 0
  AND (v.office_kinds & %(kind)s) <> 0
  AND (NOT %(needs_language)s OR (v.languages & %(languages)s) <> 0)
  AND (%(gender)s = '' OR v.gender = %(gender)s)
  AND (v.paused_until IS NULL OR v.paused_until < %(day)s)
  AND NOT EXISTS (
    SELECT 1 FROM volunteers_absence a
    WHERE a.volunteer_id = v.id AND a.starts_on <= %(day)s AND a.ends_on >= %(day)s)
  AND NOT EXISTS (
    SELECT 1 FROM matching_match m
    WHERE m.volunteer_id = v.id AND m.status IN {raw_sql.ACTIVE}
      AND m.blocked_from < %(block_until)s AND m.blocked_until > %(block_from)s)
  AND NOT EXISTS (
    SELECT 1 FROM matching_match m
    WHERE m.volunteer_id = v.id AND m.request_id = %(request)s AND m.status IN {raw_sql.GAVE_UP})
  AND EXISTS (
    SELECT 1 FROM account_emailaddress e
    WHERE e.user_id = v.user_id AND e.verified AND e."primary")
  AND EXISTS (SELECT 1 FROM auth_user u WHERE u.id = v.user_id AND u.is_active)
  AND EXISTS (
    SELECT 1 FROM volunteers_consent c WHERE c.volunteer_id = v.id AND c.withdrawn_at IS NULL)
"""  # noqa: S608

# The load: accompaniments that count, in the last 30 days, and the last one that has begun.
_RECENT = (
    f"(SELECT COUNT(*) FROM matching_match r WHERE r.volunteer_id = v.id AND r.status IN {raw_sql.COUNTED} "  # noqa: S608
    "AND r.starts_at >= %(recent_since)s AND r.starts_at <= %(now)s)"
)
_LAST = (
    "(SELECT MAX(l.starts_at) FROM matching_match l WHERE l.volunteer_id = v.id "  # noqa: S608
    f"AND l.status IN {raw_sql.COUNTED} AND l.starts_at <= %(now)s)"
)
# Who has no counted accompaniment that has begun has load 0 and no last one.
_ACCOMPANIED_BEFORE = (
    f"EXISTS (SELECT 1 FROM matching_match p WHERE p.volunteer_id = v.id AND p.status IN {raw_sql.COUNTED} "  # noqa: S608
    "AND p.starts_at <= %(now)s)"
)

SQLITE = f"""
SELECT v.id, od.km, {_RECENT} AS recent, {_LAST} AS last_at, v.radius_km, v.languages, v.gender
FROM matching_officedistance od
JOIN volunteers_volunteer v ON v.postal_code = od.postal_code AND v.radius_km >= od.km_ceil
WHERE od.office_id = %(office)s AND {_RULES}
ORDER BY od.km, recent, last_at ASC NULLS FIRST, v.id
LIMIT %(limit)s
"""  # noqa: S608

POSTGRESQL = f"""
SELECT best.id, od.km, best.recent, best.last_at, best.radius_km, best.languages, best.gender
FROM matching_officedistance od
CROSS JOIN LATERAL (
  SELECT * FROM (
    (SELECT v.id, 0::bigint AS recent, NULL::timestamptz AS last_at, v.radius_km, v.languages, v.gender
     FROM volunteers_volunteer v
     WHERE v.postal_code = od.postal_code AND v.radius_km >= od.km_ceil AND {_RULES}
       AND NOT {_ACCOMPANIED_BEFORE}
     ORDER BY v.id
     LIMIT %(limit)s)
    UNION ALL
    (SELECT v.id, {_RECENT} AS recent, {_LAST} AS last_at, v.radius_km, v.languages, v.gender
     FROM volunteers_volunteer v
     WHERE v.postal_code = od.postal_code AND v.radius_km >= od.km_ceil AND {_RULES}
       AND {_ACCOMPANIED_BEFORE}
     ORDER BY recent, last_at, v.id
     LIMIT %(limit)s)
  ) never_then_before
  LIMIT %(limit)s
) best
WHERE od.office_id = %(office)s
ORDER BY od.km, best.recent, best.last_at ASC NULLS FIRST, best.id
LIMIT %(limit)s
"""  # noqa: S608
