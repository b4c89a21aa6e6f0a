"""Realistic production values that pass the checks in mitlaeufer/checks.py.

``.invalid`` (RFC 2606) can never resolve, so nothing a test sends with these
values reaches anyone; .ci/run uses the same names.
"""

SITE = "mitlaeufer.ci.invalid"


def production_env(*, redis_url: str = "redis://127.0.0.1:6379/12", cache_url: str = "redis://127.0.0.1:6379/11"):
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_READ_DOT_ENV": "false",
        "SECRET_KEY": "test-" + "k7Qz9vXw2LmP4rT8yB1nH6sD3fG5jC0aE" * 2,
        "ALLOWED_HOSTS": SITE,
        "CSRF_TRUSTED_ORIGINS": f"https://{SITE}",
        "SITE_URL": f"https://{SITE}",
        "DEFAULT_FROM_EMAIL": f"Mitläufer <noreply@{SITE}>",
        "IMPRINT_NAME": "Mitläufer CI e. V.",
        "IMPRINT_STREET": "Königstraße 1",
        "IMPRINT_CITY": "47051 Duisburg",
        "IMPRINT_EMAIL": f"kontakt@{SITE}",
        "COORDINATOR_PHONE": "0203 98765-0",
        "REDIS_URL": redis_url,
        "CACHE_URL": cache_url,
    }
