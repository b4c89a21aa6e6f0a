"""Sections other apps add to the volunteer's profile page, without volunteers importing them.

The layers run ``matching -> volunteers``, so the profile cannot ask for matches
itself: matching registers a section on start-up (``MatchingConfig.ready``) and the
profile renders whatever is registered, in order.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from volunteers.models import Volunteer

# A section returns (template name, context), or None to show nothing.
Section = Callable[[Volunteer], tuple[str, dict] | None]
_SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def render_sections(*, request: HttpRequest, volunteer: Volunteer) -> list[SafeString]:
    rendered = []
    for section in _SECTIONS:
        found = section(volunteer)
        if found is not None:
            template, context = found
            rendered.append(render_to_string(template, {"volunteer": volunteer, **context}, request=request))
    return rendered
