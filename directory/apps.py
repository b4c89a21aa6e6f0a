from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = _("Verzeichnis")

    def ready(self) -> None:
        # The initiatives' admin lives in its own module beside admin.py (offices).
        from directory import (
            initiative_admin,  # noqa: F401
            signals,  # noqa: F401  (public pages dropped when offices or initiatives change)
        )
