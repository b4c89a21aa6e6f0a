from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.paginator import LargeTablePaginator
from geo.admin_scope import RegionFilter, RegionScopedAdmin
from geo.coordinators import coordinators_who_see
from matching.admin.calls import CallLogInline, CallSavingMixin
from matching.admin.csv_export import requests_csv_response, requests_for_export
from matching.admin.dashboard import REGION_PATH
from matching.admin.filters import AppointmentFilter
from matching.admin.intake import PhoneIntakeAdminMixin
from matching.admin.matches import RequestMatchingAdminMixin
from matching.admin.planning import WeekPlanningAdminMixin
from matching.admin.queues import OwnerFilter, QueueFilter
from matching.admin.referrals import ReferralInline, ReferralSavingMixin
from matching.links import request_status_url
from matching.models import AccompanimentRequest


@admin.register(AccompanimentRequest)
class AccompanimentRequestAdmin(
    CallSavingMixin,
    ReferralSavingMixin,
    PhoneIntakeAdminMixin,
    WeekPlanningAdminMixin,
    RequestMatchingAdminMixin,
    RegionScopedAdmin,
    admin.ModelAdmin,
):
    region_path = REGION_PATH
    list_display = [
        "__str__",
        "status",
        "starts_at",
        "office",
        "office_kind",
        "region_name",
        "first_name",
        "intake_channel",
        "owner",
        "created_at",
    ]
    list_filter = [
        QueueFilter,
        OwnerFilter,
        RegionFilter,
        "status",
        "intake_channel",
        "office__kind",
        AppointmentFilter,
        "office__verified",
    ]
    search_fields = ["office__name", "office__postal_code__code", "office__city"]
    list_select_related = ["office", "office__postal_code__region", "owner"]
    # No date hierarchy: its year/month/day links scan every request's date (0.3 s at 100k); the
    # appointment filter answers the same question from the index.
    ordering = ["starts_at"]
    list_per_page = 50
    paginator = LargeTablePaginator
    show_full_result_count = False
    raw_id_fields = ["office"]
    inlines = [CallLogInline, ReferralInline]
    actions = ["take_over", "export_csv"]
    readonly_fields = [
        # The status changes only through the services (form, status page, matching), so history stays true.
        "status",
        "status_link",
        "created_at",
        "updated_at",
        "cancelled_at",
        "proposals_run_at",
        "personal_data_erased_at",
        "consent_given_at",
        "privacy_policy_version",
        "language",
        "languages_display",
        "counselling_display",
        "filed_by_initiative",
        "filed_by",
        "client_consent_recorded_at",
        "contact_via_initiative",
        "intake_channel",
        "consent_recorded_by",
        "call_needed_since",
        "call_reason",
    ]
    fieldsets = [
        (None, {"fields": ["status", "status_link", "owner", "intake_channel"]}),
        (_("Intern"), {"fields": ["internal_notes", "call_needed_since", "call_reason"]}),
        (_("Termin"), {"fields": ["office", "starts_at", "duration_minutes", "purpose"]}),
        (
            _("Person"),
            {
                "fields": [
                    "first_name",
                    "email",
                    "phone",
                    "preferred_contact",
                    "languages_display",
                    "needs_language",
                    "preferred_gender",
                    "accessibility",
                    "message",
                    "language",
                    "counselling_display",
                ]
            },
        ),
        (
            _("Von einer Initiative eingereicht"),
            {
                "classes": ["collapse"],
                "fields": ["filed_by_initiative", "filed_by", "client_consent_recorded_at", "contact_via_initiative"],
            },
        ),
        (
            _("Verlauf und Datenschutz"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "cancelled_at",
                    "proposals_run_at",
                    "consent_given_at",
                    "consent_recorded_by",
                    "privacy_policy_version",
                    "personal_data_erased_at",
                ]
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            # Only coordinators can own a request; no add/edit buttons for user accounts here.
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        owner = form.base_fields.get("owner")
        if owner is not None:
            if obj is not None:
                # Only someone who can open the request can be responsible for it (and only they are named).
                who = coordinators_who_see(postal_code_id=obj.office.postal_code_id)
                owner.queryset = (who | owner.queryset.filter(pk=obj.owner_id)).order_by("username")
            widget = owner.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return form

    def has_add_permission(self, request) -> bool:
        # Requests come through the public form (a coordinator on the phone fills it in, too).
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # An erased request is statistics now: nobody can type personal data back in (the view stays).
        if obj is not None and obj.is_erased:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The time and the office change through the status page, so proposals are refreshed.
        return [*fields, "office", "starts_at", "duration_minutes"]

    @admin.display(description=_("Art des Amts"), ordering="office__kind")
    def office_kind(self, escort_request: AccompanimentRequest) -> str:
        return escort_request.office.get_kind_display()

    @admin.display(description=_("Region"), ordering="office__postal_code__region__name")
    def region_name(self, escort_request: AccompanimentRequest) -> str:
        region = escort_request.office.postal_code.region
        return region.name if region is not None else "–"

    @admin.display(description=_("Sprachen"))
    def languages_display(self, escort_request: AccompanimentRequest) -> str:
        return ", ".join(escort_request.language_labels) or "–"

    @admin.display(description=_("Gewünschte Beratung"))
    def counselling_display(self, escort_request: AccompanimentRequest) -> str:
        return ", ".join(escort_request.counselling_labels) or "–"

    @admin.action(description=_("Übernehmen (ich bin zuständig)"))
    def take_over(self, request, queryset):
        taken = queryset.update(owner=request.user)
        self.message_user(request, _("%(count)s Anfragen übernommen.") % {"count": taken})

    @admin.action(description=_("Als CSV exportieren (ohne persönliche Daten)"))
    def export_csv(self, request, queryset):
        return requests_csv_response(requests=requests_for_export(requests=queryset))

    @admin.display(description=_("Link für die Person"))
    def status_link(self, escort_request: AccompanimentRequest) -> str:
        if escort_request.pk is None:
            return "–"
        url = request_status_url(escort_request=escort_request)
        # For people who gave only a phone number: the coordinator can pass the link on, or print it.
        confirmation = reverse("admin:matching_request_confirmation", args=[escort_request.pk])
        return format_html(
            '<a href="{}" rel="noreferrer" target="_blank">{}</a><br><a href="{}" id="print-confirmation">{}</a>',
            url,
            url,
            confirmation,
            _("Bestätigung zum Drucken (mit QR-Code)"),
        )
