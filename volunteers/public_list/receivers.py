"""A region drawn, renamed or removed shows on the public list at once, not when the counts' cache runs out."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from geo.models import Region
from volunteers.public_list.selectors import list_overview_forget


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
def region_changed(sender, **kwargs) -> None:
    transaction.on_commit(list_overview_forget)
