"""The items of a form's error summary: in the order of the page, each message once."""

from dataclasses import dataclass

from django import template
from django.forms import Form

register = template.Library()


@dataclass(frozen=True)
class SummaryItem:
    message: str
    label: str = ""
    anchor: str = ""


@register.filter
def error_summary(form: Form) -> list[SummaryItem]:
    """Form-wide errors first, then the fields' errors in field order (set ``field_order`` to the page's).

    A message shared by two fields ("e-mail or phone") is listed once, linked to the first of them.
    """
    items: list[SummaryItem] = []
    seen: set[str] = set()

    def add(item: SummaryItem) -> None:
        if item.message not in seen:
            seen.add(item.message)
            items.append(item)

    for error in form.non_field_errors():
        add(SummaryItem(message=str(error)))
    for field in form.hidden_fields():
        for error in field.errors:
            add(SummaryItem(message=str(error)))
    for field in form.visible_fields():
        anchor = field.id_for_label or f"div_{field.auto_id}"
        for error in field.errors:
            add(SummaryItem(message=str(error), label=str(field.label), anchor=anchor))
    return items
