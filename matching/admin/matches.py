"""Matching in the admin: the ranked candidates and the matches on a request's page, and the match list.

The request page's buttons submit the change form to small admin views
(``formaction``), so nothing happens on GET and every action passes the
admin's CSRF and permission checks.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.paginator import LargeTablePaginator
from core.tasks import queue_after_commit
from geo.admin_scope import RegionScopedAdmin
from geo.regions import coordinator_region_ids
from matching.admin.filters import AppointmentFilter
from matching.admin.statistics import statistics_csv, statistics_page
from matching.audit import audit_access
from matching.engine.proposals import proposals_refresh, propose
from matching.matches.asks import WHO_CAN_MAX, WHO_CAN_MIN, match_ask_top
from matching.matches.services import (
    MatchError,
    match_ask,
    match_cancel,
    match_reassign,
    match_refusal_followed_up,
)
from matching.models import SEARCHABLE_STATUSES, AccompanimentRequest, Match, MatchEvent
from matching.requests.selectors import request_matching_overview
from volunteers.models import Volunteer


class RequestMatchingAdminMixin:
    change_form_template = "admin/matching/accompanimentrequest/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("statistik/", wrap(self.statistics_view), name="matching_statistics"),
            path("statistik/export.csv", wrap(self.statistics_csv_view), name="matching_statistics_csv"),
            path("<int:pk>/anfragen/<int:volunteer_id>/", wrap(self.ask_view), name="matching_request_ask"),
            path("<int:pk>/vorschlaege/", wrap(self.refresh_view), name="matching_request_refresh"),
            path("<int:pk>/wer-kann/", wrap(self.who_can_view), name="matching_request_who_can"),
            path(
                "<int:pk>/begleitung/<int:match_id>/nachbereitet/",
                wrap(self.followed_up_view),
                name="matching_match_followed_up",
            ),
            path(
                "<int:pk>/begleitung/<int:match_id>/stornieren/", wrap(self.cancel_view), name="matching_match_cancel"
            ),
            path(
                "<int:pk>/begleitung/<int:match_id>/neu/<int:volunteer_id>/",
                wrap(self.reassign_view),
                name="matching_match_reassign",
            ),
            *super().get_urls(),
        ]

    # Fields of a request the candidate search reads; changing one in the admin recomputes the proposals.
    MATCHING_FIELDS = {"needs_language", "languages", "preferred_gender", "office", "starts_at", "duration_minutes"}

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and self.MATCHING_FIELDS & set(form.changed_data):
            queue_after_commit(propose, request_id=obj.pk)

    def statistics_view(self, request):
        return statistics_page(request, self.admin_site, allowed=self.has_view_permission(request))

    def statistics_csv_view(self, request):
        return statistics_csv(request, allowed=self.has_view_permission(request))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "statistics_url": reverse("admin:matching_statistics")}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            audit_access(instance=obj)
            extra_context.update(request_matching_overview(escort_request=obj))
            if obj.status in SEARCHABLE_STATUSES:
                extra_context["who_can_choices"] = list(range(WHO_CAN_MIN, WHO_CAN_MAX + 1))
        return super().change_view(request, object_id, form_url, extra_context)

    def _act(self, request: HttpRequest, pk: int, action: Callable[[AccompanimentRequest], str]):
        if request.method != "POST":
            raise PermissionDenied
        # Another region's request is a 404, like one that does not exist.
        obj = self.region_object(request, pk)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            messages.success(request, action(obj))
        except MatchError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(reverse("admin:matching_accompanimentrequest_change", args=[pk]) + "#matching")

    @staticmethod
    def _volunteer(request: HttpRequest, obj: AccompanimentRequest, volunteer_id: int) -> Volunteer:
        """A volunteer this coordinator may ask for the request: one of their regions or proposed for it.

        Proposals cross region borders on purpose (a request near the border finds the nearest people), so a
        regional coordinator asks the proposed ones wherever they live, but no one else outside their regions.
        """
        volunteers = Volunteer.objects.filter(pk=volunteer_id)
        region_ids = coordinator_region_ids(request.user)
        if region_ids is not None:
            volunteers = volunteers.filter(Q(postal_code__region__in=region_ids) | Q(proposals__request=obj))
        return get_object_or_404(volunteers.distinct())

    def ask_view(self, request, pk: int, volunteer_id: int):
        def action(obj):
            volunteer = self._volunteer(request, obj, volunteer_id)
            match_ask(escort_request=obj, volunteer=volunteer, actor=request.user)
            return _("%(name)s ist angefragt und bekommt eine E-Mail.") % {"name": volunteer.display_name}

        return self._act(request, pk, action)

    def who_can_view(self, request, pk: int):
        """ "Wer kann?": ask the top K proposed volunteers at once; the first to accept gets the escort."""

        def action(obj):
            try:
                count = int(request.POST.get("who_can_count", ""))
            except ValueError:
                raise MatchError(_("Bitte wählen Sie, wie viele Personen gefragt werden sollen."))
            asked, skipped = match_ask_top(escort_request=obj, count=count, actor=request.user)
            for reason in skipped:
                messages.warning(request, reason)
            if not asked:
                raise MatchError(_("Niemand konnte angefragt werden."))
            names = ", ".join(match.volunteer.display_name for match in asked)
            return _("Wer kann? %(count)s angefragt: %(names)s. Wer zuerst zusagt, begleitet.") % {
                "count": len(asked),
                "names": names,
            }

        return self._act(request, pk, action)

    def followed_up_view(self, request, pk: int, match_id: int):
        def action(obj):
            match_refusal_followed_up(match=get_object_or_404(Match, pk=match_id, request=obj), actor=request.user)
            return _("Als nachbereitet vermerkt.")

        return self._act(request, pk, action)

    def refresh_view(self, request, pk: int):
        def action(obj):
            found = proposals_refresh(request_id=obj.pk)
            return _("Vorschläge neu berechnet: %(count)s gefunden.") % {"count": len(found)}

        return self._act(request, pk, action)

    def cancel_view(self, request, pk: int, match_id: int):
        def action(obj):
            match_cancel(match=get_object_or_404(Match, pk=match_id, request=obj), actor=request.user)
            return _("Die Begleitung ist storniert. Wir suchen neu.")

        return self._act(request, pk, action)

    def reassign_view(self, request, pk: int, match_id: int, volunteer_id: int):
        def action(obj):
            volunteer = self._volunteer(request, obj, volunteer_id)
            match = get_object_or_404(Match, pk=match_id, request=obj)
            match_reassign(match=match, volunteer=volunteer, actor=request.user)
            return _("Neu vergeben an %(name)s.") % {"name": volunteer.display_name}

        return self._act(request, pk, action)


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "actor_role", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """The history of every match. Changes go through the request page, so they are recorded."""

    region_path = "request__office__postal_code"

    list_display = ["__str__", "status", "starts_at", "volunteer", "request", "outcome", "created_at", "decided_at"]
    list_filter = ["status", "outcome", AppointmentFilter]
    list_select_related = ["volunteer", "request"]
    list_per_page = 50  # as the requests and volunteers: rendering rows, not the queries, is what a list costs
    search_fields = ["volunteer__display_name", "request__office__name"]
    # The appointment filter instead of a date hierarchy, whose links scan every match's date.
    paginator = LargeTablePaginator
    show_full_result_count = False
    inlines = [MatchEventInline]
    readonly_fields = [
        "request",
        "volunteer",
        "status",
        "starts_at",
        "ends_at",
        "decline_reason",
        "outcome",
        "created_at",
        "decided_at",
        "invitation_sent_at",
        "confirmation_sent_at",
        "reminder_sent_at",
        "feedback_requested_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
