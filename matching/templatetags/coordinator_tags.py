from django import template

from matching.admin.dashboard import dashboard_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def coordinator_dashboard(context) -> list:
    """The 'Heute zu tun' rows for the logged-in coordinator."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return []
    return dashboard_rows(user=request.user)
