"""The work queues as filters of the request list, and the owner filter ("meine", "ohne Zuständige")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from matching.requests.queues import QUEUES, QUEUES_BY_KEY


class QueueFilter(admin.SimpleListFilter):
    """ "Warteschlange": one of the dashboard's queues; the URL is bookmarkable (``?warteschlange=neu``)."""

    title = _("Warteschlange")
    parameter_name = "warteschlange"

    def lookups(self, request, model_admin):
        return [(queue.key, queue.label) for queue in QUEUES]

    def queryset(self, request, queryset):
        queue = QUEUES_BY_KEY.get(self.value() or "")
        return queue.apply(queryset) if queue is not None else queryset


class OwnerFilter(admin.SimpleListFilter):
    title = _("Zuständig")
    parameter_name = "zustaendig"

    def lookups(self, request, model_admin):
        return [("meine", _("meine")), ("niemand", _("ohne Zuständige"))]

    def queryset(self, request, queryset):
        if self.value() == "meine":
            return queryset.filter(owner=request.user)
        if self.value() == "niemand":
            return queryset.filter(owner__isnull=True)
        return queryset
