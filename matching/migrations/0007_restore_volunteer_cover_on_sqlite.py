"""SQLite rebuilds the volunteer table to add a column (volunteers/0002), which drops
the covering index of matching/0002. Put it back; PostgreSQL keeps it."""

from django.db import migrations

from core.db import VendorRunSQL
from matching import raw_sql


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_match_volunteer_set_null"),
        ("volunteers", "0002_volunteer_language"),
    ]
    operations = [VendorRunSQL(sql={"sqlite": [raw_sql.VOLUNTEER_COVER_INDEX["sqlite"]]}, reverse_sql={})]
