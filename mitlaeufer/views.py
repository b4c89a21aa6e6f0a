"""Project-wide pages that belong to no single domain: landing, legal pages, health."""

import functools
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core import privacy

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down" to a health probe
        logger.warning("healthz: database unreachable")
        return False


@functools.cache
def _broker_client(url: str):
    """One client (and its connection pool) per process: a probe every few seconds need not connect anew.

    redis-py drops a broken pooled connection and connects again on the next call, so an outage and the
    recovery both show on the next probe.
    """
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return "eager"  # no broker configured: tasks run in-process
    try:
        _broker_client(settings.REDIS_URL).ping()
        return "ok"
    except Exception:  # any failure means "down" to a health probe
        logger.warning("healthz: broker unreachable")
        return "down"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "down"
    broker = _broker_state()
    healthy = database == "ok" and broker != "down"
    return JsonResponse(
        {"status": "ok" if healthy else "down", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def privacy_page(request: HttpRequest) -> HttpResponse:
    """/datenschutz/: what we store, why, for how long and who sees it, generated from the register."""
    return render(request, "pages/privacy.html", {"sections": privacy.page_sections()})


FLYER_FORMATS = ("a4", "a5")


def _qr_svg(url: str) -> str:
    """The QR code as inline SVG: no image request, and it prints sharp at any size."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", title=url)


def flyer(request: HttpRequest) -> HttpResponse:
    """The printable flyer, in the language asked for (``?sprache=``) and as A4 or A5 (``?format=``).

    An unknown language or format falls back to German and A4: a flyer is always printable.
    """
    from django.utils import translation
    from django.utils.safestring import mark_safe

    offered = dict(settings.LANGUAGES)
    language = request.GET.get("sprache", "de")
    language = language if language in offered else "de"
    paper = request.GET.get("format", "a4")
    paper = paper if paper in FLYER_FORMATS else "a4"
    request_url = settings.SITE_URL + "/anfrage/"
    context = {
        "flyer_language": language,
        "paper": paper,
        "request_url": request_url,
        "qr_svg": mark_safe(_qr_svg(request_url)),  # noqa: S308  (segno's own SVG of our own URL)
        "offered_languages": list(offered.items()),
        "formats": FLYER_FORMATS,
    }
    with translation.override(language):
        return render(request, "printables/flyer.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (cookies blocked, a form left open for days, a back button).

    Django's own page is English and technical; the person gets the site's page in their language and a way
    back. ``reason`` is for developers and never shown (it names cookies and headers, nothing to act on).
    """
    return render(request, "403_csrf.html", status=403)
