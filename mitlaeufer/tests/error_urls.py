"""The project's URLs plus a view that fails, for the 500 page and error reporting tests."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from mitlaeufer.urls import urlpatterns as project_urlpatterns


@csrf_exempt  # a form post without a token, so the crash happens with a body to leak
def broken(request, token: str):
    raise RuntimeError("kaputt")  # the message a crash report may carry, never personal data


urlpatterns = [path("kaputt/<str:token>/", broken), *project_urlpatterns]
