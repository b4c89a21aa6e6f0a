from django import template

from geo.regions import coordinator_region_ids, regions_for
from matching.admin.dashboard import dashboard_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def coordinator_dashboard(context) -> list:
    """The 'Heute zu tun' rows for the logged-in coordinator."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return []
    return dashboard_rows(user=request.user)


@register.simple_tag(takes_context=True)
def coordinator_regions(context) -> str:
    """The names of a regional coordinator's regions ("Berlin, Brandenburg"); empty for a national one."""
    request = context.get("request")
    if request is None or coordinator_region_ids(request.user) is None:
        return ""
    return ", ".join(regions_for(request.user).values_list("name", flat=True))
