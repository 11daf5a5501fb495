"""Stored phones in E.164 (issue 12 #6): a patient's and a location's phone that parses in the clinic's country is
rewritten as "+15550100142"; one that does not ("call me maybe", "ext. 4") is left exactly as typed and is shown
so. Submitted intake answers are frozen JSON (what the patient signed) and are not touched."""

from django.db import migrations


def _normalise(model) -> None:
    from clinic.phones import phone_parse

    for row in model.objects.exclude(phone="").only("pk", "phone").iterator():
        try:
            e164 = phone_parse(row.phone)
        except ValueError:
            continue
        if e164 != row.phone:
            model.objects.filter(pk=row.pk).update(phone=e164)


def phones_normalise(apps, schema_editor):
    _normalise(apps.get_model("patients", "Patient"))
    _normalise(apps.get_model("clinic", "Location"))


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0014_perf_intake_queue"),
        ("clinic", "0003_ledger_rems_certification"),
    ]

    operations = [migrations.RunPython(phones_normalise, migrations.RunPython.noop)]
