from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.page_cache import public_pages_changed
from directory.models import Office
from geo.admin_scope import NotRegionBound


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
