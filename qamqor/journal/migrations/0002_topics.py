"""The starting topic catalogue: seed 000's sample consultation topics and a few more that
the specialists of seed 001 §1 answer, each mapped to the roles that know it."""

from django.db import migrations

TOPICS = [
    # code, kk, ru, en, roles
    (
        "socialisation",
        "Мектепке дейінгі ұйымға бармайтын балаларды әлеуметтендіру",
        "Социализация детей, не посещающих дошкольную организацию",
        "Socialising children who do not attend a preschool",
        ["psychologist", "educator", "methodist"],
    ),
    (
        "age_stages",
        "Ерте жастағы балалар дамуының жас кезеңдері",
        "Возрастные этапы развития детей раннего возраста",
        "Developmental stages of early childhood",
        ["psychologist", "educator"],
    ),
    (
        "nutrition",
        "Балалардың тамақтануын ұйымдастыру",
        "Организация питания детей",
        "Children's nutrition",
        ["nurse"],
    ),
    (
        "play_at_home",
        "Үй жағдайында ойын әрекетін ұйымдастыру",
        "Организация игровой деятельности в домашних условиях",
        "Play at home",
        ["educator", "music_director", "psychologist"],
    ),
    (
        "health",
        "Балаларды шынықтыру және сауықтыру үшін жағдай жасау",
        "Закаливание и оздоровление детей",
        "Hardening and health of children",
        ["nurse", "pe_instructor"],
    ),
    (
        "speech",
        "Баланың сөйлеу тілінің дамуы",
        "Развитие речи ребёнка",
        "Speech development",
        ["speech_therapist"],
    ),
    (
        "behaviour",
        "Баланың мінез-құлқы мен эмоциясы",
        "Поведение и эмоции ребёнка",
        "Behaviour and emotions",
        ["psychologist"],
    ),
    (
        "adaptation",
        "Балабақшаға бейімделу",
        "Адаптация к детскому саду",
        "Adapting to kindergarten",
        ["psychologist", "educator", "methodist"],
    ),
    (
        "school_readiness",
        "Мектепке дайындық",
        "Подготовка к школе",
        "School readiness",
        ["educator", "psychologist", "speech_therapist"],
    ),
    (
        "music",
        "Музыкалық дамыту",
        "Музыкальное развитие",
        "Musical development",
        ["music_director"],
    ),
    (
        "physical",
        "Дене тәрбиесі және қимыл белсенділігі",
        "Физическое воспитание и двигательная активность",
        "Physical education and movement",
        ["pe_instructor"],
    ),
    (
        "enrolment",
        "Балабақшаға қабылдау және тамақтану ақысы бойынша жеңілдіктер",
        "Зачисление в детский сад и льготы по оплате питания",
        "Enrolment and meal-fee benefits",
        ["head"],
    ),
    (
        "other",
        "Басқа сұрақ",
        "Другой вопрос",
        "Another question",
        ["methodist"],
    ),
]


def load(apps, schema_editor):
    Topic = apps.get_model("journal", "Topic")
    for position, (code, kk, ru, en, roles) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            code=code,
            defaults={"name": kk, "name_kk": kk, "name_ru": ru, "name_en": en, "roles": roles, "position": position},
        )


def unload(apps, schema_editor):
    apps.get_model("journal", "Topic").objects.filter(code__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
