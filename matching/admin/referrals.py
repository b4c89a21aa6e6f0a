"""Referrals in the admin: an inline on the request page, and a list of all referrals for statistics.

Coordinators pick the initiative with the admin's autocomplete. Once saved, a
referral keeps its initiative (shown as text, so the page needs no query per
row); only the outcome and the note change.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from geo.admin_scope import RegionScopedAdmin
from matching.models import Referral
from matching.requests.referrals import referral_save


class _Text(forms.Widget):
    """Shows a fixed text instead of an input."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("<span>{}</span>", self.text)


class ReferralInlineForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["initiative", "outcome", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            field = self.fields["initiative"]
            field.disabled = True
            field.widget = _Text(self.instance.initiative.name)


class ReferralInline(admin.TabularInline):
    model = Referral
    form = ReferralInlineForm
    extra = 0
    fields = ["initiative", "outcome", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    autocomplete_fields = ["initiative"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative", "created_by")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # After the purge a note may not be written again.
        if obj is not None and obj.is_erased:
            fields.append("note")
        return fields


class ReferralSavingMixin:
    """Mix into the request admin: referrals are saved through the service, which records who made them."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Referral:
            return super().save_formset(request, form, formset, change)
        for referral in formset.save(commit=False):
            referral_save(referral=referral, actor=request.user)
        formset.save_m2m()


@admin.register(Referral)
class ReferralAdmin(RegionScopedAdmin, admin.ModelAdmin):
    region_path = "request__office__postal_code"
    list_display = ["__str__", "initiative", "outcome", "request", "request_office", "created_by", "created_at"]
    list_filter = ["outcome", "created_at"]
    list_select_related = ["initiative", "request", "request__office", "created_by"]
    search_fields = ["initiative__name", "request__office__name"]
    date_hierarchy = "created_at"
    fields = ["request", "initiative", "outcome", "note", "created_by", "created_at"]
    readonly_fields = ["request", "initiative", "created_by", "created_at"]
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        # Referrals are made on the request's page.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A note may not be written again once the request's data is erased.
        if obj is not None and obj.request.is_erased:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("Amt"), ordering="request__office__name")
    def request_office(self, referral: Referral) -> str:
        return referral.request.office.name

    def save_model(self, request, obj, form, change) -> None:
        referral_save(referral=obj, actor=request.user)
