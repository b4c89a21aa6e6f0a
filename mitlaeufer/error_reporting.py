"""Optional error reporting to Sentry (``SENTRY_DSN``), without personal data.

The people in this system escort migrants to public offices; a crash report must not carry
who they are. So: no default PII (no IP, no user, no cookies), no request bodies, no local
variables of stack frames, and ``scrub`` removes whatever an integration still attached:
query strings, cookies, headers, the user beyond a numeric id, and the secret tokens in
status and edit links (``/anfrage/<token>/`` would let anyone read a request).
"""

import re
from typing import Any

# A path segment this long and token-shaped is a secret link, never a word of our URLs.
TOKEN_SEGMENT = re.compile(r"/[A-Za-z0-9_\-:.]{20,}(?=/|$)")
KEPT_HEADERS = {"user-agent", "content-type", "content-length"}


def scrub_url(url: str) -> str:
    return TOKEN_SEGMENT.sub("/[token]", url.split("?", 1)[0])


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: drop bodies, cookies, query strings, user details and frame variables."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if "url" in request:
            request["url"] = scrub_url(str(request["url"]))
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        data = crumb.get("data")
        if isinstance(data, dict) and "url" in data:
            data["url"] = scrub_url(str(data["url"]))
    return event


def error_reporting_init(*, dsn: str, environment: str, transport: Any = None) -> None:
    """Start the SDK (called from settings when SENTRY_DSN is set; tests pass a capturing transport)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub,
        transport=transport,
    )
