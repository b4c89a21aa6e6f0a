"""SQLite rebuilds the volunteer table to add a column with a database default (volunteers/0006,
the public listing), which drops the covering index of matching/0008. Put it back; PostgreSQL keeps it."""

from django.db import migrations

from core.db import VendorRunSQL
from matching import raw_sql


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0013_match_status_backed_out_and_expired"),
        ("volunteers", "0006_public_listing"),
    ]
    operations = [VendorRunSQL(sql={"sqlite": [raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX["sqlite"]]}, reverse_sql={})]
