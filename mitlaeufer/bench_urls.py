"""The site's URLs plus one bare view, for ``bench_web`` only (served by ``mitlaeufer.bench_wsgi``).

The bare view answers through the same middleware as every page, so a page's rate divided by the bare
view's rate is what the page itself costs, on whatever machine and load the benchmark ran.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mitlaeufer.urls import urlpatterns as site_urlpatterns

BARE_PATH = "bench-bare/"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH, bare), *site_urlpatterns]
