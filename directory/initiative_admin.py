"""Admin of partner initiatives; imported from DirectoryConfig.ready().

Coordinators publish, archive and export entries with actions; the state is
never edited by hand, so publishing always mails the edit link.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.bitmask import BitMaskField, BitMaskListFilter
from directory import initiative_selectors as selectors
from directory import initiative_services as services
from directory.choices import InitiativeService, Language
from directory.csv_export import initiatives_csv_response
from directory.initiative_services import INITIATIVE_FIELDS
from directory.models import Initiative, InitiativeStaff
from geo.admin_scope import NotRegionBound


class InitiativeAdminForm(forms.ModelForm):
    services = BitMaskField(label=_("Angebote"), choices=InitiativeService.choices)
    languages = BitMaskField(label=_("Sprachen"), choices=Language.choices)
    website = forms.URLField(label=_("Internetseite"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Initiative
        fields = ["name", "slug", *INITIATIVE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leer lassen: wird aus dem Namen gebildet.")


class StaleFilter(admin.SimpleListFilter):
    title = _("seit 18 Monaten unbestätigt")
    parameter_name = "unbestaetigt"

    def lookups(self, request, model_admin):
        return [("ja", _("ja")), ("nein", _("nein"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(selectors.stale_condition())
        if self.value() == "nein":
            return queryset.exclude(selectors.stale_condition())
        return queryset


class ServiceFilter(BitMaskListFilter):
    title = _("Angebot")
    parameter_name = "angebot"
    field_name = "services"
    bit_choices = InitiativeService


class InitiativeStaffInline(admin.TabularInline):
    """Accounts that file escort requests for this initiative at /initiative/ (one initiative per account)."""

    model = InitiativeStaff
    extra = 0
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    verbose_name = _("Konto für den Initiativen-Bereich")
    verbose_name_plural = _("Konten für den Initiativen-Bereich")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Initiative)
class InitiativeAdmin(NotRegionBound, admin.ModelAdmin):
    # Initiatives are public entries about organisations, many of them working nationwide.
    form = InitiativeAdminForm
    inlines = [InitiativeStaffInline]
    list_display = ["name", "city", "reach", "state", "last_confirmed_at", "is_stale"]
    list_filter = ["state", StaleFilter, ServiceFilter, "reach"]
    search_fields = ["name", "slug", "city", "postal_code__code", "contact_email"]
    raw_id_fields = ["postal_code"]
    readonly_fields = [
        "state",
        "published_at",
        "last_confirmed_at",
        "reminded_at",
        "latitude",
        "longitude",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "services", "languages"]}),
        (_("Ort und Reichweite"), {"fields": ["reach", "street", "postal_code", "city", "radius_km"]}),
        (
            _("Kontakt"),
            {"fields": ["website", "email", "phone", "opening_hours", "accessibility", "contact_email"]},
        ),
        (_("Status"), {"fields": readonly_fields}),
    ]
    actions = ["publish", "archive", "resend_edit_link", "export_csv"]
    list_per_page = 50

    def get_inlines(self, request, obj):
        # Accounts are linked to an entry that exists (usually a published one), never while adding it.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                stale=Case(
                    When(selectors.stale_condition(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        )

    @admin.display(description=_("seit 18 Monaten unbestätigt"), boolean=True, ordering="stale")
    def is_stale(self, initiative: Initiative) -> bool:
        return initiative.stale

    def save_model(self, request, obj, form, change) -> None:
        services.initiative_save(initiative=obj)

    @admin.action(description=_("Veröffentlichen und Bearbeitungslink schicken"))
    def publish(self, request, queryset) -> None:
        published, failed = 0, []
        for initiative in queryset:
            try:
                published += services.initiative_publish(initiative=initiative)
            except ValidationError:
                failed.append(initiative.name)
        self.message_user(
            request,
            ngettext("%(count)d Eintrag veröffentlicht.", "%(count)d Einträge veröffentlicht.", published)
            % {"count": published},
            messages.SUCCESS,
        )
        if failed:
            self.message_user(
                request,
                _("Nicht veröffentlicht, bitte Angaben prüfen: %(names)s") % {"names": ", ".join(failed)},
                messages.ERROR,
            )

    @admin.action(description=_("Archivieren (aus dem Verzeichnis nehmen)"))
    def archive(self, request, queryset) -> None:
        archived = sum(services.initiative_archive(initiative=initiative) for initiative in queryset)
        self.message_user(
            request,
            ngettext("%(count)d Eintrag archiviert.", "%(count)d Einträge archiviert.", archived) % {"count": archived},
            messages.SUCCESS,
        )

    @admin.action(description=_("Bearbeitungslink erneut schicken"))
    def resend_edit_link(self, request, queryset) -> None:
        sent = sum(services.initiative_resend_edit_link(initiative=initiative) for initiative in queryset)
        self.message_user(
            request,
            ngettext(
                "Link an %(count)d veröffentlichten Eintrag geschickt.",
                "Links an %(count)d veröffentlichte Einträge geschickt.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Als CSV exportieren"))
    def export_csv(self, request, queryset):
        return initiatives_csv_response(initiatives=queryset.order_by("name", "id"))
