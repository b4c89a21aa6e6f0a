"""A crispy-forms layout object for optional parts of a long form: a collapsed <details> section.

<details>/<summary> opens and closes without JavaScript, and screen readers announce it as expandable.
"""

from collections.abc import Callable

from crispy_forms.layout import Div
from crispy_forms.utils import TEMPLATE_PACK
from django.template.loader import render_to_string


class Details(Div):
    """``Details(summary, *fields)``: closed unless one of its fields has an error or ``open_if(form)`` holds."""

    template = "core/layout/details.html"

    def __init__(self, summary: str, *fields, open_if: Callable | None = None, **kwargs):
        self.summary = summary
        self.open_if = open_if
        super().__init__(*fields, **kwargs)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        names = [pointer.name for pointer in self.get_field_names()]
        is_open = any(form[name].errors for name in names if name in form.fields) or bool(
            self.open_if and self.open_if(form)
        )
        return render_to_string(self.template, {"details": self, "fields": fields, "open": is_open})
