"""Form fields shared by the public forms."""

from django import forms

from core.phone import PhoneField


class StarredMixin:
    """Marked with * (required for the person) though an empty value passes the field: the form's
    ``clean`` decides, because e-mail *or* phone is enough and the office has its own messages."""

    def validate(self, value) -> None:
        if value in self.empty_values:
            return
        super().validate(value)

    def widget_attrs(self, widget) -> dict:
        # No HTML "required": a screen reader would announce both e-mail and phone as required.
        widget.use_required_attribute = lambda initial: False
        return super().widget_attrs(widget)


class StarredEmailField(StarredMixin, forms.EmailField):
    pass


class StarredCharField(StarredMixin, forms.CharField):
    pass


class StarredPhoneField(StarredMixin, PhoneField):
    pass
