import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL character anywhere in the path, query or form fields.

    No person types one, and PostgreSQL refuses to store or even compare text
    containing it, which would otherwise surface as a 500 from any filter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return HttpResponseBadRequest(_("Ungültige Eingabe."), content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        data = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            data.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values) for qd in data for key, values in qd.lists()
        )


class HealthCheckMiddleware:
    """Answer /healthz before host validation and the HTTPS redirect.

    Container health probes call http://localhost:8000/healthz from inside the
    container, where neither the public host name nor HTTPS applies. The answer
    holds no data beyond "ok"/"down", so it is safe to give on any host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            from mitlaeufer.views import healthz

            return healthz(request)
        return self.get_response(request)


GERMAN_ENGLISH_ONLY = re.compile("|".join(settings.GERMAN_ENGLISH_ONLY_PATHS))


class ChosenLanguageMiddleware(LocaleMiddleware):
    """German for everyone, English for whoever chose it with the language switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a phone set
    to English would get English pages nobody asked for. Here only the switcher's
    cookie counts; without it every page is German.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        # The person's path speaks every language; the volunteers' and partners' pages only German and
        # English (locale/README.md). There a whole German page, marked lang="de", beats German text in an
        # Arabic right-to-left frame that a screen reader would read with an Arabic voice.
        request.chosen_language = language
        if language not in settings.LANGUAGES_EVERYWHERE and GERMAN_ENGLISH_ONLY.match(request.path_info):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
