from django.db import migrations


def load(apps, schema_editor):
    from enterprises import reference

    reference.sync(
        apps.get_model("enterprises", "Region"),
        apps.get_model("enterprises", "Industry"),
        apps.get_model("enterprises", "Cluster"),
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
