"""The candidate search now asks for a confirmed briefing (volunteers/0004): the covering
index is rebuilt as a partial index over briefed volunteers, so the search stays index-only."""

from django.db import migrations

from core.db import VendorRunSQL
from matching import raw_sql


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_restore_volunteer_cover_on_sqlite"),
        ("volunteers", "0004_volunteer_briefing_calendar"),
    ]
    operations = [
        VendorRunSQL(
            sql={
                "postgresql": [raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX["postgresql"], raw_sql.VOLUNTEER_COVER_INDEX_DROP],
                "sqlite": [raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX["sqlite"], raw_sql.VOLUNTEER_COVER_INDEX_DROP],
            },
            reverse_sql={
                "postgresql": [raw_sql.VOLUNTEER_COVER_INDEX["postgresql"], raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX_DROP],
                "sqlite": [raw_sql.VOLUNTEER_COVER_INDEX["sqlite"], raw_sql.VOLUNTEER_BRIEFED_COVER_INDEX_DROP],
            },
        )
    ]
