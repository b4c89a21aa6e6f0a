"""The audit trail: who changed a request, a match or a volunteer, and who opened a person's contact data.

django-auditlog records every save and delete of these models with the actor
(its middleware knows the signed-in coordinator) and the changed values; the
admin pages that show contact data send ``accessed``. The values are personal
data: the purge and the volunteer erasure empty them (``core.privacy.audit_trail_erase``),
while who, when and what kind of change stay. Secret tokens are never recorded.
"""

from auditlog.registry import auditlog
from auditlog.signals import accessed
from django.db.models import Model


def audit_register() -> None:
    """Called from MatchingConfig.ready()."""
    from matching.models import AccompanimentRequest, Match
    from volunteers.models import Volunteer

    auditlog.register(AccompanimentRequest, exclude_fields=["token", "updated_at"])
    auditlog.register(Match, exclude_fields=["token"])
    auditlog.register(Volunteer, exclude_fields=["updated_at"])


def audit_access(*, instance: Model) -> None:
    """A coordinator opened a page showing this row's contact data."""
    accessed.send(sender=instance.__class__, instance=instance)
