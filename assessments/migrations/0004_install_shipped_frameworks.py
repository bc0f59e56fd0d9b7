"""Install the two shipped frameworks, published, on a fresh database (idempotent)."""

from django.db import migrations


def install(apps, schema_editor):
    from assessments.services.frameworks import install_shipped

    install_shipped(
        apps.get_model("assessments", "Framework"),
        apps.get_model("assessments", "FrameworkVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_assessment")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
