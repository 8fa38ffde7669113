"""The 20 regions of Kazakhstan (2022 borders) with their KATO codes (GLOSSARY.md)."""

from django.db import migrations

REGIONS = [
    ("100000000", "Абай облысы", "область Абай", "Abai Region"),
    ("110000000", "Ақмола облысы", "Акмолинская область", "Akmola Region"),
    ("150000000", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
    ("190000000", "Алматы облысы", "Алматинская область", "Almaty Region"),
    ("230000000", "Атырау облысы", "Атырауская область", "Atyrau Region"),
    ("270000000", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region"),
    ("310000000", "Жамбыл облысы", "Жамбылская область", "Zhambyl Region"),
    ("330000000", "Жетісу облысы", "область Жетісу", "Jetisu Region"),
    ("350000000", "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
    ("390000000", "Қостанай облысы", "Костанайская область", "Kostanay Region"),
    ("430000000", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
    ("470000000", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
    ("550000000", "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
    ("590000000", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region"),
    ("610000000", "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
    ("620000000", "Ұлытау облысы", "область Ұлытау", "Ulytau Region"),
    ("630000000", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region"),
    ("710000000", "Астана қаласы", "город Астана", "Astana"),
    ("750000000", "Алматы қаласы", "город Алматы", "Almaty"),
    ("790000000", "Шымкент қаласы", "город Шымкент", "Shymkent"),
]


def load(apps, schema_editor):
    Region = apps.get_model("orgs", "Region")
    for kato, kk, ru, en in REGIONS:
        Region.objects.update_or_create(kato=kato, defaults={"name": kk, "name_kk": kk, "name_ru": ru, "name_en": en})


def unload(apps, schema_editor):
    apps.get_model("orgs", "Region").objects.filter(kato__in=[r[0] for r in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
