"""The "Hinweis für das Amt": one printable page saying the person brings a Beistand (§ 13 Abs. 4 SGB X).

Reachable from the volunteer's escort page and the person's status page (both behind
their secret links). German first, because the office reads it; then the same page in
the person's language where that differs, so they know what they hand over.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from directory.choices import OfficeKind
from matching.links import token_page
from matching.matches import selectors
from matching.models import AccompanimentRequest, MatchStatus


def office_notice_languages(*, escort_request: AccompanimentRequest) -> list[str]:
    """German, plus the person's language when the site offers it and it is not German."""
    offered = {code for code, _name in settings.LANGUAGES}
    languages = ["de"]
    if escort_request.language in offered and escort_request.language != "de":
        languages.append(escort_request.language)
    return languages


def office_notice_response(
    request: HttpRequest, *, escort_request: AccompanimentRequest, companion: str, back_url: str
) -> HttpResponse:
    return render(
        request,
        "printables/office_notice.html",
        {
            "escort_request": escort_request,
            "office": escort_request.office,
            "companion": companion,
            "back_url": back_url,
            "languages": office_notice_languages(escort_request=escort_request),
            # Outside social law (the Ausländerbehörde) the same rule comes from § 14 VwVfG.
            "is_immigration": escort_request.office.kind == OfficeKind.IMMIGRATION,
        },
    )


@token_page
@never_cache
def match_office_notice(request: HttpRequest, token: str) -> HttpResponse:
    match = selectors.match_by_token(token=token)
    if match is None or match.volunteer_id is None or match.status != MatchStatus.ACCEPTED:
        return render(request, "matching/match_not_found.html", status=404)
    return office_notice_response(
        request,
        escort_request=match.request,
        companion=match.volunteer.display_name,
        back_url=reverse("einsatz:match", kwargs={"token": match.token}),
    )
