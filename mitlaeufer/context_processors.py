from django.conf import settings


def site(request) -> dict:
    return {
        "PRIVACY_POLICY_VERSION": settings.PRIVACY_POLICY_VERSION,
        "REQUEST_RETENTION_DAYS": settings.REQUEST_RETENTION_DAYS,
        "IMPRINT": settings.IMPRINT,
    }
