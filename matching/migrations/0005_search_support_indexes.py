"""Indexes that keep the candidate search's per-volunteer checks index-only.

For every volunteer that passes the covering index, the search probes: a verified
primary e-mail, overlapping active matches, and the counted (accepted/done)
matches for the fairness ranking. Partial indexes holding exactly those rows
answer each probe without visiting the tables.
"""

from django.db import migrations

FORWARD = {
    "postgresql": [
        'CREATE INDEX emailaddress_verified_primary ON account_emailaddress (user_id) WHERE verified AND "primary"',
        "CREATE INDEX match_active_blocks ON matching_match (volunteer_id, blocked_from) INCLUDE (blocked_until) "
        "WHERE status IN ('asked', 'accepted')",
        "CREATE INDEX match_counted_starts ON matching_match (volunteer_id, starts_at) "
        "WHERE status IN ('accepted', 'done')",
    ],
    "sqlite": [
        'CREATE INDEX emailaddress_verified_primary ON account_emailaddress (user_id) WHERE verified AND "primary"',
        "CREATE INDEX match_active_blocks ON matching_match (volunteer_id, blocked_from, blocked_until) "
        "WHERE status IN ('asked', 'accepted')",
        "CREATE INDEX match_counted_starts ON matching_match (volunteer_id, starts_at) "
        "WHERE status IN ('accepted', 'done')",
    ],
}
BACKWARD = [
    "DROP INDEX match_counted_starts",
    "DROP INDEX match_active_blocks",
    "DROP INDEX emailaddress_verified_primary",
]


def forward(apps, schema_editor):
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor in FORWARD:
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_referrals_and_initiative_requests"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]
    operations = [migrations.RunPython(forward, backward)]
