from django.db import migrations

# The school's values are its default positive skills (R25).
VALUES = [
    ("Determination", "mountain"),
    ("Resilience", "shield"),
    ("Tolerance", "hands"),
    ("Cooperation", "puzzle"),
    ("Creativity", "palette"),
    ("Curiosity", "magnifier"),
]


def create_values(apps, schema_editor):
    Skill = apps.get_model("points", "Skill")
    for name, icon in VALUES:
        Skill.objects.get_or_create(
            name=name, school_class=None, defaults={"kind": "positive", "value": 1, "icon": icon}
        )


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]

    operations = [migrations.RunPython(create_values, migrations.RunPython.noop)]
