"""SQLite rebuilds the match table to change the status choices and add columns (0008, 0009),
which drops the double-booking triggers and the partial indexes of 0002/0005. Put them back;
PostgreSQL keeps them."""

from django.db import migrations

from core.db import VendorRunSQL
from matching import raw_sql


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_coordinator_workspace")]
    operations = [
        VendorRunSQL(
            sql={
                "sqlite": [
                    *raw_sql.SQLITE_NO_DOUBLE_BOOKING,
                    raw_sql.MATCH_ACTIVE_BLOCKS_INDEX["sqlite"],
                    raw_sql.MATCH_COUNTED_STARTS_INDEX,
                ]
            },
            reverse_sql={},
        )
    ]
