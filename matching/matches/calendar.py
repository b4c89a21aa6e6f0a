"""Calendar files for both sides of an escort, and a volunteer's private calendar feed.

UIDs are stable, so a calendar app replaces the event it already has: ``match-<id>``
is the volunteer's event, ``request-<id>`` the person's. A change raises ``SEQUENCE``
(stored on the match and the request); a cancellation is ``METHOD:CANCEL`` with
``STATUS:CANCELLED``. Every event carries an alarm two hours before.
"""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from matching.links import match_url, request_status_url
from matching.models import AccompanimentRequest, Match

ALARM_BEFORE = datetime.timedelta(hours=2)
CONTENT_TYPE = "text/calendar"


def _calendar(*, method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Mitläufer//Begleitung//DE")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _location(office) -> str:
    return ", ".join(part for part in (office.name, office.street, f"{office.postal_code_id} {office.city}") if part)


def _event(*, uid: str, sequence: int, starts_at, ends_at, summary: str, location: str, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", f"{uid}@mitlaeufer")
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    event.add("location", location)
    # Some clients only honour a cancellation from the organiser they know: always the team's address.
    event.add("organizer", f"mailto:{settings.IMPRINT['email']}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


def match_event(*, match: Match, cancelled: bool = False) -> Event:
    """The volunteer's event; the caller sets the language."""
    escort_request = match.request
    event = _event(
        uid=f"match-{match.pk}",
        sequence=match.calendar_sequence,
        starts_at=match.starts_at,
        ends_at=match.ends_at,
        summary=_("Begleitung: %(office)s") % {"office": escort_request.office.name},
        location=_location(escort_request.office),
        cancelled=cancelled,
    )
    event.add("url", match_url(match=match))
    return event


def match_ics(*, match: Match, cancelled: bool = False) -> str:
    """The volunteer's calendar file for one escort, in their language."""
    calendar = _calendar(method="CANCEL" if cancelled else "PUBLISH")
    with translation.override(match.volunteer.language if match.volunteer else settings.LANGUAGE_CODE):
        calendar.add_component(match_event(match=match, cancelled=cancelled))
    return calendar.to_ical().decode()


def request_ics(*, escort_request: AccompanimentRequest, companion: str = "", cancelled: bool = False) -> str:
    """The person's calendar file for their appointment, in their language; it names the companion once known."""
    calendar = _calendar(method="CANCEL" if cancelled else "PUBLISH")
    with translation.override(escort_request.language or settings.LANGUAGE_CODE):
        summary = _("Termin: %(office)s") % {"office": escort_request.office.name}
        if companion:
            summary += " – " + _("mit %(name)s") % {"name": companion}
        event = _event(
            uid=f"request-{escort_request.pk}",
            sequence=escort_request.calendar_sequence,
            starts_at=escort_request.starts_at,
            ends_at=escort_request.ends_at,
            summary=summary,
            location=_location(escort_request.office),
            cancelled=cancelled,
        )
    event.add("url", request_status_url(escort_request=escort_request))
    calendar.add_component(event)
    return calendar.to_ical().decode()


def volunteer_feed_ics(*, matches, language: str) -> str:
    """A subscribable feed of a volunteer's escorts: accepted ones, and given-back or withdrawn ones as cancelled."""
    calendar = _calendar(method=None)
    calendar.add("x-wr-calname", "Mitläufer")
    with translation.override(language):
        for match in matches:
            calendar.add_component(match_event(match=match, cancelled=not match.is_current_escort))
    return calendar.to_ical().decode()


def calendar_response(ics: str, *, filename: str = "termin.ics") -> HttpResponse:
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
