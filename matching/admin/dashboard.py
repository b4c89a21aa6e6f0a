"""'Heute zu tun' on the admin index: a count and a link for every queue a coordinator works through."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from directory.choices import InitiativeState
from directory.models import Initiative
from geo.admin_scope import region_scoped
from matching.models import AccompanimentRequest
from matching.requests.queues import queue_counts

# As the request list (``AccompanimentRequestAdmin.region_path``): a count always matches the list it links to.
REGION_PATH = "office__postal_code"


@dataclass(frozen=True)
class DashboardRow:
    key: str
    label: str
    help: str
    count: int
    url: str
    urgent: bool = False


def dashboard_rows(*, user) -> list[DashboardRow]:
    """The rows the user may see; one query per row."""
    rows: list[DashboardRow] = []
    if user.has_perm("matching.view_accompanimentrequest"):
        changelist = reverse("admin:matching_accompanimentrequest_changelist")
        requests = region_scoped(AccompanimentRequest.objects.all(), user=user, path=REGION_PATH)
        rows += [
            DashboardRow(
                key=item.queue.key,
                label=str(item.queue.label),
                help=str(item.queue.help),
                count=item.count,
                url=f"{changelist}?warteschlange={item.queue.key}",
                urgent=item.queue.urgent and item.count > 0,
            )
            for item in queue_counts(requests=requests)
        ]
    if user.has_perm("directory.view_initiative"):
        rows.append(
            DashboardRow(
                key="initiativen",
                label=_("Initiativen warten auf Freigabe"),
                help=_("Eingereichte Einträge prüfen und veröffentlichen."),
                count=Initiative.objects.filter(state=InitiativeState.SUBMITTED).count(),
                url=reverse("admin:directory_initiative_changelist") + f"?state__exact={InitiativeState.SUBMITTED}",
            )
        )
    return rows
