"""List filters shared by the request and match lists."""

import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppointmentFilter(admin.SimpleListFilter):
    """The appointment date, looking ahead: coordinators plan the coming days."""

    title = _("Termin")
    parameter_name = "termin"

    def lookups(self, request, model_admin):
        return [
            ("heute", _("heute")),
            ("morgen", _("morgen")),
            ("7tage", _("nächste 7 Tage")),
            ("spaeter", _("später")),
            ("vorbei", _("vorbei")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()

        def start_of(day: datetime.date) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

        day = datetime.timedelta(days=1)
        ranges = {
            "heute": (start_of(today), start_of(today + day)),
            "morgen": (start_of(today + day), start_of(today + 2 * day)),
            "7tage": (timezone.now(), start_of(today + 8 * day)),
            "spaeter": (start_of(today + 8 * day), None),
            "vorbei": (None, timezone.now()),
        }
        bounds = ranges.get(self.value())
        if bounds is None:
            return queryset
        since, until = bounds
        if since is not None:
            queryset = queryset.filter(starts_at__gte=since)
        if until is not None:
            queryset = queryset.filter(starts_at__lt=until)
        return queryset
