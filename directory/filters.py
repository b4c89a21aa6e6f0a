"""django-filter filter sets of the public initiative list."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.bitmask import bits_any
from directory.choices import InitiativeService, Language
from directory.models import Initiative


class InitiativeFilter(django_filters.FilterSet):
    angebot = django_filters.TypedMultipleChoiceFilter(
        label=_("Angebot"),
        field_name="services",
        choices=InitiativeService.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        method="filter_bits",
    )
    sprache = django_filters.ChoiceFilter(
        label=_("Sprache"),
        field_name="languages",
        choices=Language.choices,
        empty_label=_("alle Sprachen"),
        method="filter_bits",
    )

    class Meta:
        model = Initiative
        fields: list[str] = []

    def filter_bits(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return bits_any(queryset, name, value)
