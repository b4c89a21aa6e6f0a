"""The production WSGI application with the benchmark's URLs (``bench_web`` starts gunicorn on it)."""

import os

import django
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitlaeufer.settings")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402  (after setup)

settings.ROOT_URLCONF = "mitlaeufer.bench_urls"
application = get_wsgi_application()
