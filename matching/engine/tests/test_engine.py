import datetime

import pytest
from django.db import IntegrityError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from directory.choices import Language, OfficeKind
from matching.engine.index import office_index_is_current
from matching.engine.proposals import proposals_refresh
from matching.engine.search import candidates_for_request, candidates_search
from matching.engine.tests.helpers import (
    book,
    build_world,
    make_office,
    make_request,
    make_volunteer,
    next_weekday_at,
    oracle,
)
from matching.models import MatchStatus, OfficeDistance, Proposal, RequestStatus
from volunteers.choices import DayPart, Weekday, availability_position
from volunteers.models import Absence

pytestmark = pytest.mark.django_db(databases=["default", "sqlite"])

MONDAY_10 = next_weekday_at(10, weekday=Weekday.MONDAY)


def search(office, starts_at=MONDAY_10, using="default", **kwargs):
    return candidates_search(
        office_id=office.pk,
        office_kind=office.kind,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        using=using,
        **kwargs,
    )


def ids(candidates) -> list[int]:
    return [candidate.volunteer_id for candidate in candidates]


def test_the_index_holds_every_postal_code_within_the_largest_radius_in_km_order():
    office = make_office()
    rows = list(
        OfficeDistance.objects.filter(office=office).order_by("km").values_list("postal_code_id", "km", "km_ceil")
    )
    assert rows[0][:2] == ("47051", 0.0)
    assert 300 < len(rows) < 3000
    assert all(km <= 100 and km_ceil >= km and km_ceil - km < 1 for _, km, km_ceil in rows)


def test_the_index_is_rebuilt_when_an_office_moves(django_capture_on_commit_callbacks):
    office = make_office()
    with django_capture_on_commit_callbacks(execute=True):
        office.postal_code_id = "10117"
        office.save()
    nearest = OfficeDistance.objects.filter(office=office).order_by("km").first()
    assert nearest.postal_code_id == "10117"
    assert office_index_is_current(office=office)


def test_it_ranks_by_distance_and_stops_at_n(settings):
    settings.MATCHING_PROPOSALS = 2
    office = make_office()
    far = make_volunteer(number=1, code="47166", radius_km=30)
    near = make_volunteer(number=2, code="47051")
    middle = make_volunteer(number=3, code="47057", radius_km=30)
    found = search(office)
    assert ids(found) == [near.pk, middle.pk]
    assert found[0].km == 0.0
    assert ids(search(office, limit=5)) == [near.pk, middle.pk, far.pk]


def test_it_respects_each_volunteers_own_radius():
    office = make_office()
    make_volunteer(number=1, code="47166", radius_km=5)  # about 7 km away
    assert search(office) == []


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({}, True),
        ({"is_active": False}, False),
        ({"verified": False}, False),
        ({"briefed": False}, False),
        ({"account_active": False}, False),
        ({"availability": 1 << availability_position(Weekday.MONDAY, DayPart.AFTERNOON)}, False),
        ({"availability": 1 << availability_position(Weekday.MONDAY, DayPart.MORNING)}, True),
        ({"office_kinds": 1 << OfficeKind.SOCIAL_WELFARE}, False),
        ({"paused_until": MONDAY_10.date()}, False),
        ({"paused_until": MONDAY_10.date() - datetime.timedelta(days=1)}, True),
    ],
)
def test_each_rule_can_exclude_a_volunteer(change, found):
    office = make_office()
    volunteer = make_volunteer(number=1, **change)
    assert ids(search(office)) == ([volunteer.pk] if found else [])


def test_language_and_gender_count_only_when_asked_for():
    office = make_office()
    german = make_volunteer(number=1, languages=1, gender="m")
    arabic = make_volunteer(number=2, languages=1 | 1 << 2, gender="f")
    assert ids(search(office, languages=1 << 2, needs_language=False)) == [german.pk, arabic.pk]
    assert ids(search(office, languages=1 << 2, needs_language=True)) == [arabic.pk]
    assert ids(search(office, preferred_gender="m")) == [german.pk]


def test_an_absence_on_that_day_excludes():
    office = make_office()
    volunteer = make_volunteer(number=1)
    Absence.objects.create(volunteer=volunteer, starts_on=MONDAY_10.date(), ends_on=MONDAY_10.date())
    assert search(office) == []


@pytest.mark.parametrize(
    ("other_starts_in_minutes", "status", "excluded"),
    [
        (0, MatchStatus.ACCEPTED, True),
        (-119, MatchStatus.ACCEPTED, True),  # ends 59 minutes before: inside the hour of buffer
        (-120, MatchStatus.ACCEPTED, False),  # ends exactly one hour before
        (119, MatchStatus.ASKED, True),
        (120, MatchStatus.ASKED, False),
        (0, MatchStatus.DECLINED, False),
        (0, MatchStatus.CANCELLED, False),
    ],
)
def test_other_active_matches_block_the_appointment_plus_an_hour(other_starts_in_minutes, status, excluded):
    office = make_office()
    volunteer = make_volunteer(number=1)
    book(
        volunteer=volunteer,
        office=office,
        starts_at=MONDAY_10 + datetime.timedelta(minutes=other_starts_in_minutes),
        status=status,
    )
    assert ids(search(office)) == ([] if excluded else [volunteer.pk])


def test_fewest_recent_accompaniments_then_longest_since_the_last_one_win_ties():
    office = make_office()
    busy, rested, never, long_ago = (make_volunteer(number=n) for n in range(1, 5))
    now = timezone.now()
    for days in (3, 10):
        book(volunteer=busy, office=office, starts_at=now - datetime.timedelta(days=days), status=MatchStatus.DONE)
    book(volunteer=rested, office=office, starts_at=now - datetime.timedelta(days=5), status=MatchStatus.DONE)
    book(volunteer=long_ago, office=office, starts_at=now - datetime.timedelta(days=45), status=MatchStatus.DONE)
    found = search(office)
    assert ids(found) == [never.pk, long_ago.pk, rested.pk, busy.pk]
    assert [c.recent_matches for c in found] == [0, 0, 1, 2]


def test_the_search_is_one_query_whatever_the_number_of_volunteers():
    office = make_office()
    counts = []
    for batch in (1, 40):
        for n in range(batch):
            make_volunteer(number=len(counts) * 1000 + n)
        with CaptureQueriesContext(connections["default"]) as queries:
            found = search(office)
        counts.append(len(queries))
        assert found
    assert counts == [1, 1]


def test_the_database_refuses_overlapping_active_matches_on_both_vendors():
    for using in ("default", "sqlite"):
        office = make_office(using=using)
        volunteer = make_volunteer(number=1, using=using)
        book(volunteer=volunteer, office=office, starts_at=MONDAY_10, using=using)
        with pytest.raises(IntegrityError), transaction.atomic(using=using):
            book(volunteer=volunteer, office=office, starts_at=MONDAY_10 + datetime.timedelta(minutes=90), using=using)
        # A cancelled booking no longer blocks, and a later one an hour apart is fine.
        book(volunteer=volunteer, office=office, starts_at=MONDAY_10 + datetime.timedelta(minutes=120), using=using)


def test_proposals_refresh_stores_rank_distance_and_reasons():
    office = make_office()
    near = make_volunteer(number=1)
    far = make_volunteer(number=2, code="47166", radius_km=20)
    escort_request = make_request(office=office, starts_at=MONDAY_10, status=RequestStatus.RECEIVED)
    proposals = proposals_refresh(request_id=escort_request.pk)
    assert [(p.volunteer_id, p.rank) for p in proposals] == [(near.pk, 1), (far.pk, 2)]
    stored = Proposal.objects.filter(request=escort_request).order_by("rank")
    # The returned proposals are the stored rows, ids included (one round trip on PostgreSQL, see _proposals_replace).
    assert [p.pk for p in proposals] == list(stored.values_list("pk", flat=True))
    assert stored[0].distance_km == 0.0
    assert stored[0].reasons[0] == "0,0 km entfernt, fährt bis 15 km"
    escort_request.refresh_from_db()
    assert escort_request.status == RequestStatus.SEARCHING
    assert escort_request.proposals_run_at is not None
    # Idempotent: a second run gives the same rows, not twice as many.
    proposals_refresh(request_id=escort_request.pk)
    assert Proposal.objects.filter(request=escort_request).count() == 2


def test_the_reasons_name_distance_time_shared_languages_the_wish_and_the_load():
    office = make_office()
    arabic = 1 << Language.ARABIC
    speaker = make_volunteer(number=1, languages=1 | arabic | 1 << Language.TURKISH, gender="f")
    book(volunteer=speaker, office=office, starts_at=timezone.now() - datetime.timedelta(days=3), status="done")
    escort_request = make_request(
        office=office, starts_at=MONDAY_10, languages=arabic | 1 << Language.ENGLISH, needs_language=True,
        preferred_gender="f",
    )  # fmt: skip
    [proposal] = proposals_refresh(request_id=escort_request.pk)
    assert proposal.reasons == [
        "0,0 km entfernt, fährt bis 15 km",
        "hat meistens Montag vormittags (8–12 Uhr) Zeit",
        "spricht Arabisch",
        "passt zum Wunsch: Frau",
        "1 Begleitungen in den letzten 30 Tagen",
    ]


def test_proposals_refresh_leaves_confirmed_and_cancelled_requests_alone():
    office = make_office()
    make_volunteer(number=1)
    for status in (RequestStatus.CONFIRMED, RequestStatus.CANCELLED):
        escort_request = make_request(office=office, starts_at=MONDAY_10, status=status)
        assert proposals_refresh(request_id=escort_request.pk) == []
        assert not Proposal.objects.filter(request=escort_request).exists()


def test_a_sunday_appointment_finds_nobody_because_the_grid_ends_on_saturday():
    office = make_office()
    make_volunteer(number=1)
    sunday = MONDAY_10 - datetime.timedelta(days=1)
    assert search(office, starts_at=sunday) == []


@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(seed=st.integers(min_value=0, max_value=10_000), volunteers=st.integers(min_value=5, max_value=60))
def test_results_equal_a_brute_force_oracle_on_postgresql_and_sqlite(seed, volunteers):
    for using in ("default", "sqlite"):
        with transaction.atomic(using=using):
            _office, escort_request = build_world(seed=seed, volunteers=volunteers, using=using)
            expected = oracle(escort_request=escort_request, using=using)
            found = candidates_for_request(escort_request, using=using)
            assert [(c.volunteer_id, round(c.km, 6)) for c in found] == [(pk, round(km, 6)) for pk, km in expected]
            transaction.set_rollback(True, using=using)


@hypothesis_settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    volunteers=st.integers(min_value=20, max_value=70),
    postal_codes=st.integers(min_value=1, max_value=3),
    limit=st.sampled_from([1, 3, 5]),
)
def test_crowded_postal_codes_rank_by_load_like_the_oracle_on_postgresql_and_sqlite(
    seed, volunteers, postal_codes, limit
):
    """Many volunteers at one distance: the load decides, and PostgreSQL ranks inside each postal code in halves."""
    for using in ("default", "sqlite"):
        with transaction.atomic(using=using):
            _office, escort_request = build_world(
                seed=seed, volunteers=volunteers, using=using, postal_codes=postal_codes, history=0.7, load_decides=True
            )
            expected = oracle(escort_request=escort_request, using=using, limit=limit)
            found = candidates_for_request(escort_request, limit=limit, using=using)
            assert [(c.volunteer_id, round(c.km, 6)) for c in found] == [(pk, round(km, 6)) for pk, km in expected]
            transaction.set_rollback(True, using=using)


def test_sqlite_and_postgresql_give_the_same_ranking_for_the_same_data():
    results = {}
    for using in ("default", "sqlite"):
        with transaction.atomic(using=using):
            _office, escort_request = build_world(seed=7, volunteers=150, using=using)
            found = candidates_for_request(escort_request, limit=20, using=using)
            # Ids differ between databases; the volunteers' names do not.
            names = dict(
                escort_request.office._meta.apps.get_model("volunteers", "Volunteer")
                .objects.using(using)
                .values_list("pk", "display_name")
            )
            results[using] = [(names[c.volunteer_id], round(c.km, 6), c.recent_matches) for c in found]
            transaction.set_rollback(True, using=using)
    assert results["default"] == results["sqlite"]
    assert len(results["default"]) >= 3


def test_rebuild_distances_builds_missing_and_stale_indexes():
    from django.core.management import call_command

    from directory.models import Office
    from matching.models import OfficeIndexState

    office = Office.objects.create(name="Sozialamt", kind=OfficeKind.SOCIAL_WELFARE, postal_code_id="80337")
    OfficeDistance.objects.filter(office=office).delete()
    OfficeIndexState.objects.filter(office=office).delete()
    call_command("rebuild_distances", "--stale")
    assert OfficeDistance.objects.filter(office=office, postal_code_id="80337", km=0.0).exists()
    assert office_index_is_current(office=office)


VENDOR_OBJECTS = {
    "officedistance_office_km",
    "emailaddress_verified_primary",
    "match_active_blocks",
    "match_counted_starts",
}


def test_the_raw_indexes_and_the_double_booking_guard_survive_all_migrations_on_both_vendors():
    """Table rebuilds on SQLite drop raw indexes and triggers; every migration that rebuilds must restore them."""
    with connections["sqlite"].cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")
        sqlite_names = {name for (name,) in cursor.fetchall()}
    assert (
        VENDOR_OBJECTS
        | {
            "volunteer_matching_cover_briefed",
            "match_no_double_booking_insert",
            "match_no_double_booking_update",
        }
        <= sqlite_names
    )
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes UNION SELECT conname FROM pg_constraint")
        postgres_names = {name for (name,) in cursor.fetchall()}
    # PostgreSQL's search ranks inside each postal code by id (engine/search_sql.py): its own covering index.
    assert VENDOR_OBJECTS | {"volunteer_matching_by_id", "match_no_double_booking"} <= postgres_names
    assert "volunteer_matching_cover_briefed" not in postgres_names
