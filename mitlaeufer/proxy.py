"""The client's address behind our own reverse proxies (``TRUSTED_PROXY_COUNT``).

Every proxy appends the address it received the request from to
``X-Forwarded-For``, so only the last ``TRUSTED_PROXY_COUNT`` entries were written
by machines we run; anything to their left may be forged by the client. The entry
our outermost proxy wrote is the client's address. It replaces ``REMOTE_ADDR``
here, once, so the app's rate limits (``core.spam.client_ip``), allauth's
and any log line all see the same address.

With a count of 0 (the default) the forwarded headers are ignored entirely.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def forwarded_client(forwarded_for: str, *, trusted: int) -> str | None:
    """The address ``trusted`` hops from the right of an X-Forwarded-For value, or None if there is none."""
    if trusted < 1 or not forwarded_for:
        return None
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    if len(hops) < trusted:
        # Fewer hops than proxies: the request bypassed a proxy. Keep the connecting address.
        return None
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Set ``REMOTE_ADDR`` from ``X-Forwarded-For`` when we run ``TRUSTED_PROXY_COUNT`` proxies.

    First in ``MIDDLEWARE``: everything after it, including Django's scheme check
    (``SECURE_PROXY_SSL_HEADER``, set only with a trusted proxy), sees the client.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = settings.TRUSTED_PROXY_COUNT
        if trusted:
            client = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted=trusted)
            if client is None:
                logger.warning("request without the expected X-Forwarded-For hops; keeping the proxy's address")
            else:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
