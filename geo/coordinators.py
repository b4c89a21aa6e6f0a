"""Who hears about a request: the coordinators of the office's region, or the national ones.

A region's coordinators get the mails about requests in it. When nobody coordinates the region
(or the office lies in no region), the national coordinators get them: the addresses in
``COORDINATOR_EMAILS`` and every active staff account that is national (a superuser, or assigned
to no region; see ``geo.regions.coordinator_region_ids``).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q


def _unique(addresses) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        seen.setdefault(address.strip().lower(), address.strip())
    return [address for key, address in seen.items() if key]


def national_coordinator_addresses() -> list[str]:
    staff = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(Q(is_superuser=True) | Q(coordinated_regions=None))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return _unique([*settings.COORDINATOR_EMAILS, *staff])


def coordinator_addresses_for(*, postal_code_id: str | None) -> list[str]:
    """The addresses to tell about something at this postal code (an office's), without duplicates."""
    if postal_code_id:
        regional = (
            get_user_model()
            .objects.filter(is_staff=True, is_active=True, is_superuser=False)
            .filter(coordinated_regions__postal_codes__code=postal_code_id)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        addresses = _unique(regional)
        if addresses:
            return addresses
    return national_coordinator_addresses()


def coordinators_who_see(*, postal_code_id: str | None):
    """The active staff accounts that can open something at this postal code: national ones and its region's."""
    here = Q(coordinated_regions__postal_codes__code=postal_code_id) if postal_code_id else Q(pk__in=[])
    national = Q(is_superuser=True) | Q(coordinated_regions=None)
    users = get_user_model().objects
    # By id, so the result has one row per person and can be combined with other conditions.
    return users.filter(is_staff=True, is_active=True, pk__in=users.filter(national | here).values("pk"))
