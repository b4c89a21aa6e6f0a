"""django-filter filter sets of the public initiative list."""

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from directory.choices import InitiativeService, Language
from directory.fields import to_mask
from directory.models import Initiative


def _any_bit(queryset: QuerySet, field_name: str, positions) -> QuerySet:
    """Rows whose bit mask ``field_name`` has at least one of ``positions`` set."""
    if not isinstance(positions, list | tuple):
        positions = [positions]
    mask = to_mask(int(position) for position in positions)
    if not mask:
        return queryset
    hit = f"{field_name}_hit"
    return queryset.alias(**{hit: F(field_name).bitand(mask)}).exclude(**{hit: 0})


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
        return _any_bit(queryset, name, value)
