"""The initiatives' area at /initiative/: staff file escort requests for clients and follow them.

Every page needs a login (allauth) and an account linked to an initiative
(``directory.InitiativeStaff``). Anything else, including a request of another
initiative, answers 404, so the area does not reveal which requests exist.
Coordinators without such a link get the same 404: they work in the admin.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from directory.initiative_selectors import initiative_for_staff
from matching.matches import services as match_services
from matching.partners import selectors
from matching.partners.forms import InitiativeRequestForm
from matching.requests import services
from matching.requests.selectors import request_referral_initiatives

PAGE_SIZE = 20


def initiative_staff_required(view):
    """Log in first; then the view gets the account's initiative, or the visitor gets a 404."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        initiative = initiative_for_staff(user=request.user)
        if initiative is None:
            raise Http404
        return view(request, *args, initiative=initiative, **kwargs)

    return never_cache(login_required(wrapped))


def _own_request(initiative, pk: int):
    escort_request = selectors.initiative_request_get(initiative=initiative, pk=pk)
    if escort_request is None:
        raise Http404
    return escort_request


@initiative_staff_required
def request_list(request: HttpRequest, initiative) -> HttpResponse:
    page = Paginator(selectors.initiative_requests(initiative=initiative), PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(request, "matching/initiative/request_list.html", {"initiative": initiative, "page": page})


@initiative_staff_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, initiative) -> HttpResponse:
    if request.method == "GET":
        form = InitiativeRequestForm(initiative=initiative)
        return render(request, "matching/initiative/request_form.html", {"initiative": initiative, "form": form})
    form = InitiativeRequestForm(request.POST, initiative=initiative)
    if "search" in request.POST:
        # "Ämter suchen" without JavaScript: show the offices found, no errors yet.
        form.helper.form_show_errors = False
        return render(
            request, "matching/initiative/request_form.html", {"initiative": initiative, "form": form, "searched": True}
        )
    if not form.is_valid():
        return render(request, "matching/initiative/request_form.html", {"initiative": initiative, "form": form})
    new_office = form.new_office_data()
    escort_request, created = services.request_create_for_initiative(
        initiative=initiative,
        filed_by=request.user,
        use_initiative_contact=form.cleaned_data["use_initiative_contact"],
        office=None if new_office else form.cleaned_data["office"],
        new_office=new_office,
        language=get_language() or settings.LANGUAGE_CODE,
        privacy_policy_version=settings.PRIVACY_POLICY_VERSION,
        **form.request_data(),
    )
    if created:
        messages.success(request, _("Die Anfrage ist angekommen. Wir suchen eine Begleitung."))
    elif escort_request.filed_by_initiative_id == initiative.pk:
        messages.info(request, _("Diese Anfrage haben Sie schon geschickt. Hier ist sie."))
    else:
        # The person asked for themselves already; that request is theirs, not the initiative's.
        return render(request, "matching/request_duplicate.html", {"has_email": bool(escort_request.email)})
    return redirect("initiative:detail", pk=escort_request.pk)


@initiative_staff_required
def request_detail(request: HttpRequest, initiative, pk: int) -> HttpResponse:
    escort_request = _own_request(initiative, pk)
    return render(
        request,
        "matching/initiative/request_detail.html",
        {
            "initiative": initiative,
            "escort_request": escort_request,
            "companion_match": match_services.match_accepted_for_request(escort_request=escort_request),
            "referral_initiatives": request_referral_initiatives(escort_request=escort_request),
        },
    )


@initiative_staff_required
@require_http_methods(["GET", "POST"])
def request_cancel(request: HttpRequest, initiative, pk: int) -> HttpResponse:
    escort_request = _own_request(initiative, pk)
    if not escort_request.is_open:
        return redirect("initiative:detail", pk=pk)
    if request.method == "POST":
        services.request_cancel(escort_request=escort_request)
        messages.success(request, _("Die Anfrage ist abgesagt."))
        return redirect("initiative:detail", pk=pk)
    return render(
        request, "matching/initiative/request_cancel.html", {"initiative": initiative, "escort_request": escort_request}
    )
