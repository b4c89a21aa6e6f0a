import json

from allauth.account.views import signup as allauth_signup
from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import privacy
from core.i18n import active_language
from core.spam import rate_limit_count, rate_limit_reached
from volunteers import profile_sections, selectors, services
from volunteers.forms import AbsenceForm, DeleteAccountForm, PauseForm, VolunteerProfileForm, VolunteerSignupForm
from volunteers.public_list.forms import ListingForm


def _post_data(request: HttpRequest):
    """The POST data to bind a form to, or None on GET.

    Not ``request.POST or None``: a POST with nothing ticked is an empty, falsy
    QueryDict, and the form would stay unbound and show no error.
    """
    return request.POST if request.method == "POST" else None


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    volunteer = selectors.volunteer_for_user(user=request.user)
    if volunteer is None:
        return redirect("volunteers:edit")
    return render(
        request,
        "volunteers/profile.html",
        {
            "volunteer": volunteer,
            "absences": volunteer.absences.filter(ends_on__gte=timezone.localdate()),
            "pause_form": PauseForm(initial={"paused_until": volunteer.paused_until}),
            "absence_form": AbsenceForm(),
            "has_consent": selectors.volunteer_has_consent(volunteer=volunteer),
            "erasure_due_on": selectors.volunteer_erasure_due_on(volunteer=volunteer),
            "sections": profile_sections.render_sections(request=request, volunteer=volunteer),
            "calendar_feed_url": _calendar_feed_url(volunteer),
            "listing_form": ListingForm(initial={"listed_publicly": volunteer.listed_publicly}),
        },
    )


def _calendar_feed_url(volunteer) -> str:
    if not volunteer.calendar_token:
        return ""
    return settings.SITE_URL + reverse("einsatz:calendar_feed", kwargs={"token": volunteer.calendar_token})


@login_required
@require_POST
def calendar_feed_renew(request: HttpRequest) -> HttpResponse:
    """A new private feed address (the old one stops working), or none with ``revoke``."""
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:edit")
    revoke = request.POST.get("action") == "revoke"
    services.volunteer_calendar_token_renew(volunteer=volunteer, revoke=revoke)
    if revoke:
        messages.success(request, _("Die Kalender-Adresse ist gelöscht. Kalender-Apps bekommen nichts mehr."))
    else:
        messages.success(request, _("Ihre neue Kalender-Adresse steht unten. Die alte gilt nicht mehr."))
    return redirect(reverse("volunteers:profile") + "#calendar-feed")


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    volunteer = selectors.volunteer_for_user(user=request.user)
    # A signed-in user without a profile (say, a coordinator) joins the list here.
    form_class = VolunteerProfileForm if volunteer else VolunteerSignupForm
    initial = VolunteerProfileForm.initial_from(volunteer) if volunteer else None
    form = form_class(_post_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if volunteer:
            services.volunteer_update(volunteer=volunteer, language=active_language(), **form.profile_data())
        else:
            services.volunteer_create(
                user=request.user,
                policy_version=settings.PRIVACY_POLICY_VERSION,
                language=active_language(),
                **form.profile_data(),
            )
        messages.success(request, _("Ihre Angaben sind gespeichert."))
        return redirect("volunteers:profile")
    return render(request, "volunteers/profile_edit.html", {"form": form, "volunteer": volunteer})


def _own_volunteer(request):
    return selectors.volunteer_for_user(user=request.user)


@login_required
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:edit")
    form = PauseForm(request.POST)
    if form.is_valid():
        until = form.cleaned_data["paused_until"]
        services.volunteer_pause(volunteer=volunteer, until=until)
        # A pause is announced by the profile's status box; a flash message would say it twice.
        if not until:
            messages.success(request, _("Ihre Pause ist beendet. Schön, dass Sie wieder dabei sind."))
    else:
        for error in form.errors.get("paused_until", []):
            messages.error(request, error)
    return redirect("volunteers:profile")


@login_required
@require_POST
def absence_add(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:edit")
    form = AbsenceForm(request.POST)
    if form.is_valid():
        services.absence_add(volunteer=volunteer, **form.cleaned_data)
        messages.success(request, _("Die Abwesenheit ist eingetragen."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("volunteers:profile")


@login_required
@require_POST
def absence_delete(request: HttpRequest, absence_id: int) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer and services.absence_delete(volunteer=volunteer, absence_id=absence_id):
        messages.success(request, _("Die Abwesenheit ist gelöscht."))
    return redirect("volunteers:profile")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:edit")
    data = services.volunteer_export(volunteer=volunteer)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mitlaeufer-meine-daten.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_page(request: HttpRequest) -> HttpResponse:
    """The same data as the JSON download, readable."""
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:edit")
    data = services.volunteer_export(volunteer=volunteer)
    response = render(
        request,
        "volunteers/my_data.html",
        {"tables": privacy.export_readable(data["records"]), "exported_at": timezone.now()},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    form = DeleteAccountForm(_post_data(request))
    if request.method == "POST" and form.is_valid():
        user = request.user
        if volunteer:
            services.volunteer_erase(volunteer=volunteer)
        else:
            user.delete()
        logout(request)
        messages.success(request, _("Ihr Konto und alle Ihre Daten sind gelöscht. Danke für Ihre Hilfe!"))
        return redirect("home")
    return render(request, "volunteers/delete_account.html", {"form": form})


@login_required
@require_POST
def consent_withdraw(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer:
        services.consent_withdraw(volunteer=volunteer)
        messages.success(
            request,
            _(
                "Ihre Einwilligung ist widerrufen. Wir schlagen Sie nicht mehr vor. Wenn Sie nicht wieder "
                "einwilligen, löschen wir Ihr Konto nach %(days)s Tagen. Sie können es auch jetzt löschen."
            )
            % {"days": settings.VOLUNTEER_WITHDRAWN_DAYS},
        )
    return redirect("volunteers:profile")


@login_required
@require_POST
def consent_give(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer and not selectors.volunteer_has_consent(volunteer=volunteer):
        services.consent_give(volunteer=volunteer, policy_version=settings.PRIVACY_POLICY_VERSION)
        messages.success(request, _("Danke! Sie stehen wieder auf der Mitläuferliste."))
    return redirect("volunteers:profile")


SIGNUP_RATE_SCOPE = "signup"


def signup(request: HttpRequest) -> HttpResponse:
    """Allauth's sign-up, counting only accepted sign-ups towards the client's limit.

    Allauth counts every POST (``ACCOUNT_RATE_LIMITS["signup"]``, kept as a generous
    flood guard); here a person who corrects form errors is never locked out by their
    own mistakes: only a sign-up that went through (allauth redirects) is counted.
    """
    posted = request.method == "POST"
    if posted and rate_limit_reached(request=request, scope=SIGNUP_RATE_SCOPE, limit=settings.SIGNUP_RATE_LIMIT):
        return respond_429(request)
    response = allauth_signup(request)
    if posted and response.status_code == 302:
        rate_limit_count(request=request, scope=SIGNUP_RATE_SCOPE, period_seconds=3600)
    return response


def briefing(request: HttpRequest) -> HttpResponse:
    """What a Beistand does and does not do: public, so the welcome mail can link it before the first login."""
    volunteer = selectors.volunteer_for_user(user=request.user)
    return render(request, "volunteers/briefing.html", {"volunteer": volunteer})


@login_required
@require_POST
def briefing_confirm(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:edit")
    services.volunteer_confirm_briefing(volunteer=volunteer)
    messages.success(request, _("Danke! Ab jetzt können wir Sie fragen, ob Sie jemanden begleiten."))
    return redirect("volunteers:profile")
