from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = _("Begleitungen")

    def ready(self) -> None:
        from matching import signals  # noqa: F401  (connects the receivers)
        from matching.audit import audit_register

        audit_register()
        from matching.matches.profile import my_escorts_section
        from volunteers import profile_sections

        profile_sections.register(my_escorts_section)
