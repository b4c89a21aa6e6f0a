"""Postal codes and their coordinates are public geography, for the register in ``core.privacy``."""

from django.utils.translation import gettext_lazy as _

from core.privacy import OPERATIONS, Entry, Retention, register

register(
    Entry(
        model="geo.PostalCode",
        section=OPERATIONS,
        purpose=_("Entfernungen zwischen Postleitzahlen"),
        recipients=_("alle; öffentliche Daten"),
        retention=Retention("software", _("solange die Software läuft")),
        not_personal=("code", "latitude", "longitude"),
    ),
)
