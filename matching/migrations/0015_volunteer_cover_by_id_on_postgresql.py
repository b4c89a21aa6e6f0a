"""PostgreSQL: the candidate search ranks inside each postal code in id order (engine/search_sql.py), so the
volunteers' covering index is ordered by (postal_code, id) and replaces the (postal_code, radius_km) one.
SQLite keeps its index and its text."""

from django.db import migrations

from core.db import VendorRunSQL
from matching import raw_sql


class Migration(migrations.Migration):
    dependencies = [("matching", "0014_restore_volunteer_cover_after_public_listing")]
    operations = [
        VendorRunSQL(
            sql={
                "postgresql": [
                    raw_sql.VOLUNTEER_BY_ID_COVER_INDEX,
                    raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX_DROP,
                ]
            },
            reverse_sql={
                "postgresql": [
                    raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX["postgresql"],
                    raw_sql.VOLUNTEER_BY_ID_COVER_INDEX_DROP,
                ]
            },
        )
    ]
