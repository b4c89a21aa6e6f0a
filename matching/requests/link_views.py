"""Keeping the status link: send it to myself, print it, find my request again by e-mail. Thin views."""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.spam import SpamProtectedForm, rate_limit_hit
from matching.links import request_status_url, token_page
from matching.requests import selectors, status_link

logger = logging.getLogger(__name__)


def _link_rate_limited(request: HttpRequest) -> bool:
    return rate_limit_hit(
        request=request, scope="request-link", limit=settings.REQUEST_LINK_RATE_LIMIT, period_seconds=3600
    )


@never_cache
@token_page
@require_POST
def request_link_mail(request: HttpRequest, token: str) -> HttpResponse:
    """ "Link an mich schicken": to the address the person gave with the request."""
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None:
        return render(request, "matching/request_not_found.html", status=404)
    if _link_rate_limited(request) or not status_link.request_link_send(escort_request=escort_request):
        messages.info(
            request,
            _("Wir haben Ihnen den Link vor kurzem geschickt. Bitte schauen Sie in Ihre E-Mails, auch im Spam-Ordner."),
        )
    else:
        messages.success(request, _("Wir schicken Ihnen den Link jetzt per E-Mail."))
    return redirect("matching:status", token=token)


@never_cache
@token_page
@require_GET
def request_print(request: HttpRequest, token: str) -> HttpResponse:
    """A page to print: the link, its QR code and the appointment, nothing else."""
    escort_request = selectors.request_by_token(token=token)
    if escort_request is None:
        return render(request, "matching/request_not_found.html", status=404)
    url = request_status_url(escort_request=escort_request)
    return render(
        request,
        "matching/request_print.html",
        {
            "escort_request": escort_request,
            "status_url": url,
            "status_qr": mark_safe(status_link.status_link_qr_svg(url=url)),  # noqa: S308 segno's own SVG
        },
    )


class FindRequestForm(SpamProtectedForm):
    email = forms.EmailField(
        label=gettext_lazy("Ihre E-Mail-Adresse"),
        help_text=gettext_lazy("Die Adresse, die Sie bei der Anfrage angegeben haben."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": gettext_lazy("Diese E-Mail-Adresse stimmt nicht. Bitte prüfen Sie sie."),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def request_find(request: HttpRequest) -> HttpResponse:
    """Mails the links of the requests made with an address. The answer is the same whether there are any."""
    form = FindRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _link_rate_limited(request):
            logger.warning("request lookup rejected: rate limit")
            return render(request, "matching/request_rate_limited.html", status=429)
        status_link.request_links_resend(email=form.cleaned_data["email"])
        return render(request, "matching/request_find_sent.html")
    return render(request, "matching/request_find.html", {"form": form})
