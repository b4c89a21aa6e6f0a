"""The region and window of a week's plan, as coordinators type them."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

PREFIX_RE = re.compile(r"^\d{1,5}$")


class PlanRegionForm(forms.Form):
    plz = forms.CharField(
        label=_("Region (Anfänge der Postleitzahl des Amts)"),
        help_text=_("Zum Beispiel „47, 40“ für Duisburg und Düsseldorf; leer für ganz Deutschland."),
        required=False,
        max_length=200,
    )
    tage = forms.IntegerField(label=_("Tage ab jetzt"), min_value=1, max_value=14, required=False)

    def clean_plz(self) -> tuple[str, ...]:
        parts = [part.strip() for part in re.split(r"[,;\s]+", self.cleaned_data["plz"]) if part.strip()]
        wrong = [part for part in parts if not PREFIX_RE.match(part)]
        if wrong:
            raise forms.ValidationError(
                _("Bitte nur Ziffern, 1 bis 5 je Eintrag, durch Kommas getrennt: %(wrong)s") % {"wrong": wrong[0][:10]}
            )
        return tuple(sorted(set(parts)))

    def clean_tage(self) -> int:
        return self.cleaned_data["tage"] or settings.PLANNING_DAYS
