"""Builders for the matching tests: a small world of volunteers around an office, on any database."""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.choices import OfficeKind
from directory.models import Office
from geo.distances import geodesic_km
from geo.models import PostalCode
from matching.engine.index import office_index_build
from matching.engine.search import appointment_slot, match_block
from matching.models import ACTIVE_MATCH_STATUSES, AccompanimentRequest, Match, MatchStatus
from volunteers.choices import availability_position
from volunteers.models import Absence, Consent, Volunteer


def next_weekday_at(hour: int, *, days_ahead: int = 3, weekday: int | None = None) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() == 6 or (weekday is not None and day.weekday() != weekday):
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def make_office(*, code: str = "47051", kind: int = OfficeKind.JOBCENTER, name: str = "Jobcenter", using="default"):
    office = Office(name=name, kind=kind, postal_code_id=code, city="Duisburg", verified=True)
    office.save(using=using)
    office_index_build(office_id=office.pk, using=using)
    return office


def make_volunteer(
    *,
    number: int,
    code: str = "47051",
    radius_km: int = 15,
    availability: int | None = None,
    languages: int = 1,
    office_kinds: int = (1 << len(OfficeKind)) - 1,
    gender: str = "",
    is_active: bool = True,
    verified: bool = True,
    account_active: bool = True,
    paused_until=None,
    consent: bool = True,
    briefed: bool = True,
    using: str = "default",
) -> Volunteer:
    user = (
        get_user_model()
        .objects.db_manager(using)
        .create_user(username=f"v{number}", email=f"v{number}@beispiel.de", password=None, is_active=account_active)
    )
    EmailAddress.objects.using(using).create(user=user, email=user.email, primary=True, verified=verified)
    volunteer = Volunteer(
        user=user,
        display_name=f"Freiwillige {number}",
        postal_code_id=code,
        radius_km=radius_km,
        availability=availability if availability is not None else (1 << 18) - 1,
        languages=languages,
        office_kinds=office_kinds,
        gender=gender,
        is_active=is_active,
        paused_until=paused_until,
        briefed_at=timezone.now() if briefed else None,
    )
    volunteer.save(using=using)
    # A volunteer who withdrew keeps the record of the consent they gave, with the withdrawal.
    withdrawn = None if consent else timezone.now()
    Consent(volunteer=volunteer, policy_version="test", withdrawn_at=withdrawn).save(using=using)
    return volunteer


def make_request(*, office: Office, starts_at, using: str = "default", **fields) -> AccompanimentRequest:
    values = {
        "office": office,
        "starts_at": starts_at,
        "duration_minutes": 60,
        "first_name": "Ayşe",
        "email": "ayse@beispiel.de",
        "consent_given_at": timezone.now(),
        "privacy_policy_version": "test",
        "status": "searching",
    }
    values.update(fields)
    escort_request = AccompanimentRequest(**values)
    escort_request.save(using=using)
    return escort_request


def book(*, volunteer: Volunteer, office: Office, starts_at, status=MatchStatus.ACCEPTED, using="default") -> Match:
    """An existing match of a volunteer (a booking), with its own request."""
    escort_request = make_request(office=office, starts_at=starts_at, using=using, status="confirmed")
    block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
    match = Match(
        request=escort_request,
        volunteer=volunteer,
        status=status,
        starts_at=escort_request.starts_at,
        ends_at=escort_request.ends_at,
        blocked_from=block_from,
        blocked_until=block_until,
    )
    match.save(using=using)
    return match


def build_world(
    *,
    seed: int,
    volunteers: int,
    using: str = "default",
    postal_codes: int | None = None,
    history: float = 0.1,
    load_decides: bool = False,
) -> tuple[Office, AccompanimentRequest]:
    """Random volunteers around a Duisburg office, with pauses, absences, bookings and a past history.

    ``postal_codes`` crowds them into that many postal codes, as in a city, where many volunteers share
    one distance and their load decides the ranking; ``history`` is the share with past accompaniments
    (one to three each). ``load_decides`` makes everyone free then and willing for that office, and the
    request ask for no language or gender, so that most volunteers qualify and the ranking is what is tested.
    """
    rng = random.Random(seed)  # noqa: S311  (test data)
    office = make_office(using=using, kind=rng.randrange(len(OfficeKind)))
    origin = PostalCode.objects.using(using).get(code="47051")
    nearby = [
        code
        for code, lat, lon in PostalCode.objects.using(using).values_list("code", "latitude", "longitude")
        if abs(lat - origin.latitude) < 0.6 and abs(lon - origin.longitude) < 0.9
    ]
    if postal_codes:
        nearby = rng.sample(sorted(nearby), postal_codes)
    starts_at = next_weekday_at(rng.randrange(8, 19), days_ahead=rng.randrange(2, 20))
    escort_request = make_request(
        office=office,
        starts_at=starts_at,
        using=using,
        languages=1 | (1 << rng.randrange(1, 6)),
        needs_language=rng.random() < 0.4 and not load_decides,
        preferred_gender="" if load_decides else rng.choice(["", "", "f", "m"]),
    )
    day = timezone.localtime(starts_at).date()
    for number in range(1, volunteers + 1):
        volunteer = make_volunteer(
            number=number,
            code=rng.choice(nearby),
            radius_km=rng.choice([1, 5, 10, 20, 40, 60, 100]),
            availability=(1 << 18) - 1
            if load_decides
            else sum(1 << c for c in rng.sample(range(18), rng.randrange(1, 18))),
            languages=1 | (1 << rng.randrange(1, 6) if rng.random() < 0.5 else 0),
            office_kinds=(1 << len(OfficeKind)) - 1
            if load_decides
            else sum(1 << k for k in rng.sample(range(len(OfficeKind)), rng.randrange(1, 9))),
            gender=rng.choice(["", "f", "m", "d"]),
            is_active=rng.random() < 0.9,
            verified=rng.random() < 0.9,
            account_active=rng.random() < 0.95,
            paused_until=day + datetime.timedelta(days=rng.randrange(-3, 3)) if rng.random() < 0.2 else None,
            consent=rng.random() < 0.9,
            using=using,
        )
        if rng.random() < 0.15:
            first = day + datetime.timedelta(days=rng.randrange(-4, 2))
            Absence(
                volunteer=volunteer, starts_on=first, ends_on=first + datetime.timedelta(days=rng.randrange(0, 4))
            ).save(using=using)
        if rng.random() < 0.25:
            # Bookings near the appointment (some overlapping the buffer) and in the past (for the ranking).
            offset = datetime.timedelta(minutes=rng.choice([-150, -120, -90, -60, 0, 60, 90, 120, 150, -60 * 24 * 10]))
            status = (
                MatchStatus.DONE
                if offset < datetime.timedelta(0) and abs(offset) > datetime.timedelta(days=1)
                else rng.choice([MatchStatus.ACCEPTED, MatchStatus.ASKED, MatchStatus.DECLINED, MatchStatus.CANCELLED])
            )
            book(volunteer=volunteer, office=office, starts_at=starts_at + offset, status=status, using=using)
        for _past in range(rng.randint(1, 3) if rng.random() < history else 0):
            book(
                volunteer=volunteer,
                office=office,
                starts_at=timezone.now() - datetime.timedelta(days=rng.randrange(1, 60), hours=rng.randrange(0, 9)),
                status=MatchStatus.DONE,
                using=using,
            )
    if rng.random() < 0.5:
        # Somebody already declined this very request.
        declined = rng.choice(list(Volunteer.objects.using(using).order_by("pk")))
        block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
        Match(
            request=escort_request, volunteer=declined, status=MatchStatus.DECLINED, starts_at=escort_request.starts_at,
            ends_at=escort_request.ends_at, blocked_from=block_from, blocked_until=block_until,
        ).save(using=using)  # fmt: skip
    return office, escort_request


def oracle(*, escort_request: AccompanimentRequest, using: str = "default", limit: int = 5) -> list[tuple[int, float]]:
    """The brute-force answer: every volunteer, geopy distances, every rule written out in Python."""
    office = Office.objects.using(using).get(pk=escort_request.office_id)
    now = timezone.now()
    slot = appointment_slot(escort_request.starts_at)
    if slot is None:
        return []
    slot_bit = 1 << availability_position(*slot)
    day = timezone.localtime(escort_request.starts_at).date()
    block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
    verified = set(
        EmailAddress.objects.using(using).filter(verified=True, primary=True).values_list("user_id", flat=True)
    )
    consented = set(
        Consent.objects.using(using).filter(withdrawn_at__isnull=True).values_list("volunteer_id", flat=True)
    )
    hits = []
    for volunteer in Volunteer.objects.using(using).select_related("postal_code", "user"):
        km = geodesic_km(
            (office.latitude, office.longitude), (volunteer.postal_code.latitude, volunteer.postal_code.longitude)
        )
        matches = list(Match.objects.using(using).filter(volunteer=volunteer))
        if (
            km > volunteer.radius_km
            or not volunteer.is_active
            or volunteer.briefed_at is None
            or volunteer.pk not in consented
            or volunteer.user_id not in verified
            or not volunteer.user.is_active
            or (volunteer.paused_until is not None and volunteer.paused_until >= day)
            or not volunteer.availability & slot_bit
            or not volunteer.office_kinds & (1 << office.kind)
            or (escort_request.needs_language and not volunteer.languages & escort_request.languages)
            or (escort_request.preferred_gender and volunteer.gender != escort_request.preferred_gender)
            or Absence.objects.using(using).filter(volunteer=volunteer, starts_on__lte=day, ends_on__gte=day).exists()
            or any(
                m.status in ACTIVE_MATCH_STATUSES and m.blocked_from < block_until and m.blocked_until > block_from
                for m in matches
            )
            or any(
                m.request_id == escort_request.pk and m.status in (MatchStatus.DECLINED, MatchStatus.BACKED_OUT)
                for m in matches
            )
        ):
            continue
        counted = [m.starts_at for m in matches if m.status in ("accepted", "done") and m.starts_at <= now]
        recent = sum(1 for at in counted if at >= now - datetime.timedelta(days=30))
        last = max(counted) if counted else None
        hits.append((km, recent, (last is not None, last), volunteer.pk))
    hits.sort()
    return [(pk, km) for km, _recent, _last, pk in hits[:limit]]
