"""Indexes that keep the candidate search's per-volunteer checks index-only.

For every volunteer that passes the covering index, the search probes: a verified
primary e-mail, overlapping active matches, and the counted (accepted/done)
matches for the fairness ranking. Partial indexes holding exactly those rows
answer each probe without visiting the tables.
"""

from django.db import migrations

from core.db import VendorRunSQL
from matching import raw_sql

BACKWARD = [
    "DROP INDEX match_counted_starts",
    "DROP INDEX match_active_blocks",
    "DROP INDEX emailaddress_verified_primary",
]


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_referrals_and_initiative_requests"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]
    operations = [
        VendorRunSQL(
            sql={
                vendor: [
                    raw_sql.VERIFIED_PRIMARY_EMAIL_INDEX,
                    raw_sql.MATCH_ACTIVE_BLOCKS_INDEX[vendor],
                    raw_sql.MATCH_COUNTED_STARTS_INDEX,
                ]
                for vendor in ("postgresql", "sqlite")
            },
            reverse_sql={"postgresql": BACKWARD, "sqlite": BACKWARD},
        )
    ]
