"""The public Mitläuferliste: the regions, one region, and the form that relays a message to a listed volunteer."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.spam import rate_limit_count, rate_limit_reached
from volunteers import selectors as volunteer_selectors
from volunteers.public_list import selectors, services
from volunteers.public_list.forms import ListingForm, RelayForm

logger = logging.getLogger(__name__)

RATE_SCOPE = "public-list-relay"
# Only a bot does these: they count towards the client's limit like an accepted message.
BOT_CODES = ("honeypot", "tampered")
REJECTION_CODES = ("honeypot", "too_fast", "tampered", "expired")
RELAY_FIELDS = ("sender_name", "sender_email", "sender_phone", "message")


def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public_list/overview.html", {"overview": selectors.list_overview()})


def _region_or_404(slug: str) -> selectors.RegionSummary:
    region = selectors.list_overview().region(slug)
    if region is None:
        raise Http404
    return region


def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = _region_or_404(slug)
    return render(
        request,
        "volunteers/public_list/region.html",
        {
            "region": region,
            "initiatives": selectors.initiatives_of_region(region_id=region.pk),
            "page": selectors.volunteers_listed_page(region_id=region.pk, page_number=request.GET.get("seite")),
            "count_min": selectors.COUNT_MIN,
            "language_min": selectors.LANGUAGE_MIN,
        },
    )


def _volunteer_cap_key(volunteer_id: int) -> str:
    return f"public-list-relay:volunteer:{volunteer_id}"


def _volunteer_cap_reached(volunteer_id: int) -> bool:
    # However many senders: a listed volunteer gets at most this many messages a day, so nobody can flood them.
    return (cache.get(_volunteer_cap_key(volunteer_id)) or 0) >= settings.PUBLIC_LIST_RELAY_PER_VOLUNTEER_PER_DAY


def _volunteer_cap_count(volunteer_id: int) -> None:
    key = _volunteer_cap_key(volunteer_id)
    if not cache.add(key, 1, timeout=24 * 60 * 60):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, timeout=24 * 60 * 60)


def _rejected(form: RelayForm) -> str | None:
    return next((code for code in REJECTION_CODES if form.has_error(NON_FIELD_ERRORS, code)), None)


@require_http_methods(["GET", "POST"])
def relay(request: HttpRequest, slug: str, volunteer_id: int) -> HttpResponse:
    region = _region_or_404(slug)
    volunteer = selectors.volunteer_listed_get(region_id=region.pk, volunteer_id=volunteer_id)
    if volunteer is None:
        raise Http404
    context = {"region": region, "volunteer": volunteer, "area": selectors.postal_area(volunteer.postal_code_id)}
    if request.method == "GET":
        return render(request, "volunteers/public_list/relay.html", {**context, "form": RelayForm()})

    form = RelayForm(request.POST)
    limited = None
    if rate_limit_reached(request=request, scope=RATE_SCOPE, limit=settings.PUBLIC_LIST_RELAY_RATE_LIMIT):
        limited = "client"
    elif _volunteer_cap_reached(volunteer.pk):
        limited = "volunteer"
    if limited:
        logger.warning("public list message rejected: rate limit (%s)", limited)
        # Shown again as typed, without error marks; nothing is sent.
        form = RelayForm(initial={name: request.POST.get(name, "") for name in RELAY_FIELDS})
        return render(
            request, "volunteers/public_list/relay.html", {**context, "form": form, "limited": limited}, status=429
        )
    if not form.is_valid():
        reason = _rejected(form)
        if reason:
            logger.warning("public list message rejected: %s", reason)
        if reason in BOT_CODES:
            rate_limit_count(request=request, scope=RATE_SCOPE, period_seconds=settings.PUBLIC_LIST_RELAY_RATE_SECONDS)
        status = 400 if reason else 200
        return render(request, "volunteers/public_list/relay.html", {**context, "form": form}, status=status)

    rate_limit_count(request=request, scope=RATE_SCOPE, period_seconds=settings.PUBLIC_LIST_RELAY_RATE_SECONDS)
    _volunteer_cap_count(volunteer.pk)
    services.relay_send(volunteer=volunteer, **{name: form.cleaned_data[name] for name in RELAY_FIELDS})
    messages.success(
        request,
        _("Danke! Wir leiten Ihre Nachricht an %(name)s weiter. Bei Interesse meldet sich %(name)s bei Ihnen.")
        % {"name": volunteer.display_name},
    )
    return redirect("public_list:region", slug=region.slug)


@login_required
@require_POST
def listing_set(request: HttpRequest) -> HttpResponse:
    """The opt-in on /profil/: show me on the public list, or not."""
    volunteer = volunteer_selectors.volunteer_for_user(user=request.user)
    if volunteer is None:
        return redirect("volunteers:edit")
    form = ListingForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    listed = bool(form.cleaned_data.get("listed_publicly"))
    services.volunteer_listing_set(volunteer=volunteer, listed=listed)
    if listed:
        messages.success(request, _("Sie stehen jetzt mit Vornamen auf der öffentlichen Mitläuferliste."))
    else:
        messages.success(request, _("Sie stehen nicht mehr auf der öffentlichen Mitläuferliste."))
    return redirect(reverse("volunteers:profile") + "#public-listing")
