"""Secret links: their format, the addresses mailed to people, and the headers of the pages they open."""

import functools
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from matching.models import AccompanimentRequest, Match


def request_status_url(*, escort_request: AccompanimentRequest) -> str:
    return settings.SITE_URL + reverse("matching:status", kwargs={"token": escort_request.token})


def request_admin_url(*, escort_request: AccompanimentRequest) -> str:
    return settings.SITE_URL + reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk])


def match_url(*, match: Match, name: str = "einsatz:match") -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": match.token})


# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_RE = re.compile(r"\A[A-Za-z0-9_-]{43}\Z")


# Browsers send the origin only, never the path with the token, not even to us. Not "no-referrer":
# with it, a browser sends "Origin: null" with a form's POST, and Django's CSRF check then
# (rightly) refuses the cancel button and the language switcher on these pages.
STATUS_PAGE_REFERRER_POLICY = "strict-origin"


def token_page(view):
    """Headers for pages reached by a secret link: not indexed, not cached, no Referer carries the token."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = STATUS_PAGE_REFERRER_POLICY
        response["Cache-Control"] = "no-store, private"
        return response

    return wrapped
