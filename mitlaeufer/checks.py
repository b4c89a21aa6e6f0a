"""Production refuses demo values.

These checks run with every management command (``migrate`` in the compose stack included)
when ``DJANGO_DEBUG`` is off, so a copied ``.env.example`` stops the deployment instead of
mailing links to 127.0.0.1 or showing the demo Impressum. In debug mode they say nothing.

Refused host names: addresses that are not public (loopback, private, documentation ranges), ``localhost`` and names
without a dot (container names such as ``web``), ``.local``/``.localhost``, and the
documentation names ``.example``, ``example.com``/``.net``/``.org`` that ``.env.example``
and the demo data use. ``.invalid`` and ``.test`` are accepted: nobody configures them by
accident, and CI uses ``.invalid`` so its checked values can never reach anyone.
"""

import ipaddress
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.checks import Error, register

DEMO_DOMAINS = ("example", "example.com", "example.net", "example.org")
LOCAL_SUFFIXES = ("localhost", "local")
# The demo Impressum as shipped in settings.py (IMPRINT_* unset).
DEMO_IMPRINT_VALUES = ("Mitläufer-Initiative (Demo)", "Musterstraße 1")
# The coordinators' phone as shipped in settings.py: printed on flyers and shown to volunteers who must call.
DEMO_COORDINATOR_PHONE = "0203 123 456 78"
# The key the Dockerfile uses for collectstatic at build time; it is in every image.
BUILD_ONLY_SECRET_PREFIX = "build-only-"  # noqa: S105  (a known-bad value we refuse)
PLACEHOLDER_SECRET_PREFIX = "change-me"  # noqa: S105  (a known-bad value we refuse)


def host_problem(host: str) -> str | None:
    """Why ``host`` cannot be a production name, or None when it can."""
    host = (host or "").strip().strip("[]").rstrip(".").lower()
    if not host:
        return "empty"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        # Loopback, private, link-local and the documentation ranges alike: no one outside reaches them.
        return None if address.is_global else "not a public address"
    labels = host.split(".")
    if len(labels) == 1 and host not in DEMO_DOMAINS:
        return "a local name"
    if labels[-1] in LOCAL_SUFFIXES:
        return "a local name"
    if any(host == demo or host.endswith("." + demo) for demo in DEMO_DOMAINS):
        return "a demo name (.example)"
    return None


def _only_in_production(check):
    def wrapper(app_configs=None, **kwargs):
        return [] if settings.DEBUG else check()

    wrapper.__name__ = check.__name__
    return register("mitlaeufer")(wrapper)


@_only_in_production
def site_url_check() -> list[Error]:
    parts = urlsplit(settings.SITE_URL)
    problem = host_problem(parts.hostname or "")
    if problem:
        return [Error(f"SITE_URL ({settings.SITE_URL}) is {problem}; every mailed link uses it.", id="mitlaeufer.E001")]
    if parts.scheme != "https":
        return [Error(f"SITE_URL must start with https:// (got {settings.SITE_URL}).", id="mitlaeufer.E001")]
    return []


@_only_in_production
def sender_check() -> list[Error]:
    errors = []
    for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL"):
        value = getattr(settings, name)
        address = parseaddr(value)[1]
        problem = host_problem(address.rpartition("@")[2]) if "@" in address else "no address"
        if problem:
            errors.append(Error(f"{name} ({value}) is {problem}.", id="mitlaeufer.E002"))
    return errors


@_only_in_production
def imprint_check() -> list[Error]:
    imprint = settings.IMPRINT
    missing = [key for key, value in imprint.items() if not str(value).strip()]
    demo = [key for key, value in imprint.items() if value in DEMO_IMPRINT_VALUES]
    email_problem = host_problem(imprint.get("email", "").rpartition("@")[2])
    if email_problem:
        demo.append("email")
    if missing or demo:
        keys = ", ".join(f"IMPRINT_{key.upper()}" for key in sorted(set(missing + demo)))
        return [
            Error(
                f"The Impressum still shows demo or empty values ({keys}).",
                hint="Set IMPRINT_NAME, IMPRINT_STREET, IMPRINT_CITY and IMPRINT_EMAIL to the operator's details.",
                id="mitlaeufer.E003",
            )
        ]
    return []


@_only_in_production
def coordinator_phone_check() -> list[Error]:
    phone = settings.COORDINATOR_PHONE.strip()
    if not phone or phone == DEMO_COORDINATOR_PHONE:
        return [
            Error(
                "COORDINATOR_PHONE is the demo number or empty; flyers print it and volunteers who must cancel "
                "at short notice call it.",
                hint="Set COORDINATOR_PHONE to the coordinators' real phone number.",
                id="mitlaeufer.E006",
            )
        ]
    return []


def placeholder_secret() -> str | None:
    """The SECRET_KEY value of .env.example, the one every copy starts with."""
    example = Path(settings.BASE_DIR) / ".env.example"
    if not example.exists():
        return None
    for line in example.read_text(encoding="utf-8").splitlines():
        if line.startswith("SECRET_KEY="):
            return line.partition("=")[2].strip().strip("\"'")
    return None


@_only_in_production
def secret_key_check() -> list[Error]:
    key = settings.SECRET_KEY
    if key == placeholder_secret() or key.startswith((PLACEHOLDER_SECRET_PREFIX, BUILD_ONLY_SECRET_PREFIX)):
        return [
            Error(
                "SECRET_KEY is the placeholder from .env.example (or the image's build-time key).",
                hint='Generate one: python -c "import secrets; print(secrets.token_urlsafe(50))"',
                id="mitlaeufer.E004",
            )
        ]
    return []


def redis_database(url: str) -> tuple[str, int, int] | None:
    """(host, port, database number) of a redis:// URL; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return None
    number = parts.path.strip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    return (parts.hostname or "localhost", parts.port or 6379, int(number) if number.isdigit() else 0)


@_only_in_production
def cache_broker_check() -> list[Error]:
    location = settings.CACHES["default"].get("LOCATION", "")
    locations = location if isinstance(location, list | tuple) else str(location).split(",")
    broker = redis_database(settings.CELERY_BROKER_URL or "")
    if broker and any(redis_database(url.strip()) == broker for url in locations):
        return [
            Error(
                "The cache and the Celery broker share one Redis database; clearing or evicting the "
                "cache would drop queued tasks.",
                hint="Point CACHE_URL at another database number, e.g. redis://redis:6379/1.",
                id="mitlaeufer.E005",
            )
        ]
    return []
