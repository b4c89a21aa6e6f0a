from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: what several apps share. It imports no app of this project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Grundlagen"

    def ready(self) -> None:
        # The register entries of Django's and third-party tables (core.privacy finds every app's own).
        from core import privacy_tables  # noqa: F401
