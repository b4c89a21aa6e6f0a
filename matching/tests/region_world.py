"""Two regions with their own coordinators, offices, volunteers, requests and everything hanging off them.

Berlin (10 12 13) and Ruhr (44 45 47). Every person's name carries the region's marker ("Berlinmarker",
"Ruhrmarker"), so a page that shows anything of the other region gives itself away.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from directory.models import Office
from directory.tests.initiative_factories import InitiativeFactory
from geo.models import Region
from matching.engine.search import match_block
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.models import AccompanimentRequest, CallLog, Match, MatchEvent, MatchStatus, Proposal, Referral
from volunteers.models import Absence, Consent, Volunteer

PASSWORD = "Koordination-2026!"  # noqa: S105  (test accounts)


@dataclass
class RegionWorld:
    key: str
    region: Region
    coordinator: object
    office: Office
    volunteer: Volunteer
    escort_request: AccompanimentRequest
    match: Match
    referral: Referral
    objects: dict = field(default_factory=dict)

    @property
    def marker(self) -> str:
        return f"{self.key}marker"


def regional_coordinator(email: str, slug: str):
    """Made the way an operator makes one: ``create_coordinator EMAIL --region SLUG`` (group "Koordination")."""
    call_command("create_coordinator", email, "--region", slug, stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = get_user_model().objects.get(email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


def _region_world(key: str, slug: str, prefixes: str, code: str, number: int) -> RegionWorld:
    region = Region.objects.create(name=key, slug=slug, prefixes=prefixes)
    coordinator = regional_coordinator(f"{slug}@koordination.example", slug)
    office = make_office(code=code, name=f"Jobcenter {key}")
    volunteer = make_volunteer(number=number, code=code)
    Volunteer.objects.filter(pk=volunteer.pk).update(display_name=f"{key}marker Helferin")
    volunteer.refresh_from_db()
    Absence.objects.create(volunteer=volunteer, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    starts_at = next_weekday_at(10, days_ahead=2 + number)
    escort_request = make_request(
        office=office,
        starts_at=starts_at,
        first_name=f"{key}marker",
        email=f"person-{slug}@beispiel.de",
        proposals_run_at=timezone.now(),
        call_needed_since=timezone.now(),
        call_reason="changed",
    )
    Proposal.objects.create(request=escort_request, volunteer=volunteer, rank=1, distance_km=1.0, reasons=[])
    block_from, block_until = match_block(escort_request.starts_at, escort_request.ends_at)
    match = Match.objects.create(
        request=escort_request,
        volunteer=volunteer,
        status=MatchStatus.ASKED,
        starts_at=escort_request.starts_at,
        ends_at=escort_request.ends_at,
        blocked_from=block_from,
        blocked_until=block_until,
    )
    MatchEvent.objects.create(match=match, kind=MatchEvent.Kind.ASKED, note=f"{key}marker note")
    CallLog.objects.create(request=escort_request, called_by=coordinator, reached=False, note=f"{key}marker call")
    initiative = InitiativeFactory(name=f"Beratung {key}", postal_code_id=code)
    referral = Referral.objects.create(
        request=escort_request, initiative=initiative, note=f"{key}marker referral", created_by=coordinator
    )
    world = RegionWorld(
        key=key,
        region=region,
        coordinator=coordinator,
        office=office,
        volunteer=volunteer,
        escort_request=escort_request,
        match=match,
        referral=referral,
    )
    world.objects = {
        AccompanimentRequest: escort_request,
        Match: match,
        Referral: referral,
        Volunteer: volunteer,
        Consent: Consent.objects.get(volunteer=volunteer),
    }
    return world


def two_regions() -> tuple[RegionWorld, RegionWorld]:
    berlin = _region_world("Berlin", "berlin", "10 12 13", "10117", 1)
    ruhr = _region_world("Ruhr", "ruhr", "44 45 47", "47051", 2)
    return berlin, ruhr
