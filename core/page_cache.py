"""Whole public pages kept per process for anonymous visitors, each served with the visitor's own tokens.

Why: with kept database connections an empty response costs ~0.6 ms, and Django's template engine alone needs
1.4–2.3 ms for a public page (about 19 ``{% translate %}`` and 11 ``{% url %}`` each), so no page reached half a
bare view (``bench_web``). The public pages are the same for every anonymous visitor in a language, except for two
values that must stay per request: the CSRF token (every page has the language switcher's form) and the signed
start time of a spam-protected form (``core.spam``), which is what makes the minimum fill time hold.

So the first rendering is kept with both values replaced by placeholders, and every later visitor gets it with
a fresh token (``get_token``, which also sets the CSRF cookie exactly as rendering ``{% csrf_token %}`` would) and
a fresh start time. Only what cannot differ between visitors is kept:

- only GET, only paths listed in ``PAGE_CACHE_PATHS``, only 200 responses that set no cookie and do not say
  ``private``/``no-cache``/``no-store``;
- never for a request that carries a session or a pending message (a signed-in person, someone just redirected
  with a notice), so nothing personal can ever be kept or served to someone else;
- the key holds the full path with its query, the host, the language shown and the one chosen, the URL prefix,
  today's date (forms offer dates from today) and the public content version. Apps bump that version
  (``public_pages_changed``) when what these pages show changes; kept pages also expire after
  ``PAGE_CACHE_SECONDS``. The version lives in the shared cache, so a change in one process reaches all; while
  that cache is unreachable nothing is kept or served from here (pages render as usual).

Kept in the process ("local" cache), like the other fragments: a deploy starts new processes, so a changed
template is never served from an old entry, and a hit costs no extra network round trip.
"""

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from core.spam import form_started_token

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:public-content-version"
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
STARTED_PLACEHOLDER = "\x00form-started\x00"
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_VALUE = re.compile(r'name="form_started" value="([^"]+)"')
# Set by the view layer (cookies) or by a page that must never be shared.
UNSHAREABLE_CACHE_CONTROL = ("private", "no-cache", "no-store")


def public_pages_changed() -> None:
    """What the public pages show has changed (an initiative, an office): every process renders them anew.

    Never raises (it runs after a commit, where an error would turn a saved change into an error page): with the
    shared cache unreachable, kept pages simply live out their PAGE_CACHE_SECONDS.
    """
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any new value differs from what pages were kept under
            # An int, which Redis stores as a number, so the next INCR works.
            cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), timeout=None)
    except Exception:  # the cache's own errors, whatever the backend
        logger.warning("page cache: could not mark the public pages as changed; kept pages expire on their own")


def _content_version() -> str | None:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY)  # None while the shared cache is unreachable (core.cache fails open)
    return None if version is None else str(version)


def _carries_personal_state(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _placeholders(html: str) -> str | None:
    """The page with its per-request values replaced, or None if they cannot be found unambiguously."""
    for pattern, placeholder in ((CSRF_VALUE, CSRF_PLACEHOLDER), (STARTED_VALUE, STARTED_PLACEHOLDER)):
        values = set(pattern.findall(html))
        if len(values) > 1:
            return None
        for value in values:
            html = html.replace(value, placeholder)
    return html


def _shareable(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not any(word in cache_control for word in UNSHAREABLE_CACHE_CONTROL)
    )


class AnonymousPageCacheMiddleware:
    """Innermost middleware: a hit skips URL resolution, the view and rendering, nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.paths = [re.compile(pattern) for pattern in settings.PAGE_CACHE_PATHS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method != "GET"
            or not any(path.match(request.path_info) for path in self.paths)
            or _carries_personal_state(request)
        ):
            return self.get_response(request)
        version = _content_version()
        if version is None:
            return self.get_response(request)
        key = "page:" + "|".join(
            (
                version,
                timezone.localdate().isoformat(),
                request.get_host(),
                get_script_prefix(),
                request.get_full_path(),
                get_language() or "",
                getattr(request, "chosen_language", "") or "",
            )
        )
        kept = caches["local"].get(key)
        if kept is not None:
            return self._serve(request, *kept)
        response = self.get_response(request)
        if _shareable(response):
            html = _placeholders(response.content.decode(response.charset))
            if html is not None:
                headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
                caches["local"].set(key, (html, headers), settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _serve(request: HttpRequest, html: str, headers: dict[str, str]) -> HttpResponse:
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, get_token(request))
        if STARTED_PLACEHOLDER in html:
            html = html.replace(STARTED_PLACEHOLDER, form_started_token())
        response = HttpResponse(html)
        for name, value in headers.items():
            response[name] = value
        return response
