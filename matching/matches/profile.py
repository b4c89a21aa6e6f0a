"""The volunteer's "Meine Einsätze" on /profil/, registered as a profile section (see volunteers.profile_sections)."""

from django.utils import timezone

from matching.matches.selectors import escorts_of_volunteer
from matching.matches.services import match_must_call


def my_escorts_section(volunteer) -> tuple[str, dict]:
    now = timezone.now()
    escorts = escorts_of_volunteer(volunteer=volunteer, now=now)
    upcoming = [(match, match_must_call(match=match, now=now)) for match in escorts["upcoming"]]
    return "matching/my_escorts.html", {"upcoming": upcoming, "past": escorts["past"]}
