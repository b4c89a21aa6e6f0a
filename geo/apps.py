from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "geo"
    verbose_name = _("Orte")

    def ready(self) -> None:
        from geo import signals  # noqa: F401  (connects the receivers)
