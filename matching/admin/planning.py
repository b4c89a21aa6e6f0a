""" "Woche planen": the week's plan for a region in the requests' admin, and "Alle anfragen" with its progress.

GET shows the plan (computing it is a read); "Alle anfragen" is a POST that queues the
asking task with the pairs the page showed and redirects to the run's progress page,
which refreshes itself with a meta refresh (the CSP allows no inline script).
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.tasks import queue_after_commit
from geo.regions import coordinator_region_ids, regions_for
from matching.models import AccompanimentRequest, OfficeDistance
from matching.planning.asking import pairs_parse, plan_ask, progress_get, progress_start
from matching.planning.forms import PlanRegionForm
from matching.planning.services import week_plan
from volunteers.models import Volunteer

RUN_ID_LENGTH = 32


class WeekPlanningAdminMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("woche-planen/", wrap(self.week_plan_view), name="matching_week_plan"),
            path("woche-planen/anfragen/", wrap(self.week_plan_ask_view), name="matching_week_plan_ask"),
            path("woche-planen/lauf/<str:run_id>/", wrap(self.week_plan_run_view), name="matching_week_plan_run"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "week_plan_url": reverse("admin:matching_week_plan")}
        return super().changelist_view(request, extra_context)

    def _context(self, request, title: str) -> dict:
        return {**self.admin_site.each_context(request), "title": title, "opts": AccompanimentRequest._meta}

    def week_plan_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = PlanRegionForm(request.GET or None)
        context = {**self._context(request, _("Woche planen")), "form": form}
        if coordinator_region_ids(request.user) is not None:
            context["my_regions"] = ", ".join(regions_for(request.user).values_list("name", flat=True))
        if form.is_bound and form.is_valid():
            plan = week_plan(
                prefixes=form.cleaned_data["plz"],
                days=form.cleaned_data["tage"],
                region_ids=coordinator_region_ids(request.user),
            )
            context["plan"] = plan
            context["pairs_value"] = ",".join(f"{p.escort_request.pk}:{p.volunteer.pk}" for p in plan.pairs)
        return TemplateResponse(request, "admin/matching/week_plan.html", context)

    def week_plan_ask_view(self, request):
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        text = request.POST.get("pairs", "")
        try:
            pairs = pairs_parse(text)
        except ValueError:
            return HttpResponseBadRequest(_("Der Plan ist leer oder unlesbar. Bitte planen Sie neu."))
        if not self._pairs_allowed(request, pairs):
            return HttpResponseBadRequest(_("Der Plan gehört nicht zu Ihren Regionen. Bitte planen Sie neu."))
        run_id = uuid.uuid4().hex
        progress_start(run_id=run_id, total=len(pairs))
        queue_after_commit(plan_ask, run_id=run_id, pairs=text, actor_id=request.user.pk)
        return HttpResponseRedirect(reverse("admin:matching_week_plan_run", args=[run_id]))

    def _pairs_allowed(self, request, pairs: list[tuple[int, int]]) -> bool:
        """A regional coordinator's plan: requests of their regions, volunteers of their regions or in reach.

        The plan's candidates come from the engine's search, so they live within their radius of the office,
        which may cross a region's border; anyone else in another region is refused.
        """
        region_ids = coordinator_region_ids(request.user)
        if region_ids is None:
            return True
        request_ids = {request_id for request_id, _volunteer_id in pairs}
        offices = dict(self.get_queryset(request).filter(pk__in=request_ids).values_list("pk", "office_id"))
        if set(offices) != request_ids:
            return False
        for request_id, volunteer_id in pairs:
            in_reach = OfficeDistance.objects.filter(
                office_id=offices[request_id], postal_code=OuterRef("postal_code"), km_ceil__lte=OuterRef("radius_km")
            )
            allowed = Volunteer.objects.filter(pk=volunteer_id).filter(
                Q(postal_code__region__in=region_ids) | Exists(in_reach)
            )
            if not allowed.exists():
                return False
        return True

    def week_plan_run_view(self, request, run_id: str):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if len(run_id) != RUN_ID_LENGTH or not run_id.isalnum():
            raise Http404
        progress = progress_get(run_id=run_id)
        context = {**self._context(request, _("Alle anfragen")), "progress": progress, "run_id": run_id}
        if progress is not None:
            context["failed"] = [
                {**row, "url": reverse("admin:matching_accompanimentrequest_change", args=[row["request_id"]])}
                for row in progress["failed"]
            ]
        return TemplateResponse(request, "admin/matching/week_plan_run.html", context)
