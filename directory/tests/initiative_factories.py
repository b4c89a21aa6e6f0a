"""factory_boy factories for partner initiatives (used by directory/tests/test_initiatives*.py)."""

import factory
from django.utils import timezone

from core.bitmask import to_mask
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language
from directory.models import Initiative


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A published local initiative in Duisburg-Mitte with a 20 km reach."""

    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Beratungsstelle {n}")
    slug = factory.Sequence(lambda n: f"beratungsstelle-{n}")
    description = "Wir beraten zu Bürgergeld und begleiten zum Amt."
    services = to_mask([InitiativeService.SOCIAL_COUNSELLING])
    languages = to_mask([Language.GERMAN])
    street = "Musterstraße 1"
    postal_code_id = "47051"
    city = "Duisburg"
    reach = InitiativeReach.LOCAL
    radius_km = 20
    contact_email = factory.Sequence(lambda n: f"kontakt{n}@initiative.example")
    state = InitiativeState.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    last_confirmed_at = factory.LazyFunction(timezone.now)


def online_initiative(**kwargs) -> Initiative:
    defaults = {"reach": InitiativeReach.ONLINE, "postal_code_id": None, "city": "", "street": "", "radius_km": None}
    return InitiativeFactory(**{**defaults, **kwargs})
