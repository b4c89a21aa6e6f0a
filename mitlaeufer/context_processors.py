import re

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request) -> dict:
    return {
        "PRIVACY_POLICY_VERSION": settings.PRIVACY_POLICY_VERSION,
        "REQUEST_RETENTION_DAYS": settings.REQUEST_RETENTION_DAYS,
        "IMPRINT": settings.IMPRINT,
        "SITE_URL": settings.SITE_URL,
        "COORDINATOR_PHONE": settings.COORDINATOR_PHONE,
        "COORDINATOR_PHONE_HREF": phone_href(settings.COORDINATOR_PHONE),
        "MATCH_CANCEL_CALL_HOURS": settings.MATCH_CANCEL_CALL_HOURS,
        "VOLUNTEER_UNVERIFIED_DAYS": settings.VOLUNTEER_UNVERIFIED_DAYS,
        # Evaluated only where a template asks (the menu, for signed-in users): one query then.
        "user_home_url": SimpleLazyObject(lambda: _home_url(request)),
    }


def _home_url(request) -> str:
    from mitlaeufer.adapters import home_of

    return home_of(request.user) if request.user.is_authenticated else ""


def phone_href(number: str) -> str:
    """A ``tel:`` link for a number as people write it: "0203 / 123-456" dials as 0203123456."""
    digits = re.sub(r"[^\d+]", "", number)
    return f"tel:{digits}" if digits else ""
