from django import template

from volunteers.choices import DayPart, Weekday

register = template.Library()


@register.simple_tag
def availability_rows(bound_field) -> list[tuple[str, list]]:
    """Group the grid's checkboxes into rows: (weekday label, [one checkbox per part of the day])."""
    boxes = list(bound_field)
    width = len(DayPart)
    return [(day.label, boxes[i * width : (i + 1) * width]) for i, day in enumerate(Weekday)]
