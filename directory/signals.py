"""The public pages kept whole per process (core.page_cache) show offices and initiatives: drop them on a change."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.page_cache import public_pages_changed
from directory.models import Initiative, Office


@receiver(post_save, sender=Office)
@receiver(post_delete, sender=Office)
@receiver(post_save, sender=Initiative)
@receiver(post_delete, sender=Initiative)
def public_content_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    # After the commit: a page rendered between the bump and the commit would be kept with the old content.
    # On the database that saved (a benchmark's scratch database is not the default one).
    transaction.on_commit(public_pages_changed, using=kwargs.get("using"))
