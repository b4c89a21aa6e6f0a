"""Phone intake: a coordinator takes a request for a caller, and prints the caller's confirmation.

The public form's fields and validation (office search, appointment bounds, one
contact), without what protects the public form from bots: a coordinator is
logged in, so no rate limit, no honeypot and no fill timer. The consent is the
caller's, given verbally; the request records which coordinator took it and when.
"""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.models import PostalCode
from geo.regions import coordinator_region_ids
from matching.audit import audit_access
from matching.links import request_status_url
from matching.models import AccompanimentRequest, IntakeChannel
from matching.requests import services as request_services
from matching.requests.forms import RequestForm

# Groups of the form on the intake page, in the order a phone call goes.
INTAKE_FIELDSETS = [
    (gettext_lazy("Wer ruft an?"), ["first_name", "phone", "email", "preferred_contact", "letter_language"]),
    (gettext_lazy("Wo ist der Termin?"), ["office_query", "office", "new_office_name", "new_office_street"]),
    (None, ["new_office_postal_code"]),
    (gettext_lazy("Wann ist der Termin?"), ["date", "time", "duration_minutes", "purpose"]),
    (
        gettext_lazy("Freiwillige Angaben"),
        ["languages", "needs_language", "preferred_gender", "accessibility", "message", "counselling_services"],
    ),
    (gettext_lazy("Einwilligung"), ["consent"]),
]


class PhoneIntakeForm(RequestForm):
    spam_protection = False
    letter_language = forms.ChoiceField(
        label=gettext_lazy("Sprache für Bestätigung und Nachrichten"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )

    def __init__(self, *args, region_ids: list[int] | None = None, **kwargs):
        # Set before the form builds its office list: a regional coordinator picks offices of their regions.
        self.office_region_ids = region_ids
        super().__init__(*args, **kwargs)
        self.fields["first_name"].label = gettext_lazy("Vorname der anrufenden Person")
        self.fields["consent"].label = gettext_lazy(
            "Die Person hat am Telefon mündlich eingewilligt, dass Mitläufer ihre Angaben speichert, "
            "um eine Begleitung zu finden (Datenschutzhinweise vorgelesen oder angeboten)."
        )
        self.fields["consent"].error_messages["required"] = gettext_lazy(
            "Ohne die mündliche Einwilligung der Person können wir keine Begleitung suchen."
        )

    def clean_new_office_postal_code(self):
        code = self.cleaned_data.get("new_office_postal_code")
        regions = self.office_region_ids
        if code and regions is not None and not PostalCode.objects.filter(code=code, region__in=regions).exists():
            raise forms.ValidationError(
                _(
                    "Diese Postleitzahl liegt nicht in Ihrer Region. "
                    "Bitte geben Sie den Anruf an die Koordination dort weiter."
                )
            )
        return code

    def fieldsets(self):
        for title, names in INTAKE_FIELDSETS:
            yield title, [self[name] for name in names]


class PhoneIntakeAdminMixin:
    """The intake page and the printable confirmation, as views of the request admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("telefon/", wrap(self.phone_intake_view), name="matching_request_phone"),
            path("<int:pk>/bestaetigung/", wrap(self.confirmation_view), name="matching_request_confirmation"),
            *super().get_urls(),
        ]

    def phone_intake_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request) or not request.user.has_perm("matching.change_accompanimentrequest"):
            raise PermissionDenied
        form = PhoneIntakeForm(request.POST or None, region_ids=coordinator_region_ids(request.user))
        searched = request.method == "POST" and "search" in request.POST
        if request.method == "POST" and not searched and form.is_valid():
            return self._phone_intake_save(request, form)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Telefonische Anfrage aufnehmen"),
            "form": form,
            "searched": searched,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/matching/accompanimentrequest/phone_intake.html", context)

    def _phone_intake_save(self, request: HttpRequest, form: PhoneIntakeForm) -> HttpResponse:
        new_office = form.new_office_data()
        escort_request, created = request_services.request_create(
            office=None if new_office else form.cleaned_data["office"],
            new_office=new_office,
            language=form.cleaned_data["letter_language"],
            privacy_policy_version=settings.PRIVACY_POLICY_VERSION,
            intake_channel=IntakeChannel.PHONE,
            consent_recorded_by=request.user,
            **form.request_data(),
        )
        if created:
            AccompanimentRequest.objects.filter(pk=escort_request.pk).update(owner=request.user)
            messages.success(request, _("Die Anfrage ist aufgenommen. Wir suchen eine Begleitung."))
        else:
            messages.info(request, _("Diese Anfrage gab es schon (gleicher Kontakt, gleiches Amt, gleiche Zeit)."))
        if not escort_request.email:
            return redirect("admin:matching_request_confirmation", pk=escort_request.pk)
        return redirect("admin:matching_accompanimentrequest_change", escort_request.pk)

    def confirmation_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        escort_request = self.get_queryset(request).select_related("office").filter(pk=pk).first()
        if escort_request is None or escort_request.is_erased:
            raise Http404
        if not self.has_view_permission(request, escort_request):
            raise PermissionDenied
        audit_access(instance=escort_request)
        url = request_status_url(escort_request=escort_request)
        with translation.override(escort_request.language or settings.LANGUAGE_CODE):
            # segno writes the SVG itself from the URL (no markup from input), so it is safe to embed.
            qr = mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, title=_("QR-Code des Links")))  # noqa: S308
            return TemplateResponse(
                request,
                "admin/matching/accompanimentrequest/confirmation.html",
                {
                    "escort_request": escort_request,
                    "status_url": url,
                    "qr_svg": qr,
                    "back_url": reverse("admin:matching_accompanimentrequest_change", args=[pk]),
                    "team_phone": settings.COORDINATOR_PHONE,
                    "team_email": settings.IMPRINT["email"],
                    "LANGUAGE_CODE": translation.get_language(),
                },
            ).render()
