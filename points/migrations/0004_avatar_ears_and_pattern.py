"""Monsters get ears and patterns (R27). Horns and the antenna were "accessories" at first; they
are ears now, so a pupil's saved horns or antenna move there and keep showing, and the
accessory becomes "none"."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The accessories that became ears.
MOVED = ("horns", "antenna")


def move_to_ears(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    avatar = apps.get_model("points", "Avatar")
    for part in MOVED:
        avatar.objects.filter(accessory=part).update(ears=part, accessory="none")


def move_back(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    avatar = apps.get_model("points", "Avatar")
    for part in MOVED:
        avatar.objects.filter(ears=part, accessory="none").update(accessory=part)


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0003_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="avatar",
            name="ears",
            field=models.CharField(default="none", max_length=20),
        ),
        migrations.AddField(
            model_name="avatar",
            name="pattern",
            field=models.CharField(default="none", max_length=20),
        ),
        migrations.RunPython(move_to_ears, move_back),
    ]
