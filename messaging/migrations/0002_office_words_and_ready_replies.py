from django.db import migrations

# What suggests a parent's message belongs to the office (R22). The office edits the list in
# the admin; a word also matches its plural ("dinner" matches "dinners").
PHRASES = {
    "absence": [
        "absence",
        "absent",
        "appointment",
        "dentist",
        "doctor",
        "holiday",
        "off school",
    ],
    "sickness": ["off sick", "poorly", "sick", "temperature", "unwell", "vomiting"],
    "dinners": ["dinner", "dinner money", "lunch money", "packed lunch", "school meal"],
    "complaint": ["complain", "complained", "complaining", "complaint"],
    "urgent": ["collect", "collecting", "pick up", "picking up", "urgent", "urgently"],
    "progress": ["behind", "falling behind", "progress", "reading level", "struggling"],
}

# Ready replies a teacher sends with one click (R24); {phone} becomes the office phone.
READY_REPLIES = [
    ("Phone the office", "Please phone the school office on {phone}."),
    ("Reply within two days", "Thank you, I will reply within two working days."),
    ("Arrange a meeting", "Let's arrange a meeting: please ask the office for a time."),
]


def seed(apps, schema_editor):
    OfficePhrase = apps.get_model("messaging", "OfficePhrase")
    ReadyReply = apps.get_model("messaging", "ReadyReply")
    for topic, phrases in PHRASES.items():
        for phrase in phrases:
            OfficePhrase.objects.get_or_create(phrase=phrase, defaults={"topic": topic})
    for position, (title, body) in enumerate(READY_REPLIES):
        ReadyReply.objects.get_or_create(
            title=title, defaults={"body": body, "position": position}
        )


def unseed(apps, schema_editor):
    """Take back only the rows this migration added and the office has not changed."""
    OfficePhrase = apps.get_model("messaging", "OfficePhrase")
    ReadyReply = apps.get_model("messaging", "ReadyReply")
    for topic, phrases in PHRASES.items():
        OfficePhrase.objects.filter(topic=topic, phrase__in=phrases).delete()
    for title, body in READY_REPLIES:
        ReadyReply.objects.filter(title=title, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
