from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext as _

from geo.admin_scope import NotRegionBound
from geo.models import PostalCode, Region
from geo.regions import coordinator_region_ids, region_prefixes_clean


@admin.register(PostalCode)
class PostalCodeAdmin(NotRegionBound, admin.ModelAdmin):
    list_display = ["code", "region", "latitude", "longitude"]
    list_filter = ["region"]
    search_fields = ["code"]


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "slug", "prefixes", "coordinators"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "coordinators" in self.fields:
            self.fields["coordinators"].queryset = get_user_model().objects.filter(is_staff=True, is_active=True)

    def clean_coordinators(self):
        coordinators = self.cleaned_data["coordinators"]
        superusers = [user.get_username() for user in coordinators if user.is_superuser]
        if superusers:
            # A superuser sees everything whatever their regions: assigning one would only look like a limit.
            raise forms.ValidationError(
                _("Superuser sehen immer ganz Deutschland und können keiner Region zugeordnet werden: %(names)s")
                % {"names": ", ".join(superusers)}
            )
        return coordinators

    def clean_prefixes(self) -> str:
        return region_prefixes_clean(self.cleaned_data["prefixes"], exclude_region_id=self.instance.pk)


@admin.register(Region)
class RegionAdmin(NotRegionBound, admin.ModelAdmin):
    form = RegionForm
    list_display = ["name", "prefixes", "postal_code_count"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    search_fields = ["name", "prefixes"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(postal_code_total=Count("postal_codes")).order_by("name")

    @admin.display(description=PostalCode._meta.verbose_name_plural, ordering="postal_code_total")
    def postal_code_count(self, region) -> int:
        return region.postal_code_total

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Coordinators left with no region would be national and see every request: they stand in the way.
        held = Region.coordinators.through.objects.filter(region__in=objs).select_related("region", "user")
        protected = [
            *protected,
            *(
                _("Region %(region)s: Koordination %(user)s") % {"region": row.region, "user": row.user}
                for row in held.order_by("region__name", "user__username")
            ),
        ]
        return deleted, model_count, perms_needed, protected

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A regional coordinator sees the regions read-only, without who coordinates them (other people's accounts).
        if coordinator_region_ids(request.user) is not None:
            return [name for name in fields if name != "coordinators"]
        return fields

    # Only national coordinators (and superusers) draw the regions: a regional one could widen their own view.
    def has_add_permission(self, request) -> bool:
        return coordinator_region_ids(request.user) is None and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return coordinator_region_ids(request.user) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return coordinator_region_ids(request.user) is None and super().has_delete_permission(request, obj)
