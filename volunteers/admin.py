from auditlog.signals import accessed
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.bitmask import BitMaskField, BitMaskListFilter
from core.paginator import LargeTablePaginator
from directory.choices import Language, OfficeKind
from geo.admin_scope import RegionFilter, RegionScopedAdmin
from geo.regions import coordinator_region_ids
from volunteers import services
from volunteers.choices import availability_choices
from volunteers.models import Absence, Consent, Volunteer


class LanguageFilter(BitMaskListFilter):
    title = _("Sprache")
    parameter_name = "sprache"
    field_name = "languages"
    bit_choices = Language


class RadiusFilter(admin.SimpleListFilter):
    title = _("Radius")
    parameter_name = "radius"
    BUCKETS = {"bis10": (1, 10), "11-25": (11, 25), "26-50": (26, 50), "ueber50": (51, 100)}

    def lookups(self, request, model_admin):
        return [
            ("bis10", _("bis 10 km")),
            ("11-25", _("11–25 km")),
            ("26-50", _("26–50 km")),
            ("ueber50", _("mehr als 50 km")),
        ]

    def queryset(self, request, queryset):
        bounds = self.BUCKETS.get(self.value())
        if bounds is None:
            return queryset
        return queryset.filter(radius_km__range=bounds)


class PostalRegionFilter(admin.SimpleListFilter):
    """The first digit of a German postal code is its broad region (0 = Sachsen … 9 = Franken)."""

    title = _("PLZ-Bereich")
    parameter_name = "plz"

    def lookups(self, request, model_admin):
        return [(str(d), f"{d}xxxx") for d in range(10)]

    def queryset(self, request, queryset):
        if self.value() in {str(d) for d in range(10)}:
            # The code is the postal-code table's primary key, so this needs no join.
            return queryset.filter(postal_code__code__startswith=self.value())
        return queryset


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ["policy_version", "given_at", "withdrawn_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


class VolunteerAdminForm(forms.ModelForm):
    availability = BitMaskField(label=_("Zeiten"), choices=availability_choices)
    languages = BitMaskField(label=_("Sprachen"), choices=Language.choices)
    office_kinds = BitMaskField(label=_("Ämter"), choices=OfficeKind.choices)

    class Meta:
        model = Volunteer
        fields = ["user", *services.PROFILE_FIELDS, "is_active", "paused_until"]


@admin.register(Volunteer)
class VolunteerAdmin(RegionScopedAdmin, admin.ModelAdmin):
    form = VolunteerAdminForm
    region_path = "postal_code"
    list_display = [
        "display_name",
        "email",
        "postal_code",
        "region_name",
        "radius_km",
        "is_active",
        "paused_until",
        "created_at",
    ]
    # postal_code too: the column shows str(PostalCode), one query per row otherwise.
    list_select_related = ["user", "postal_code__region"]
    # 50 rows, like the requests: rendering a row costs ~1 ms (the admin's cells, links and escaping), the
    # queries ~10 ms in all, so at 100 rows the list took 165–260 ms at 1M volunteers (bench_admin).
    list_per_page = 50
    # "created_at" as a filter, not a date hierarchy: the hierarchy's links read the date of every
    # volunteer (1.5 s at a million); the filter's "past 7 days" … are index range scans.
    list_filter = ["is_active", "created_at", LanguageFilter, RadiusFilter, RegionFilter, PostalRegionFilter]
    search_fields = ["display_name", "user__email", "postal_code__code"]
    raw_id_fields = ["user", "postal_code"]
    # The public listing is the volunteer's own choice (/profil/); coordinators see it, and "aktiv" hides someone.
    readonly_fields = ["listed_publicly", "listed_since", "created_at", "updated_at"]
    inlines = [ConsentInline, AbsenceInline]
    show_full_result_count = False
    paginator = LargeTablePaginator

    def change_view(self, request, object_id, form_url="", extra_context=None):
        volunteer = self.get_object(request, object_id)
        if volunteer is not None:
            # The page shows e-mail and phone: the audit trail records who looked (django-auditlog).
            accessed.send(sender=Volunteer, instance=volunteer)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        # After the inlines too, so a new absence counts.
        super().save_related(request, form, formsets, change)
        services.volunteer_admin_saved(volunteer=form.instance)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The account is linked once; a regional coordinator may not see (or pick) other people's accounts.
        if coordinator_region_ids(request.user) is not None:
            fields.append("user")
        return fields

    @admin.display(description=_("Region"), ordering="postal_code__region__name")
    def region_name(self, volunteer: Volunteer) -> str:
        region = volunteer.postal_code.region
        return region.name if region is not None else "–"

    @admin.display(description=_("E-Mail"), ordering="user__email")
    def email(self, volunteer: Volunteer) -> str:
        return volunteer.user.email


@admin.register(Consent)
class ConsentAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Read-only: a consent record is evidence and must not be edited."""

    region_path = "volunteer__postal_code"

    list_display = ["volunteer", "policy_version", "given_at", "withdrawn_at"]
    list_select_related = ["volunteer"]
    readonly_fields = ["volunteer", "policy_version", "given_at", "withdrawn_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
