from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.page_cache import public_pages_changed
from directory.models import Office
from geo.admin_scope import NotRegionBound
from geo.models import PostalCode
from geo.regions import coordinator_region_ids


def office_form_for_regions(form_class: type[forms.ModelForm], region_ids: list[int]) -> type[forms.ModelForm]:
    """``form_class`` that moves an office only inside ``region_ids``.

    The office's postal code decides the region of every request there (``geo.admin_scope``), so moving another
    region's office into one's own would open its requests, and moving one's own out would hide them.
    """

    class RegionalOfficeForm(form_class):
        def clean_postal_code(self):
            postal_code = self.cleaned_data.get("postal_code")
            old = self.instance.postal_code_id
            if postal_code is None or old is None or postal_code.pk == old:
                return postal_code  # a new office opens nothing: only a move changes whose requests they are
            codes = {postal_code.pk, old}
            inside = PostalCode.objects.filter(code__in=codes, region__in=region_ids).count()
            if inside != len(codes):
                raise forms.ValidationError(
                    gettext(
                        "Ein Amt verlegen Sie nur innerhalb Ihrer Regionen: Es liegt nicht in Ihrer Region "
                        "oder käme aus ihr heraus. Bitte wenden Sie sich an die bundesweite Koordination."
                    )
                )
            return postal_code

    return RegionalOfficeForm


@admin.register(Office)
class OfficeAdmin(NotRegionBound, admin.ModelAdmin):
    # Offices are a shared directory: a regional coordinator may look up (and fix) any office.
    list_display = ["name", "kind", "postal_code", "city", "verified", "created_at"]
    list_filter = ["verified", "kind"]
    search_fields = ["name", "postal_code__code", "city", "street"]
    raw_id_fields = ["postal_code"]
    readonly_fields = ["latitude", "longitude", "created_at", "updated_at"]
    fields = ["name", "kind", "street", "postal_code", "city", "verified", *readonly_fields]
    actions = ["mark_verified"]
    list_per_page = 50

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        region_ids = coordinator_region_ids(request.user)
        return form if region_ids is None else office_form_for_regions(form, region_ids)

    @admin.action(description=_("Als geprüft markieren"))
    def mark_verified(self, request, queryset) -> None:
        updated = queryset.filter(verified=False).update(verified=True)
        transaction.on_commit(public_pages_changed)  # update() sends no signal (directory/signals.py)
        self.message_user(
            request,
            ngettext("%(count)d Amt ist jetzt geprüft.", "%(count)d Ämter sind jetzt geprüft.", updated)
            % {"count": updated},
            messages.SUCCESS,
        )
