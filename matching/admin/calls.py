"""The call log on a request's page: each call with when, reached or not, and what was agreed.

A new entry that reached the person takes the request off the call queue
(``matching.matches.calls``); "Anruf erledigt" does so without a log entry.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from matching.matches.calls import call_done, call_record
from matching.models import CallLog


class CallLogInline(admin.TabularInline):
    model = CallLog
    extra = 1
    fields = ["called_at", "called_by", "reached", "note"]
    readonly_fields = ["called_at", "called_by"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("called_by")

    def has_change_permission(self, request, obj=None) -> bool:
        # A call log is a record: new entries only (the purge blanks the notes).
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is not None and not obj.is_erased and super().has_add_permission(request, obj)


class CallSavingMixin:
    """Mix into the request admin: calls are saved through the service (who called; the queue)."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/anruf-erledigt/", wrap(self.call_done_view), name="matching_request_call_done"),
            *super().get_urls(),
        ]

    def save_formset(self, request, form, formset, change):
        if formset.model is not CallLog:
            return super().save_formset(request, form, formset, change)
        for call in formset.save(commit=False):
            call_record(escort_request=form.instance, called_by=request.user, reached=call.reached, note=call.note)
        return None

    def call_done_view(self, request, pk: int):
        if request.method != "POST":
            raise PermissionDenied
        escort_request = self.region_object(request, pk)
        if escort_request is None:
            raise Http404
        if not self.has_change_permission(request, escort_request):
            raise PermissionDenied
        call_done(escort_request=escort_request)
        messages.success(request, _("Anruf erledigt; die Anfrage ist aus der Anrufliste."))
        return HttpResponseRedirect(reverse("admin:matching_accompanimentrequest_change", args=[pk]))
