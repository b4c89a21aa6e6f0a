"""Keep every PostalCode's region in step with the regions' prefixes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from geo.models import Region
from geo.regions import postal_codes_assign_regions


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
def region_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    # Cheap (~8,200 rows) and in the same transaction, so nobody ever sees a half-assigned map.
    postal_codes_assign_regions()
