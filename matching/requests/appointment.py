"""Date, time and length of an appointment: the fields and lead-time rules shared by the request form
and the "change the time" form on the status page."""

import datetime
import zoneinfo

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from matching.models import (
    DURATION_DEFAULT_MINUTES,
)

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S", "%H"]


DURATION_CHOICES = [
    (30, _("30 Minuten")),
    (45, _("45 Minuten")),
    (60, _("1 Stunde")),
    (90, _("1½ Stunden")),
    (120, _("2 Stunden")),
    (180, _("3 Stunden")),
    (240, _("4 Stunden")),
]


def appointment_bounds(now: datetime.datetime | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """The earliest and the latest start a request may have."""
    now = now or timezone.now()
    return (
        now + datetime.timedelta(hours=settings.REQUEST_MIN_LEAD_HOURS),
        now + datetime.timedelta(days=settings.REQUEST_MAX_DAYS_AHEAD),
    )


def too_far_ahead_message() -> str:
    return ngettext_lazy(
        "Wir planen höchstens %(days)d Tag im Voraus. Bitte fragen Sie später noch einmal.",
        "Wir planen höchstens %(days)d Tage im Voraus. Bitte fragen Sie später noch einmal.",
        "days",
    ) % {"days": settings.REQUEST_MAX_DAYS_AHEAD}


class AppointmentTimeMixin(forms.Form):
    """Date, time and length of the appointment, with the lead-time rules.

    Shared by the request form and the "change the time" form on the status page.
    """

    date = forms.DateField(
        label=_("Datum"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Bitte geben Sie das Datum Ihres Termins an."),
            "invalid": _("Bitte geben Sie das Datum so ein: 24.12.2026."),
        },
    )
    time = forms.TimeField(
        label=_("Uhrzeit"),
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Bitte geben Sie die Uhrzeit Ihres Termins an."),
            "invalid": _("Bitte geben Sie die Uhrzeit so ein: 9:30."),
        },
    )
    duration_minutes = forms.TypedChoiceField(
        label=_("Wie lange dauert der Termin ungefähr?"),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=DURATION_DEFAULT_MINUTES,
        empty_value=DURATION_DEFAULT_MINUTES,
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Dauer aus der Liste.")},
    )

    def clean_duration_minutes(self) -> int:
        return self.cleaned_data.get("duration_minutes") or DURATION_DEFAULT_MINUTES

    def clean_appointment(self) -> datetime.datetime | None:
        """Combine date and time in local time and check the window; call from ``clean()``."""
        date, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if date is None or time is None:
            return None
        # Dates far outside the window are answered before any time-zone arithmetic,
        # which overflows near year 1 and year 9999.
        today = timezone.localdate()
        if date < today:
            self.add_error("date", _("Dieser Termin liegt in der Vergangenheit."))
            return None
        if date > today + datetime.timedelta(days=settings.REQUEST_MAX_DAYS_AHEAD + 1):
            self.add_error("date", too_far_ahead_message())
            return None
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        naive = datetime.datetime.combine(date, time.replace(second=0, microsecond=0))
        starts_at = naive.replace(tzinfo=zone)
        # A wall-clock time skipped by the switch to summer time does not exist.
        if starts_at.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
            self.add_error("time", _("Diese Uhrzeit gibt es an diesem Tag nicht (Zeitumstellung)."))
            return None
        now = timezone.now()
        earliest, latest = appointment_bounds(now)
        if starts_at <= now:
            self.add_error("date", _("Dieser Termin liegt in der Vergangenheit."))
            return None
        if starts_at < earliest:
            self.add_error(
                "date",
                ngettext_lazy(
                    "Ihr Termin muss mindestens %(hours)d Stunde in der Zukunft liegen. "
                    "So schnell finden wir leider niemanden.",
                    "Ihr Termin muss mindestens %(hours)d Stunden in der Zukunft liegen. "
                    "So schnell finden wir leider niemanden.",
                    "hours",
                )
                % {"hours": settings.REQUEST_MIN_LEAD_HOURS},
            )
            return None
        if starts_at > latest:
            self.add_error("date", too_far_ahead_message())
            return None
        return starts_at

    def _date_attrs(self) -> None:
        earliest, latest = appointment_bounds()
        self.fields["date"].widget.attrs.update(
            {
                "min": timezone.localtime(earliest).date().isoformat(),
                "max": timezone.localtime(latest).date().isoformat(),
            }
        )


class RescheduleForm(AppointmentTimeMixin, forms.Form):
    """Change the time on the status page; the same rules as the request form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._date_attrs()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        cleaned["starts_at"] = self.clean_appointment()
        return cleaned
