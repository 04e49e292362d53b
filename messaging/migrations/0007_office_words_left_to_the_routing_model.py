from django.db import migrations

# R22: the routing model now reads what a message is about, and these first default words of
# the office's list sent everyday questions the wrong way: "What time do they get back from
# the trip? I need to collect him" went to the office as urgent, "homework over the Christmas
# holidays" as an absence. The model tells those apart; the office's own words stay, and the
# office may add these again in the admin.
LEFT_TO_THE_MODEL = {"urgent": ["collect", "collecting"], "absence": ["holiday"]}


def forward(apps, schema_editor):
    OfficePhrase = apps.get_model("messaging", "OfficePhrase")
    for topic, phrases in LEFT_TO_THE_MODEL.items():
        OfficePhrase.objects.filter(topic=topic, phrase__in=phrases).delete()


def backward(apps, schema_editor):
    OfficePhrase = apps.get_model("messaging", "OfficePhrase")
    for topic, phrases in LEFT_TO_THE_MODEL.items():
        for phrase in phrases:
            OfficePhrase.objects.get_or_create(phrase=phrase, defaults={"topic": topic})


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_constraint_messages")]

    operations = [migrations.RunPython(forward, backward)]
