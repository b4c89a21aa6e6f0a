"""The volunteer's accept/decline page and the feedback page. GET never changes anything:
mail scanners follow links, so every change is a POST from a button on the page."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from matching.links import token_page
from matching.matches import selectors
from matching.matches import services as match_services
from matching.matches.calendar import calendar_response, match_ics, volunteer_feed_ics
from matching.models import MatchStatus, Outcome, RequestStatus
from volunteers.selectors import volunteer_by_calendar_token


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Grund (freiwillig)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BackOutForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Warum können Sie nicht? (kurz)"),
        max_length=300,
        required=True,
        error_messages={"required": gettext_lazy("Bitte schreiben Sie kurz, warum Sie absagen.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)


class RefusalForm(forms.Form):
    refusal_said = forms.CharField(
        label=gettext_lazy("Was wurde am Amt gesagt? Wer hat es gesagt (Stelle, nicht Name)?"),
        help_text=gettext_lazy("Zum Beispiel: „Begleitpersonen sind hier nicht erlaubt“ – an der Eingangszone."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/match_not_found.html", status=404)


@token_page
@never_cache
@require_http_methods(["GET", "POST"])
def match_page(request: HttpRequest, token: str) -> HttpResponse:
    match = selectors.match_by_token(token=token)
    # A volunteer who erased their account took the link with them.
    if match is None or match.volunteer_id is None or match_services.match_is_expired(match=match):
        return _not_found(request)
    action = request.POST.get("action")
    decline_form = DeclineForm(request.POST if action == "decline" else None)
    back_out_form = BackOutForm(request.POST if action == "back_out" else None)
    if request.method == "POST":
        try:
            if action == "accept":
                # The page's status box says it once; a flash message on top said it twice.
                match_services.match_accept(match=match)
                return redirect("einsatz:match", token=token)
            if action == "decline" and decline_form.is_valid():
                match_services.match_decline(match=match, reason=decline_form.cleaned_data["reason"])
                return redirect("einsatz:match", token=token)
            if action == "back_out" and back_out_form.is_valid():
                match_services.match_back_out(match=match, reason=back_out_form.cleaned_data["reason"])
                return redirect("einsatz:match", token=token)
        except match_services.MatchError as error:
            messages.error(request, str(error))
            return redirect("einsatz:match", token=token)
        match.refresh_from_db()
    return render(
        request,
        "matching/match.html",
        {
            "match": match,
            "escort_request": match.request,
            "decline_form": decline_form,
            "found_elsewhere": match.status == MatchStatus.CANCELLED
            and match.request.status in (RequestStatus.CONFIRMED, RequestStatus.DONE),
            "back_out_form": back_out_form,
            "must_call": match_services.match_must_call(match=match),
            "MatchStatus": MatchStatus,
        },
    )


@token_page
@never_cache
def match_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The volunteer's calendar file for an accepted escort (a cancelled one comes as a cancellation)."""
    match = selectors.match_by_token(token=token)
    if (
        match is None
        or match.volunteer_id is None
        or match.status not in (MatchStatus.ACCEPTED, MatchStatus.BACKED_OUT)
    ):
        return _not_found(request)
    return calendar_response(match_ics(match=match, cancelled=match.status == MatchStatus.BACKED_OUT))


@token_page
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_page(request: HttpRequest, token: str) -> HttpResponse:
    match = selectors.match_by_token(token=token)
    if match is None or match.volunteer_id is None or match.status not in (MatchStatus.ACCEPTED, MatchStatus.DONE):
        return _not_found(request)
    if request.method == "POST" and "refusal_said" in request.POST:
        refusal = RefusalForm(request.POST)
        if refusal.is_valid():
            try:
                match_services.match_record_refusal(match=match, said=refusal.cleaned_data["refusal_said"])
                messages.success(request, _("Danke! Wir sprechen das beim Amt an."))
            except match_services.MatchError as error:
                messages.error(request, str(error))
        else:
            messages.error(request, _("Bitte schreiben Sie kurz, was gesagt wurde (höchstens 1000 Zeichen)."))
        return redirect("einsatz:feedback", token=token)
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                match_services.match_record_outcome(match=match, outcome=form.cleaned_data["outcome"])
                messages.success(request, _("Danke für Ihre Rückmeldung!"))
            except match_services.MatchError as error:
                messages.error(request, str(error))
        else:
            messages.error(request, _("Bitte wählen Sie eine der Antworten."))
        return redirect("einsatz:feedback", token=token)
    context = {"match": match, "outcomes": Outcome.choices}
    if match.outcome == Outcome.NOT_ADMITTED and not match.refusal_said:
        context["refusal_form"] = RefusalForm()
    return render(request, "matching/match_feedback.html", context)


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar apps subscribe to; an unknown or revoked token is a plain 404."""
    volunteer = volunteer_by_calendar_token(token=token)
    if volunteer is None:
        return HttpResponse(status=404)
    ics = volunteer_feed_ics(matches=selectors.matches_for_feed(volunteer=volunteer), language=volunteer.language)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
