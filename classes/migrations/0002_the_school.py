from django.db import migrations


def create_school(apps, schema_editor):
    School = apps.get_model("classes", "School")
    if not School.objects.exists():
        School.objects.create(name="Our school")


class Migration(migrations.Migration):
    dependencies = [("classes", "0001_initial")]

    operations = [migrations.RunPython(create_school, migrations.RunPython.noop)]
