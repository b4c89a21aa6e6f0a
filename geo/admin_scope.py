"""Coordinators scoped to regions, in one place for every admin.

A coordinator assigned to regions (``geo.regions.coordinator_region_ids``) sees only the rows that lie in
them; a national one sees all. Every ModelAdmin on the site declares which of three kinds it is, and a test
(``matching/tests/test_region_permissions.py``) fails for an admin that declares nothing:

- ``RegionScopedAdmin``: rows belong to a region through a path to a ``geo.PostalCode`` (``region_path``,
  e.g. ``"postal_code"`` for volunteers, ``"request__office__postal_code"`` for matches). ``get_queryset``
  filters, so lists, change pages (a direct URL is a 404, the same answer as for an id that does not
  exist), actions (they run on the filtered list), exports, autocomplete and raw-id popups all follow.
- ``NotRegionBound``: the same for everyone (offices, initiatives, postal codes, regions); nothing in them
  is about a person in a region.
- ``NationalOnlyAdmin``: holds personal data of every region with no path to one (user accounts, the audit
  trail, the outbox); regional coordinators get no access, whatever permissions they were given.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from geo.models import Region
from geo.regions import coordinator_region_ids

SCOPED = "region"
NOT_REGION_BOUND = "not-region-bound"
NATIONAL_ONLY = "national-only"


def region_scoped(queryset: QuerySet, *, user, path: str) -> QuerySet:
    """``queryset`` limited to the user's regions; ``path`` leads from its model to a geo.PostalCode."""
    region_ids = coordinator_region_ids(user)
    if region_ids is None:
        return queryset
    # PostalCode.region_id is stored, so this is one join on the postal code's primary key.
    return queryset.filter(**{f"{path}__region__in": region_ids})


def is_regional(user) -> bool:
    return coordinator_region_ids(user) is not None


class RegionScopedAdmin:
    """Mix in before ``admin.ModelAdmin`` and set ``region_path``."""

    region_scope = SCOPED
    region_path: str = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return region_scoped(super().get_queryset(request), user=request.user, path=self.region_path)

    def get_list_display(self, request: HttpRequest):
        # The "Region" column (``region_name``) says nothing to someone who sees one region only.
        fields = super().get_list_display(request)
        region_ids = coordinator_region_ids(request.user)
        if region_ids is not None and len(region_ids) < 2:
            return [name for name in fields if name != "region_name"]
        return fields

    def region_object(self, request: HttpRequest, pk) -> Model | None:
        """The row with this id if the user may see it, for views outside the admin's own."""
        return self.get_queryset(request).filter(pk=pk).first()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "does not exist"; a regional coordinator gets a plain 404 instead,
        # so another region's row and a deleted one look the same and no URL of another region answers 200/302.
        if is_regional(request.user):
            raise Http404
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)


class NotRegionBound:
    """Declares an admin the same for every coordinator (its rows are about no person in a region)."""

    region_scope = NOT_REGION_BOUND


class NationalOnlyAdmin:
    """Mix in before a ModelAdmin: regional coordinators may not open it at all."""

    region_scope = NATIONAL_ONLY

    def has_module_permission(self, request: HttpRequest) -> bool:
        return not is_regional(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return not is_regional(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return not is_regional(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not is_regional(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not is_regional(request.user) and super().has_delete_permission(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The history page asks whether the row exists before the permission: refuse first.
        if is_regional(request.user):
            raise PermissionDenied
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)


def national_only(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """``admin_class`` closed to regional coordinators (for admins of other packages)."""
    return type(f"NationalOnly{admin_class.__name__}", (NationalOnlyAdmin, admin_class), {})


def register_national_only(*models: type[Model], site: admin.AdminSite = admin.site) -> None:
    """Replace the registered admins of ``models`` by their national-only versions."""
    for model in models:
        if model not in site._registry:
            continue  # not registered in this configuration; the registry test still sees every admin
        admin_class = type(site._registry[model])
        if getattr(admin_class, "region_scope", None) == NATIONAL_ONLY:
            continue
        site.unregister(model)
        site.register(model, national_only(admin_class))


class RegionFilter(admin.SimpleListFilter):
    """ "Region": only the coordinator's own regions; not shown to someone with one region (nothing to choose).

    ``region_path`` on the model admin says where the postal code is.
    """

    title = _("Region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        region_ids = coordinator_region_ids(request.user)
        if region_ids is not None and len(region_ids) < 2:
            return []
        regions = Region.objects.all() if region_ids is None else Region.objects.filter(pk__in=region_ids)
        return [(str(region.pk), region.name) for region in regions]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit() or len(value) > 18:
            return queryset
        return queryset.filter(**{f"{self.model_admin_path}__region": int(value)})

    def __init__(self, request, params, model, model_admin):
        self.model_admin_path = model_admin.region_path
        super().__init__(request, params, model, model_admin)
