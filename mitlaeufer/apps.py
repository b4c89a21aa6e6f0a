from django.apps import AppConfig


class MitlaeuferConfig(AppConfig):
    """The project package as an app: its system checks and operator commands."""

    name = "mitlaeufer"
    verbose_name = "Mitläufer"

    def ready(self) -> None:
        from mitlaeufer import checks  # noqa: F401  (registers the production checks)
        from mitlaeufer.admin_regions import admin_regions_close

        admin_regions_close()
