from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.paginator import page_get
from core.spam import rate_limit_count, rate_limit_reached
from directory import initiative_selectors as selectors
from directory import initiative_services as services
from directory.filters import InitiativeFilter
from directory.forms import SEARCH_RADIUS_DEFAULT_KM, InitiativeForm, InitiativeSearchForm, InitiativeSubmitForm

PAGE_SIZE = 20


def _search_query(query):
    """``plz`` is what people and links naturally write for the postal code; it means ``ort``.

    A search without ``umkreis`` (a link, ``?plz=10115``) uses the default radius, and the form must show it:
    unselected, the browser showed the first radius (5 km) while the results were for 25 km.
    """
    if query.get("plz") and not query.get("ort"):
        query = query.copy()
        query["ort"] = query["plz"]
    if query.get("ort") and not query.get("umkreis"):
        query = query.copy()
        query["umkreis"] = str(SEARCH_RADIUS_DEFAULT_KM)
    return query or None


# Read-only pages outside ATOMIC_REQUESTS' transaction: its BEGIN and COMMIT were two of the list's five
# round trips to the database, and on a busy machine every round trip waits for PostgreSQL's turn.
@transaction.non_atomic_requests
def initiative_list(request: HttpRequest) -> HttpResponse:
    search_form = InitiativeSearchForm(_search_query(request.GET))
    place, radius_km, search_failed = None, None, False
    if search_form.is_bound:
        if search_form.is_valid():
            place = search_form.cleaned_data["ort"]
            radius_km = search_form.cleaned_data["umkreis"]
        else:
            search_failed = True
    initiatives = selectors.initiatives_search(place=place, radius_km=radius_km)
    filterset = InitiativeFilter(request.GET or None, queryset=initiatives)
    # django-filter builds a form class and deep-copies its fields on every request: only when a filter was
    # chosen. The form itself is rendered only when the search form's cached fragment is missing.
    filtered = any(request.GET.getlist(name) for name in filterset.filters)
    results = filterset.qs if filtered else initiatives
    results = results if not search_failed else initiatives.none()
    page = page_get(results, request.GET.get("seite"), per_page=PAGE_SIZE)
    return render(
        request,
        "directory/initiative_list.html",
        {
            "search_form": search_form,
            "filter_form": SimpleLazyObject(lambda: filterset.form),
            "place": place,
            "radius_km": radius_km,
            "search_failed": search_failed,
            "page": page,
        },
    )


@transaction.non_atomic_requests
def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = selectors.initiative_published_get(slug=slug)
    if initiative is None:
        raise Http404
    return render(request, "directory/initiative_detail.html", {"initiative": initiative})


@require_http_methods(["GET", "POST"])
def initiative_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        scope = "initiative-submit"
        if rate_limit_reached(request=request, scope=scope, limit=settings.INITIATIVE_SUBMIT_RATE_PER_HOUR):
            return render(request, "directory/initiative_rate_limited.html", status=429)
        form = InitiativeSubmitForm(request.POST)
        if form.is_valid():
            # Only accepted entries count: correcting form errors never locks anyone out.
            rate_limit_count(request=request, scope=scope, period_seconds=3600)
            services.initiative_submit(**form.initiative_data())
            return redirect("directory:initiative_submitted")
    else:
        form = InitiativeSubmitForm()
    return render(request, "directory/initiative_submit.html", {"form": form})


def initiative_submitted(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/initiative_submitted.html")


@never_cache
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The contact's page behind the signed link: correct the entry, or confirm it as it is.

    GET only shows; every change is a POST. Bad links never raise: a forged or
    revoked one gets a 404 page, an expired one says so.
    """
    try:
        initiative = selectors.initiative_for_edit_link(slug=slug, token=token)
    except selectors.EditLinkExpired:
        return render(request, "directory/initiative_link_expired.html", status=410)
    except selectors.EditLinkInvalid:
        return render(request, "directory/initiative_link_invalid.html", status=404)
    name = initiative.name
    if request.method == "POST" and "confirm" in request.POST:
        services.initiative_confirm(initiative=initiative)
        messages.success(request, _("Danke! Ihr Eintrag ist bestätigt."))
        return redirect(request.path)
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        services.initiative_update_by_contact(initiative=initiative, **form.initiative_data())
        messages.success(request, _("Danke! Ihre Änderungen sind gespeichert."))
        return redirect(request.path)
    return render(
        request, "directory/initiative_edit.html", {"form": form, "initiative": initiative, "initiative_name": name}
    )
