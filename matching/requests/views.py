"""The public request form and the secret status page. Thin: forms validate, services write."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.spam import rate_limit_count, rate_limit_reached
from directory import selectors as directory_selectors
from matching.links import request_status_url, token_page
from matching.matches import services as match_services
from matching.matches.calendar import calendar_response, request_ics
from matching.matches.printables import office_notice_response
from matching.models import AccompanimentRequest
from matching.requests import selectors, services
from matching.requests.appointment import RescheduleForm
from matching.requests.forms import RequestForm, clean_search_text, office_label, office_search_message
from matching.requests.status_link import status_link_qr_svg

logger = logging.getLogger(__name__)

# The codes core.spam rejects a submission with.
REJECTION_CODES = ("honeypot", "too_fast", "tampered", "expired")

# Counted towards the rate limit besides accepted submissions: only a bot does these.
BOT_CODES = ("honeypot", "tampered")
RATE_SCOPE = "request-form"

# Requests created in this browser session: a double click shows the first one again.
SESSION_KEY = "matching_request_ids"
# The request just created: its status page opens as the confirmation, the link to keep first.
CONFIRM_SESSION_KEY = "matching_request_confirm"


def _not_found(request: HttpRequest) -> HttpResponse:
    # The same page for every token that does not open a request.
    return render(request, "matching/request_not_found.html", status=404)


def _speak_their_language(request: HttpRequest, escort_request: AccompanimentRequest) -> None:
    # Opened from the mail on a phone where no language was chosen: the language the person asked in.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not chosen and escort_request.language in dict(settings.LANGUAGES):
        translation.activate(escort_request.language)
        request.LANGUAGE_CODE = escort_request.language


def _rejected(form: RequestForm) -> str | None:
    for code in REJECTION_CODES:
        if form.has_error(NON_FIELD_ERRORS, code):
            return code
    return None


def _count(request: HttpRequest) -> None:
    rate_limit_count(request=request, scope=RATE_SCOPE, period_seconds=settings.REQUEST_RATE_LIMIT_SECONDS)


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = RequestForm(initial={"office_query": clean_search_text(request.GET.get("amt", ""))})
        return render(request, "matching/request_form.html", {"form": form})

    if "search" in request.POST:
        # "Ämter suchen" without JavaScript: show the offices found, no errors yet.
        form = RequestForm(request.POST)
        form.helper.form_show_errors = False
        return render(request, "matching/request_form.html", {"form": form, "searched": True})

    if rate_limit_reached(request=request, scope=RATE_SCOPE, limit=settings.REQUEST_RATE_LIMIT):
        logger.warning("request form rejected: rate limit")
        # The typed form comes back (without error marks), so nothing is lost; the notice offers the phone.
        form = RequestForm(request.POST)
        form.helper.form_show_errors = False
        return render(request, "matching/request_form.html", {"form": form, "rate_limited": True}, status=429)

    form = RequestForm(request.POST)
    if not form.is_valid():
        reason = _rejected(form)
        if reason:
            logger.warning("request form rejected: %s", reason)
        if reason in BOT_CODES:
            _count(request)
        return render(request, "matching/request_form.html", {"form": form}, status=400 if reason else 200)
    # Only now: a person who corrects errors is not locked out by their own mistakes.
    _count(request)

    return request_create_response(request, form)


def request_create_response(request: HttpRequest, form: RequestForm) -> HttpResponse:
    """Save the request of a valid form (the full one or the one in Leichte Sprache) and answer the person."""
    new_office = form.new_office_data()
    escort_request, created = services.request_create(
        office=None if new_office else form.cleaned_data["office"],
        new_office=new_office,
        language=get_language() or settings.LANGUAGE_CODE,
        privacy_policy_version=settings.PRIVACY_POLICY_VERSION,
        **form.request_data(),
    )
    own = request.session.get(SESSION_KEY, [])
    if created:
        request.session[SESSION_KEY] = [*own, escort_request.pk][-20:]
        request.session[CONFIRM_SESSION_KEY] = escort_request.pk
        messages.success(request, _("Danke! Ihre Anfrage ist angekommen."))
        return redirect("matching:status", token=escort_request.token)
    if escort_request.pk in own:
        messages.info(request, _("Diese Anfrage haben Sie schon geschickt. Hier ist sie."))
        return redirect("matching:status", token=escort_request.token)
    # Someone else could know the contact, office and time: never hand out the link here.
    return render(request, "matching/request_duplicate.html", {"has_email": bool(escort_request.email)})


@require_GET
def office_search(request: HttpRequest) -> JsonResponse:
    """The office picker's live search (progressive enhancement; the form works without it)."""
    query = clean_search_text(request.GET.get("q", ""))
    offices = list(directory_selectors.offices_search(query=query)) if query else []
    return JsonResponse(
        {
            "results": [{"id": office.pk, "label": office_label(office)} for office in offices],
            "message": office_search_message(count=len(offices)) if query else "",
        }
    )


@never_cache
@token_page
@require_GET
def request_status(request: HttpRequest, token: str) -> HttpResponse:
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None:
        return _not_found(request)
    _speak_their_language(request, escort_request)
    url = request_status_url(escort_request=escort_request)
    return render(
        request,
        "matching/request_status.html",
        {
            "escort_request": escort_request,
            "status_url": url,
            "status_qr": mark_safe(status_link_qr_svg(url=url)),  # noqa: S308 segno's own SVG
            "confirmation": request.session.pop(CONFIRM_SESSION_KEY, None) == escort_request.pk,
            "companion_match": match_services.match_accepted_for_request(escort_request=escort_request),
            "referral_initiatives": selectors.request_referral_initiatives(escort_request=escort_request),
        },
    )


@never_cache
@token_page
@require_http_methods(["GET", "POST"])
def request_cancel(request: HttpRequest, token: str) -> HttpResponse:
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None:
        return _not_found(request)
    _speak_their_language(request, escort_request)
    if not escort_request.is_open:
        return redirect("matching:status", token=token)
    if request.method == "POST":
        services.request_cancel(escort_request=escort_request)
        messages.success(request, _("Ihre Anfrage ist abgesagt. Danke, dass Sie uns Bescheid geben."))
        return redirect("matching:status", token=token)
    return render(request, "matching/request_cancel.html", {"escort_request": escort_request})


@never_cache
@token_page
@require_http_methods(["GET", "POST"])
def request_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None:
        return _not_found(request)
    _speak_their_language(request, escort_request)
    if not escort_request.is_open:
        return redirect("matching:status", token=token)
    initial = {
        "date": timezone.localtime(escort_request.starts_at).date(),
        "time": timezone.localtime(escort_request.starts_at).time(),
        "duration_minutes": escort_request.duration_minutes,
    }
    form = RescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.request_reschedule(
            escort_request=escort_request,
            starts_at=form.cleaned_data["starts_at"],
            duration_minutes=form.cleaned_data["duration_minutes"],
        )
        messages.success(request, _("Ihr neuer Termin ist gespeichert. Wir suchen passend dazu eine Begleitung."))
        return redirect("matching:status", token=token)
    return render(request, "matching/request_reschedule.html", {"escort_request": escort_request, "form": form})


@never_cache
@token_page
@require_http_methods(["GET", "POST"])
def request_erase(request: HttpRequest, token: str) -> HttpResponse:
    """ "Meine Daten jetzt löschen": a confirmation page, then the erasure (POST only)."""
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None:
        return _not_found(request)
    _speak_their_language(request, escort_request)
    if request.method == "POST":
        services.request_erase_now(escort_request=escort_request)
        # This browser's memory of the request (for double clicks) goes too.
        request.session[SESSION_KEY] = [pk for pk in request.session.get(SESSION_KEY, []) if pk != escort_request.pk]
        return redirect("matching:erased")
    return render(request, "matching/request_erase.html", {"escort_request": escort_request})


@never_cache
@require_GET
def request_erased(request: HttpRequest) -> HttpResponse:
    """The last page: it needs no data, so it cannot show any."""
    response = render(request, "matching/request_erased.html")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@token_page
@require_GET
def request_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar file for their appointment (with the companion's first name once someone comes)."""
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None or not escort_request.is_open:
        return _not_found(request)
    companion = match_services.match_accepted_for_request(escort_request=escort_request)
    name = companion.volunteer.display_name if companion and companion.volunteer else ""
    return calendar_response(request_ics(escort_request=escort_request, companion=name))


@never_cache
@token_page
@require_GET
def request_office_notice(request: HttpRequest, token: str) -> HttpResponse:
    """The "Hinweis für das Amt", once someone has said they come along."""
    escort_request = selectors.request_by_token(token=token)
    companion = (
        match_services.match_accepted_for_request(escort_request=escort_request) if escort_request is not None else None
    )
    if escort_request is None or companion is None or companion.volunteer is None or not escort_request.is_open:
        return _not_found(request)
    return office_notice_response(
        request,
        escort_request=escort_request,
        companion=companion.volunteer.display_name,
        back_url=reverse("matching:status", kwargs={"token": token}),
    )
