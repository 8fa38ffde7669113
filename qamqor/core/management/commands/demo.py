"""Load a realistic demo: a district of Astana with two kindergartens, their consultation
points, staff, families and a month of the request journal.

`make run` calls this on every start, so it is idempotent: when the demo is already there it
only prints the logins again. Everything is written in one transaction, through the project's
services wherever one exists (families, journal, scheduling), so the demo obeys the same rules
as real use: consents before data, consecutive journal numbers, no double booking.

The services stamp each status change with the current time; a demo month needs the past, so
after each step the fresh timestamps are moved back to when that step "happened" (see
`DemoLoader._stamp`). Nothing else is written around the services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from qamqor.core.iin import check_digit
from qamqor.core.models import User
from qamqor.families.models import Child, Consent, Parent
from qamqor.families.services import child_create, parent_create
from qamqor.journal.models import Channel, Request, StatusChange, Topic
from qamqor.journal.services import (
    request_cancel,
    request_complete,
    request_intake,
    request_mark_no_show,
    request_route,
    request_schedule,
)
from qamqor.orgs.models import ConsultationPoint, District, Membership, Organization, Region, Room
from qamqor.orgs.roles import CONSULTING_ROLES, Role
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.models import Appointment, ClosedDay, WorkingHours
from qamqor.scheduling.services import free_slots, specialists_for_roles

PASSWORD = "qamqor-demo-2026"  # noqa: S105 (a published demo password, printed on purpose)
URL = "http://127.0.0.1:8000/"
SEED = 2026
# The demo is loaded when this user exists.
MARKER_USERNAME = "methodist"

REGION_KATO = "710000000"  # Астана қаласы
DISTRICT = {
    "kato": "711210000",
    "name_kk": "Есіл ауданы",
    "name_ru": "район Есиль",
    "name_en": "Esil District",
}

ORGANIZATIONS = [
    {
        "key": "duman",
        "name_kk": "№8 «Думан» бөбекжай-бақшасы",
        "name_ru": "Ясли-сад №8 «Думан»",
        "name_en": "Nursery-kindergarten No 8 «Duman»",
        "address_kk": "Астана қ., Есіл ауданы, Сығанақ көшесі, 25",
        "address_ru": "г. Астана, район Есиль, улица Сыганак, 25",
        "bin_base": "01054000123",
        "phone": "+77172550808",
        "point": {
            "address": "Астана қ., Сығанақ көшесі, 25, 1-қабат, 104-кабинет",
            "phone": "+77172550809",
            "whatsapp": "+77015508080",
            "telegram": "@duman8_kp",
            "opened_on": dt.date(2023, 9, 1),
        },
        "rooms": {
            "method": "Әдістемелік кабинет",
            "psych": "Педагог-психолог кабинеті",
            "speech": "Логопед кабинеті",
            "hall": "Музыка залы",
        },
        # Sanitary day: the first Friday at least a week ahead.
        "closed_weekday": 4,
        "closed_after_days": 7,
    },
    {
        "key": "balapan",
        "name_kk": "№12 «Балапан» бөбекжай-бақшасы",
        "name_ru": "Ясли-сад №12 «Балапан»",
        "name_en": "Nursery-kindergarten No 12 «Balapan»",
        "address_kk": "Астана қ., Есіл ауданы, Қабанбай батыр даңғылы, 48/3",
        "address_ru": "г. Астана, район Есиль, проспект Кабанбай батыра, 48/3",
        "bin_base": "12094000567",
        "phone": "+77172271212",
        "point": {
            "address": "Астана қ., Қабанбай батыр даңғылы, 48/3, 2-қабат",
            "phone": "+77172271213",
            "whatsapp": "+77475271212",
            "telegram": "@balapan12_kp",
            "opened_on": dt.date(2024, 1, 15),
        },
        "rooms": {
            "method": "Әдістемелік кабинет",
            "psych": "Психолог кабинеті",
            "speech": "Логопед кабинеті",
        },
        # Sanitary day: the first Wednesday at least ten days ahead.
        "closed_weekday": 2,
        "closed_after_days": 10,
    },
]

MON_FRI = (0, 1, 2, 3, 4)
MWF = (0, 2, 4)
TUE_THU = (1, 3)
MON_WED = (0, 2)

# username, full name, language, [(organisation index, role, weekly hours)] with hours as
# (weekdays, from, to, room key). Officers and the superuser come separately.
STAFF = [
    ("head", "Бекова Сәуле Әлібекқызы", "kk", [(0, Role.HEAD, [(TUE_THU, "14:00", "16:00", "method")])]),
    ("methodist", "Ахметова Гүлнар Серікқызы", "kk", [(0, Role.METHODIST, [(MON_FRI, "09:00", "12:00", "method")])]),
    (
        "psychologist",
        "Оспанова Айгүл Маратқызы",
        "kk",
        [(0, Role.PSYCHOLOGIST, [(MON_FRI, "09:00", "12:00", "psych"), (TUE_THU, "14:00", "17:00", "psych")])],
    ),
    (
        "speech",
        "Жұмабаева Ләззат Қайратқызы",
        "kk",
        [(0, Role.SPEECH_THERAPIST, [(MON_FRI, "09:00", "12:00", "speech"), ((2,), "14:00", "17:00", "speech")])],
    ),
    ("educator", "Қасымова Меруерт Болатқызы", "kk", [(0, Role.EDUCATOR, [(MWF, "14:00", "16:00", "hall")])]),
    ("nurse", "Ибраева Жанар Ержанқызы", "kk", [(0, Role.NURSE, [(MWF, "14:00", "16:00", "method")])]),
    ("music", "Тоқтарова Әсел Нұрланқызы", "kk", [(0, Role.MUSIC_DIRECTOR, [(TUE_THU, "14:00", "17:00", "hall")])]),
    ("pe", "Сұлтанов Дәурен Асқарұлы", "kk", [(0, Role.PE_INSTRUCTOR, [(MWF, "10:00", "12:00", "hall")])]),
    ("head2", "Мұхамеджанова Роза Қуанышқызы", "kk", [(1, Role.HEAD, [(MON_WED, "14:00", "16:00", "method")])]),
    ("methodist2", "Смағұлова Гүлмира Тимурқызы", "kk", [(1, Role.METHODIST, [(MON_FRI, "09:00", "12:00", "method")])]),
    (
        "psychologist2",
        "Ковальчук Елена Викторовна",
        "ru",
        [(1, Role.PSYCHOLOGIST, [(MON_FRI, "09:00", "12:00", "psych"), (MWF, "14:00", "17:00", "psych")])],
    ),
    (
        "speech2",
        "Нұрпейісова Дана Ерболқызы",
        "kk",
        [(1, Role.SPEECH_THERAPIST, [(MON_FRI, "09:00", "12:00", "speech"), (TUE_THU, "14:00", "17:00", "speech")])],
    ),
    (
        "multi",
        "Әбдірахманова Камила Бауыржанқызы",
        "kk",
        [
            (0, Role.PSYCHOLOGIST, [(MWF, "14:00", "17:00", "psych")]),
            (1, Role.PSYCHOLOGIST, [(TUE_THU, "14:00", "17:00", "psych")]),
        ],
    ),
]
DISTRICT_OFFICER = ("district", "Омаров Ерлан Сапарұлы", "kk")
REGION_OFFICER = ("region", "Жақсылықова Арайлым Құрманқызы", "kk")
SUPERUSER = ("admin", "Жүйе әкімшісі", "kk")
DEMO_USERNAMES = [s[0] for s in STAFF] + [DISTRICT_OFFICER[0], REGION_OFFICER[0], SUPERUSER[0]]

# Families: full name, language, email, children as (full name, sex, birth year, with IIN).
PARENTS = [
    [
        (
            "Сейтқали Динара Ерланқызы",
            "kk",
            "d.seitkali@example.com",
            [("Сейтқали Әлихан Нұрбекұлы", "m", 2022, True), ("Сейтқали Аяла Нұрбекқызы", "f", 2024, False)],
        ),
        ("Жақсыбекова Аружан Қайратқызы", "kk", "", [("Жақсыбеков Нұрасыл Ерболұлы", "m", 2021, True)]),
        ("Иванова Ольга Сергеевна", "ru", "olga.ivanova@example.com", [("Иванов Матвей Андреевич", "m", 2020, False)]),
        ("Тұрсынов Бауыржан Серікұлы", "kk", "", [("Тұрсынова Томирис Бауыржанқызы", "f", 2021, True)]),
        ("Ким Екатерина Владимировна", "ru", "", [("Ким Алиса Денисовна", "f", 2022, True)]),
        (
            "Мұратова Гүлназ Асқарқызы",
            "kk",
            "gulnaz.muratova@example.com",
            [("Мұратов Ерасыл Даниярұлы", "m", 2019, True), ("Мұратова Інжу Даниярқызы", "f", 2023, False)],
        ),
        ("Ахметова Мадина Тимуровна", "ru", "", [("Ахметов Амир Русланович", "m", 2020, False)]),
        ("Нұрланова Айжан Маратқызы", "kk", "", [("Әбілов Санжар Ерланұлы", "m", 2022, True)]),
        ("Петренко Анна Игоревна", "ru", "anna.petrenko@example.com", [("Петренко София Максимовна", "f", 2021, True)]),
        ("Сәрсенбаева Әсем Ғаниқызы", "kk", "", [("Сәрсенбаев Алдияр Нұржанұлы", "m", 2024, False)]),
    ],
    [
        ("Омарова Жанна Бекзатқызы", "kk", "zhanna.omarova@example.com", [("Омаров Айсұлтан Ғалымжанұлы", "m", 2021, True)]),
        (
            "Смирнова Татьяна Николаевна",
            "ru",
            "",
            [("Смирнов Артём Павлович", "m", 2020, True), ("Смирнова Варвара Павловна", "f", 2023, False)],
        ),
        ("Бекмұхамбетов Ерлан Талғатұлы", "kk", "", [("Бекмұхамбетова Айлин Ерланқызы", "f", 2022, True)]),
        ("Әлиева Дильназ Рустамовна", "ru", "dilnaz.alieva@example.com", [("Әлиев Тимур Асланович", "m", 2021, False)]),
        ("Қуанышева Гүлжан Серікқызы", "kk", "", [("Қуанышев Нұрислам Азаматұлы", "m", 2019, True)]),
        ("Есенова Ақбота Нұрланқызы", "kk", "", [("Есенова Айару Дәуренқызы", "f", 2023, True)]),
        ("Ли Виктория Олеговна", "ru", "", [("Ли Марк Александрович", "m", 2022, False)]),
        (
            "Жұмабекова Сабина Ерланқызы",
            "kk",
            "sabina.zhumabekova@example.com",
            [("Жұмабеков Алинұр Арманұлы", "m", 2020, True), ("Жұмабекова Медина Арманқызы", "f", 2024, True)],
        ),
        ("Қасенов Арман Болатұлы", "ru", "", [("Қасенова Амина Армановна", "f", 2021, False)]),
    ],
]
MOBILE_PREFIXES = ["701", "702", "705", "707", "747", "771", "775", "776", "777", "778"]

# How many requests of each fate per organisation, and specialists who must have
# consultations today (the user "psychologist" gets three, so "my day" is not empty).
FATES = [
    {
        "counts": {
            "answered": 7,
            "new": 3,
            "routed": 2,
            "cancel_new": 1,
            "cancel_scheduled": 1,
            "done": 12,
            "no_show": 2,
            "no_show_rebooked": 1,
            "future": 6,
        },
        "today": [("psychologist", 3), ("speech", 1)],
    },
    {
        "counts": {
            "answered": 6,
            "new": 2,
            "routed": 2,
            "cancel_new": 1,
            "cancel_scheduled": 1,
            "done": 10,
            "no_show": 2,
            "future": 6,
        },
        "today": [("psychologist2", 1)],
    },
]
# When each fate's request came in: days ago, from..to.
RECEIVED_DAYS_AGO = {
    "answered": (0, 29),
    "new": (0, 2),
    "routed": (1, 4),
    "cancel_new": (3, 25),
    "cancel_scheduled": (2, 8),
    "done": (8, 29),
    "no_show": (8, 25),
    "no_show_rebooked": (8, 20),
    "future": (1, 8),
    "today": (1, 6),
}
OFFICE_CHANNELS = {Channel.PHONE, Channel.WRITTEN, Channel.IN_PERSON, Channel.WALK_IN}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 4,
    Channel.WRITTEN: 1,
    Channel.IN_PERSON: 3,
    Channel.WALK_IN: 1,
    Channel.ONLINE: 2,
    Channel.TELEGRAM: 1,
    Channel.WHATSAPP: 2,
    Channel.EMAIL: 1,
}
TOPIC_WEIGHTS = {
    "speech": 5,
    "behaviour": 4,
    "adaptation": 4,
    "school_readiness": 2,
    "age_stages": 2,
    "socialisation": 2,
    "play_at_home": 2,
    "nutrition": 2,
    "health": 1,
    "music": 1,
    "physical": 1,
    "enrolment": 1,
    "other": 1,
}
# Ages (years) a topic suits, so a toddler is not asked about school readiness.
TOPIC_AGES = {
    "school_readiness": (4.5, 8),
    "age_stages": (0, 4),
    "speech": (1.5, 8),
    "adaptation": (1, 6),
    "music": (2, 8),
    "physical": (2, 8),
}

# Per topic: questions, an answer given at once, recommendations; each as (kk, ru).
CONTENT: dict[str, dict[str, list[tuple[str, str]]]] = {
    "socialisation": {
        "questions": [
            (
                "Балам балабақшаға бармайды, үйде әжесімен отырады. Басқа балалармен ойнауға қалай үйретемін?",
                "Ребёнок не ходит в детский сад, сидит дома с бабушкой. Как научить его играть с другими детьми?",
            ),
            (
                "Қызым ойын алаңында балалардан қашады, жанына ешкімді жақындатпайды.",
                "Дочь на детской площадке сторонится детей, никого к себе не подпускает.",
            ),
        ],
        "answers": [
            (
                "Күн сайын ойын алаңына шығып, баланы бір-екі баламен қысқа бірлескен ойынға тарту керек.",
                "Каждый день выходить на площадку и вовлекать ребёнка в короткую совместную игру с одним-двумя детьми.",
            )
        ],
        "recommendations": [
            (
                "Ойын алаңында бірлескен ойындар («Доп лақтыр», «Қуыспақ») ұйымдастыру, апта сайын балабақшадағы "
                "ойын практикумына қатысу ұсынылды. «Баланы әлеуметтендіру» жаднамасы берілді.",
                "Рекомендовано организовывать совместные игры на площадке («Передай мяч», «Прятки») и посещать "
                "еженедельный игровой практикум в детском саду. Выдана памятка «Социализация ребёнка».",
            ),
            (
                "Мини-топтағы (2–3 бала) сабақтарға жазылу ұсынылды; үйде «Қонақтар» рөлдік ойыны, кезектесіп "
                "ойнау ережелері түсіндірілді.",
                "Предложено заниматься в мини-группе (2–3 ребёнка); объяснены ролевая игра «Гости» и правила игры по очереди.",
            ),
        ],
    },
    "age_stages": {
        "questions": [
            (
                "Ұлым 1 жас 8 айлық. Бұл жаста не істей алуы керек, дамуы қалыпты ма?",
                "Сыну 1 год 8 месяцев. Что он должен уметь в этом возрасте, нормально ли он развивается?",
            ),
            (
                "Екі жасар қызым бәріне «өзім» дейді, ештеңеге көнбейді. Бұл жас дағдарысы ма?",
                "Дочке два года, на всё отвечает «я сама» и ни с чем не соглашается. Это кризис возраста?",
            ),
        ],
        "answers": [
            (
                "Бұл жаста «өзім» кезеңі – қалыпты құбылыс; балаға екі нұсқаның бірін таңдауға мүмкіндік беріңіз.",
                "«Я сам» в этом возрасте — норма; давайте ребёнку выбор из двух вариантов.",
            )
        ],
        "recommendations": [
            (
                "Жас кезеңінің ерекшеліктері түсіндірілді, даму картасы бойынша бақылау парағы берілді. Ұсынылатын "
                "ойыншықтар: пирамидалар, ендірмелер, текшелер. Әдебиет: «Ерте жастағы бала дамуы» (балабақша сайтында).",
                "Объяснены особенности возрастного этапа, выдан лист наблюдений по карте развития. Игрушки: "
                "пирамидки, вкладыши, кубики. Литература: «Развитие ребёнка раннего возраста» (на сайте детского сада).",
            ),
            (
                "«Үш жас дағдарысы» жаднамасы берілді: таңдау мүмкіндігін беру, шекараларды тұрақты ұстау. "
                "Бірлескен ойындар: «Өзім жасаймын», үй жұмысына қатыстыру.",
                "Выдана памятка «Кризис трёх лет»: давать выбор, последовательно держать границы. Совместные "
                "игры «Я сам», вовлечение в домашние дела.",
            ),
        ],
    },
    "nutrition": {
        "questions": [
            (
                "Балам көкөніс жемейді, тек тәтті сұрайды. Тамақтануын қалай ұйымдастырамын?",
                "Ребёнок не ест овощи, просит только сладкое. Как организовать его питание?",
            ),
            (
                "Үш жасар балаға күніне неше рет тамақ беру керек? Тәулік тәртібі қандай болуы тиіс?",
                "Сколько раз в день кормить трёхлетнего ребёнка? Каким должен быть режим дня?",
            ),
        ],
        "answers": [
            (
                "Күніне 4–5 рет, бір уақытта тамақтандыру керек; тамақ аралығында тәтті бермеңіз.",
                "Кормить 4–5 раз в день в одно и то же время; не давать сладкое между приёмами пищи.",
            )
        ],
        "recommendations": [
            (
                "Тамақтану тәртібі (күніне 4–5 рет) және апталық мәзір үлгісі берілді. Көкөністерді ойын түрінде "
                "ұсыну, тәттіні тағамнан кейін ғана беру. «Баланың дұрыс тамақтануы» буклеті берілді.",
                "Выданы режим питания (4–5 раз в день) и образец недельного меню. Предлагать овощи в игровой "
                "форме, сладкое — только после еды. Выдан буклет «Правильное питание ребёнка».",
            ),
            (
                "Жасына сай тәулік тәртібі мен тамақтану кестесі түсіндірілді; ас үйде «Бірге пісіреміз» ойыны ұсынылды.",
                "Объяснены режим дня и график питания по возрасту; рекомендована игра «Готовим вместе» на кухне.",
            ),
        ],
    },
    "play_at_home": {
        "questions": [
            (
                "Үйде баламмен қандай ойындар ойнауға болады? Телефоннан басқа ештеңеге қызықпайды.",
                "Во что играть с ребёнком дома? Кроме телефона ничем не интересуется.",
            ),
            (
                "Пәтеріміз кішкентай, балаға ойын бұрышын қалай жасауға болады?",
                "Квартира маленькая — как устроить для ребёнка игровой уголок?",
            ),
        ],
        "answers": [
            (
                "Күніне кемінде 20 минут баламен бірге ойнаңыз; ойыншықтарды апта сайын ауыстырып отырыңыз.",
                "Не менее 20 минут в день играть вместе с ребёнком; раз в неделю менять игрушки.",
            )
        ],
        "recommendations": [
            (
                "Үйдегі ойын бұрышын ұйымдастыру жаднамасы берілді. Ұсынылатын ойындар: «Сиқырлы қапшық», "
                "«Асық ату», құм және су ойындары; экран уақыты – күніне 30 минуттан аспау.",
                "Выдана памятка по организации игрового уголка дома. Игры: «Чудесный мешочек», «Асыки», игры с "
                "песком и водой; экранное время — не более 30 минут в день.",
            ),
            (
                "Үстел үсті ойындары (лото, мозаика, пазлдар) ұсынылды; ата-ана мен баланың бірлескен ойын "
                "практикумына шақырылды. Балабақша сайтындағы «Үйдегі ойындар» бейнежинағы.",
                "Рекомендованы настольные игры (лото, мозаика, пазлы); приглашение на детско-родительский игровой "
                "практикум. Видеоподборка «Игры дома» на сайте детского сада.",
            ),
        ],
    },
    "health": {
        "questions": [
            (
                "Балам жиі ауырады, ай сайын суық тиеді. Шынықтыруды неден бастаймыз?",
                "Ребёнок часто болеет, простужается каждый месяц. С чего начать закаливание?",
            ),
            (
                "Күзде балаға қандай серуендеу тәртібі дұрыс?",
                "Какой режим прогулок правильный для ребёнка осенью?",
            ),
        ],
        "answers": [
            (
                "Шынықтыруды бала сау кезде ғана, ауа ванналарынан бастаңыз.",
                "Начинать закаливание только когда ребёнок здоров, с воздушных ванн.",
            )
        ],
        "recommendations": [
            (
                "Біртіндеп шынықтыру жоспары берілді: ауа ванналары, салқын сумен жуыну, күнделікті 2 сағат серуен. "
                "«Баланы шынықтыру» жаднамасы берілді.",
                "Выдан план постепенного закаливания: воздушные ванны, умывание прохладной водой, ежедневная "
                "прогулка 2 часа. Выдана памятка «Закаливание ребёнка».",
            ),
            (
                "Маусымға сай киіндіру және серуендеу тәртібі түсіндірілді; тыныс алу жаттығулары үйретілді.",
                "Объяснены правила одевания по сезону и режим прогулок; разучена дыхательная гимнастика.",
            ),
        ],
    },
    "speech": {
        "questions": [
            (
                "Ұлым 2 жас 6 айлық, әлі сөйлемейді, тек жеке буындарды айтады.",
                "Сыну 2 года 6 месяцев, он ещё не говорит, произносит только отдельные слоги.",
            ),
            ("Қызым 4 жаста, «р» және «ш» дыбыстарын айта алмайды.", "Дочке 4 года, не выговаривает звуки «р» и «ш»."),
            (
                "Балам екі тілде сөйлейді, сөздерді араластырады. Бұл сөйлеу тілінің дамуына зиян ба?",
                "Ребёнок растёт в двуязычной семье и смешивает слова. Не вредит ли это развитию речи?",
            ),
        ],
        "answers": [
            (
                "Күн сайын кітап оқып, бала айтқанын толықтырып қайталаңыз; екі тілде сөйлеу дамуға зиян емес.",
                "Ежедневно читайте книги и повторяйте за ребёнком, дополняя его фразы; двуязычие развитию речи не вредит.",
            )
        ],
        "recommendations": [
            (
                "Артикуляциялық жаттығулар кешені (күніне 2 рет, 5–7 минут) көрсетілді; «Сөйлеу тілін дамыту» "
                "жаднамасы берілді. Ойындар: «Кім қалай дыбыстайды?», «Сиқырлы қапшық». Саусақ ойындары мен кітап "
                "оқу – күн сайын. Бір айдан кейін қайта тексеру.",
                "Показан комплекс артикуляционной гимнастики (2 раза в день по 5–7 минут), выдана памятка «Развитие "
                "речи малыша». Игры: «Кто как говорит?», «Чудесный мешочек». Пальчиковые игры и чтение книг — "
                "ежедневно. Повторный осмотр через месяц.",
            ),
            (
                "«Р» дыбысын қоюға арналған жаттығулар үйретілді, үй тапсырмасына флэш-карталар берілді. Балабақша "
                "сайтындағы «Логопед кеңесі» бейнесабақтарын қарау ұсынылды.",
                "Разучены упражнения для постановки звука «р», выданы флэш-карточки для домашних занятий. "
                "Рекомендованы видеоуроки «Советы логопеда» на сайте детского сада.",
            ),
        ],
    },
    "behaviour": {
        "questions": [
            (
                "Балам ашуланса, жерге жатып айқайлайды. Қалай тоқтатамын?",
                "Когда ребёнок злится, он падает на пол и кричит. Как реагировать?",
            ),
            (
                "Қызым түнде жиі оянып, жылайды, қараңғыдан қорқады.",
                "Дочь часто просыпается ночью и плачет, боится темноты.",
            ),
            (
                "Інісі туғаннан кейін ұлым қызғанып, оны ренжітеді.",
                "После рождения младшего брата сын ревнует и обижает малыша.",
            ),
        ],
        "answers": [
            (
                "Ашуланған кезде баланы сабырмен құшақтап, сезімін атаңыз; айқай мен жазадан бас тартыңыз.",
                "Во время вспышки спокойно обнимите ребёнка и назовите его чувство; откажитесь от криков и наказаний.",
            )
        ],
        "recommendations": [
            (
                "Ашуды басуға арналған «Тыныс алу» ойыны мен «Ашу қапшығы» әдісі үйретілді. Тұрақты күн тәртібі, "
                "экран уақытын күніне 30 минутқа дейін қысқарту ұсынылды. «Баланың эмоциясы» буклеті берілді.",
                "Разучены игра «Дыхание» и приём «Мешочек гнева». Рекомендовано выстроить постоянный режим дня, "
                "ограничить экранное время до 30 минут. Выдан буклет «Эмоции ребёнка».",
            ),
            (
                "Ұйқы алдындағы тыныш рәсім (ертегі, күңгірт жарық) ұсынылды. Әдебиет: Ю. Б. Гиппенрейтер "
                "«Общаться с ребёнком. Как?». Екі аптадан кейін қайта кеңес.",
                "Рекомендован спокойный ритуал перед сном (сказка, приглушённый свет). Литература: Ю. Б. Гиппенрейтер "
                "«Общаться с ребёнком. Как?». Повторная консультация через две недели.",
            ),
        ],
    },
    "adaptation": {
        "questions": [
            (
                "Келесі айдан бастап балабақшаға барамыз. Бейімделуге қалай дайындаламыз?",
                "Со следующего месяца идём в детский сад. Как подготовиться к адаптации?",
            ),
            (
                "Балабақшаға барғанына екі апта болды, күнде таңертең жылайды.",
                "Две недели ходим в садик, каждое утро слёзы при расставании.",
            ),
        ],
        "answers": [
            (
                "Алғашқы аптада 2–3 сағаттан бастап, уақытты бірте-бірте ұзартыңыз; қоштасуды қысқа ұстаңыз.",
                "В первую неделю — по 2–3 часа, постепенно увеличивая время; прощайтесь коротко.",
            )
        ],
        "recommendations": [
            (
                "Бейімделу жаднамасы берілді: балабақшада болу уақытын біртіндеп ұзарту, үйден сүйікті ойыншық алу, "
                "қоштасуды қысқа ұстау. Үйде «Балабақша» рөлдік ойынын ойнау ұсынылды.",
                "Выдана памятка по адаптации: постепенно увеличивать время пребывания, брать из дома любимую "
                "игрушку, прощаться коротко. Рекомендована ролевая игра «Детский сад» дома.",
            ),
            (
                "«Балабақшаға алғашқы қадам» буклеті мен бейнематериал берілді; таңертеңгі қоштасу рәсімі келісілді. "
                "Бір аптадан кейін тәрбиешімен бірге кері байланыс.",
                "Выданы буклет «Первые шаги в детский сад» и видеоматериал; согласован утренний ритуал прощания. "
                "Через неделю — обратная связь вместе с воспитателем.",
            ),
        ],
    },
    "school_readiness": {
        "questions": [
            (
                "Ұлым келесі жылы мектепке барады. Оның мектепке дайындығын қалай тексереміз?",
                "Сын на следующий год идёт в школу. Как проверить его готовность к школе?",
            ),
            (
                "Қызым әріптерді біледі, бірақ бір іспен 10 минуттан артық отыра алмайды.",
                "Дочь знает буквы, но не может заниматься одним делом дольше 10 минут.",
            ),
        ],
        "answers": [
            (
                "Күнделікті 15 минуттан ойын түріндегі сабақтар жеткілікті; зейінді дамытатын ойындар ойнаңыз.",
                "Достаточно ежедневных занятий по 15 минут в игровой форме; играйте в игры на внимание.",
            )
        ],
        "recommendations": [
            (
                "Мектепке дайындық диагностикасының нәтижесі түсіндірілді. Зейінді дамыту ойындары: «Айырмашылықты "
                "тап», «Графикалық диктант». Жұмыс дәптері мен тапсырмалар жинағы берілді.",
                "Разъяснены результаты диагностики готовности к школе. Игры на внимание: «Найди отличия», "
                "«Графический диктант». Выданы рабочая тетрадь и подборка заданий.",
            ),
            (
                "Күнделікті 15 минуттық сабақ кестесі ұсынылды; қолдың ұсақ моторикасына арналған жаттығулар "
                "(мүсіндеу, бояу) және «Болашақ бірінші сынып оқушысының ата-анасына» жаднамасы берілді.",
                "Предложен график ежедневных занятий по 15 минут; упражнения на мелкую моторику (лепка, раскраски) "
                "и памятка «Родителям будущего первоклассника».",
            ),
        ],
    },
    "music": {
        "questions": [
            (
                "Балам ән айтқанды жақсы көреді. Үйде музыкалық қабілетін қалай дамытамыз?",
                "Ребёнок любит петь. Как развивать музыкальные способности дома?",
            ),
            (
                "Домбыраға немесе фортепианоға қай жастан беруге болады?",
                "С какого возраста можно отдавать ребёнка на домбру или фортепиано?",
            ),
        ],
        "answers": [
            (
                "Аспапқа 5 жастан бастап беруге болады; оған дейін ырғақ ойындары мен ән айту жеткілікті.",
                "Инструмент — с 5 лет; до этого достаточно ритмических игр и пения.",
            )
        ],
        "recommendations": [
            (
                "Үйде музыка тыңдау (күйлер, балалар әндері), ырғақ ойындары («Шапалақ», «Жаңғырық») ұсынылды. "
                "Балабақша сайтындағы әндер жинағы.",
                "Рекомендованы слушание музыки дома (кюи, детские песни) и ритмические игры («Хлопки», «Эхо»). "
                "Подборка песен на сайте детского сада.",
            ),
            (
                "Аспапты 5 жастан бастау, алдымен шулы аспаптар (сылдырмақ, дабыл). «Музыка және бала» буклеті берілді.",
                "Инструменты — с 5 лет, начинать с шумовых (погремушки, бубен). Выдан буклет «Музыка и ребёнок».",
            ),
        ],
    },
    "physical": {
        "questions": [
            (
                "Балам аз қозғалады, үйде көп отырады. Үйде қандай жаттығулар жасауға болады?",
                "Ребёнок мало двигается, много сидит дома. Какие упражнения можно делать дома?",
            ),
            (
                "Ұлымның табаны жалпақ болуы мүмкін деді. Қандай жаттығулар көмектеседі?",
                "У сына подозревают плоскостопие. Какие упражнения помогут?",
            ),
        ],
        "answers": [
            (
                "Күн сайын 10 минуттық таңғы жаттығу және доппен ойындар жеткілікті.",
                "Достаточно ежедневной 10-минутной зарядки и игр с мячом.",
            )
        ],
        "recommendations": [
            (
                "Үйде жасалатын таңғы жаттығулар кешені (10 минут) көрсетілді; доппен ойындар ұсынылды. "
                "Бейнежаттығулар балабақша сайтында.",
                "Показан комплекс утренней зарядки для дома (10 минут); рекомендованы игры с мячом. "
                "Видеоупражнения на сайте детского сада.",
            ),
            (
                "Жалпақ табанның алдын алу жаттығулары (аяқ ұшымен жүру, затты аяқпен жинау), массаж төсеніші "
                "ұсынылды; дәрігер-ортопедке көріну.",
                "Упражнения для профилактики плоскостопия (ходьба на носочках, собирание предметов стопой), "
                "массажный коврик; рекомендована консультация ортопеда.",
            ),
        ],
    },
    "enrolment": {
        "questions": [
            (
                "Балабақшаға кезекке қалай тұрамыз және жолдама қашан келеді?",
                "Как встать в очередь в детский сад и когда придёт направление?",
            ),
            (
                "Көпбалалы отбасымыз, тамақтану ақысы бойынша жеңілдік ала аламыз ба?",
                "У нас многодетная семья. Можно ли получить льготу по оплате питания?",
            ),
        ],
        "answers": [
            (
                "Кезекке egov.kz порталы арқылы тұруға болады; жолдама кезек бойынша SMS арқылы келеді.",
                "В очередь встают через портал egov.kz; направление приходит по SMS в порядке очереди.",
            )
        ],
        "recommendations": [
            (
                "Кезекке электрондық үкімет порталы (egov.kz) арқылы тұру тәртібі түсіндірілді; жолдама алуға "
                "қажетті құжаттар тізімі берілді.",
                "Разъяснён порядок постановки в очередь через портал электронного правительства (egov.kz); выдан "
                "список документов для получения направления.",
            ),
            (
                "Тамақтану ақысы бойынша жеңілдік алуға өтініш үлгісі мен құжаттар тізімі берілді.",
                "Выданы образец заявления и список документов для льготы по оплате питания.",
            ),
        ],
    },
    "other": {
        "questions": [
            (
                "Қай маманға жүгінуім керек екенін білмеймін: балам соңғы кезде тұйықталып кетті.",
                "Не знаю, к какому специалисту обратиться: ребёнок в последнее время стал замкнутым.",
            ),
            ("Консультациялық пункт жазда жұмыс істей ме?", "Работает ли консультационный пункт летом?"),
        ],
        "answers": [
            (
                "Консультациялық пункт жыл бойы, дүйсенбі–жұма күндері 9:00–17:00 аралығында жұмыс істейді.",
                "Консультационный пункт работает круглый год, с понедельника по пятницу с 9:00 до 17:00.",
            )
        ],
        "recommendations": [
            (
                "Әдіскер әңгімелесіп, мәселені анықтады; педагог-психологқа жазылу ұсынылды. Ата-аналарға арналған "
                "жаднамалар жинағы берілді.",
                "Методист провёл беседу и уточнил запрос; рекомендована запись к педагогу-психологу. Выдан набор "
                "памяток для родителей.",
            ),
            (
                "Консультациялық пункттің жұмыс кестесі, WhatsApp және Telegram байланыстары берілді.",
                "Выданы график работы консультационного пункта и контакты в WhatsApp и Telegram.",
            ),
        ],
    },
}
OUTCOMES = [
    ("Кеңес берілді, ата-ана ұсынымдармен келісті.", "Консультация проведена, родитель согласен с рекомендациями."),
    (
        "Кеңес берілді; екі аптадан кейін қайта кездесу ұсынылды.",
        "Консультация проведена; рекомендована повторная встреча через две недели.",
    ),
    (
        "Ата-ананың қатысуымен баламен жеке ойын сабағы өткізілді.",
        "Проведено индивидуальное игровое занятие с ребёнком в присутствии родителя.",
    ),
    ("Ата-ана мен бала бірлескен ойын практикумына қатысты.", "Родитель и ребёнок участвовали в игровом практикуме."),
]
CANCEL_NOTES = {
    "cancel_new": (
        "Қайталанған өтініш: ата-ана WhatsApp арқылы да жазған.",
        "Повторное обращение: родитель написал и в WhatsApp.",
    ),
    "cancel_scheduled": ("Ата-ана бас тартты: бала ауырып қалды.", "Родитель отказался: ребёнок заболел."),
}


@dataclass
class Planned:
    """One request of the demo journal, decided before anything is written."""

    org: int
    fate: str
    channel: str = ""
    received_at: dt.datetime | None = None
    parent: int = 0
    child: int | None = None
    topic: str = ""
    specialists: list[Membership] = field(default_factory=list)


def _lang_index(language: str) -> int:
    return 0 if language == "kk" else 1


def _bin(base: str) -> str:
    """A BIN with a valid check digit (same algorithm as the IIN)."""
    serial = int(base[-5:])
    while True:
        first_eleven = f"{base[:6]}{serial:05d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return f"{first_eleven}{digit}"
        serial += 1


class DemoLoader:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.orgs: list[Organization] = []
        self.rooms: list[dict[str, Room]] = []
        self.users: dict[str, User] = {}
        self.members: dict[tuple[str, int], Membership] = {}
        self.parents: list[list[Parent]] = []
        self.children: list[list[list[Child]]] = []
        self.topics: dict[str, Topic] = {}
        self.password_hash = ""
        self.last_change_id = 0

    # ---- reference rows ---------------------------------------------------------------

    def load(self) -> dict[str, int]:
        self._places()
        self._people()
        self._closed_days()
        plan = self._plan()
        self._families(plan)
        for item in sorted(plan, key=lambda p: p.received_at):
            self._run(item)
        self._backdate_families(plan)
        return {
            "requests": Request.objects.filter(organization__in=self.orgs).count(),
            "appointments": Appointment.objects.filter(organization__in=self.orgs).count(),
            "parents": Parent.objects.filter(organization__in=self.orgs).count(),
            "children": Child.objects.filter(organization__in=self.orgs).count(),
        }

    def _places(self) -> None:
        region = Region.objects.filter(kato=REGION_KATO).first()
        if region is None:
            raise CommandError("The regions are missing: run `manage.py migrate` first.")
        self.district = District.objects.filter(kato=DISTRICT["kato"]).first() or District.objects.create(
            region=region, name=DISTRICT["name_kk"], **DISTRICT
        )
        for spec in ORGANIZATIONS:
            org = Organization.objects.create(
                district=self.district,
                kind=Organization.Kind.KINDERGARTEN,
                name=spec["name_kk"],
                name_kk=spec["name_kk"],
                name_ru=spec["name_ru"],
                name_en=spec["name_en"],
                address=spec["address_kk"],
                address_kk=spec["address_kk"],
                address_ru=spec["address_ru"],
                bin=_bin(spec["bin_base"]),
                phone=spec["phone"],
            )
            ConsultationPoint.objects.create(organization=org, slot_minutes=30, **spec["point"])
            self.orgs.append(org)
            self.rooms.append({key: Room.objects.create(organization=org, name=name) for key, name in spec["rooms"].items()})

    def _user(self, username: str, full_name: str, language: str, **extra) -> User:
        user = User(
            username=username,
            full_name=full_name,
            preferred_language=language,
            email=f"{username}@qamqor.example",
            **extra,
        )
        if self.password_hash:  # hashing is slow on purpose: hash the shared password once
            user.password = self.password_hash
        else:
            user.set_password(PASSWORD)
            self.password_hash = user.password
        user.save()
        self.users[username] = user
        return user

    def _people(self) -> None:
        for username, full_name, language, places in STAFF:
            user = self._user(username, full_name, language)
            for org_index, role, hours in places:
                membership = Membership.objects.create(user=user, role=role, organization=self.orgs[org_index])
                self.members[(username, org_index)] = membership
                assert role in CONSULTING_ROLES
                for weekdays, starts, ends, room in hours:
                    for weekday in weekdays:
                        WorkingHours.objects.create(
                            membership=membership,
                            weekday=weekday,
                            starts=dt.time.fromisoformat(starts),
                            ends=dt.time.fromisoformat(ends),
                            room=self.rooms[org_index][room],
                        )
        username, full_name, language = DISTRICT_OFFICER
        Membership.objects.create(
            user=self._user(username, full_name, language), role=Role.DISTRICT_OFFICER, district=self.district
        )
        username, full_name, language = REGION_OFFICER
        Membership.objects.create(
            user=self._user(username, full_name, language), role=Role.REGION_OFFICER, region=self.district.region
        )
        username, full_name, language = SUPERUSER
        if not User.objects.filter(username=username).exists():
            self._user(username, full_name, language, is_staff=True, is_superuser=True)

    def _closed_days(self) -> None:
        for org, spec in zip(self.orgs, ORGANIZATIONS):
            day = self.today + dt.timedelta(days=spec["closed_after_days"])
            while day.weekday() != spec["closed_weekday"] or day in public_holidays(day.year):
                day += dt.timedelta(days=1)
            ClosedDay.objects.create(organization=org, date=day, is_closed=True, note="Санитарлық күн / Санитарный день")

    # ---- the plan -----------------------------------------------------------------------

    def _plan(self) -> list[Planned]:
        self.topics = topics = {t.code: t for t in Topic.objects.filter(code__in=CONTENT, is_active=True)}
        plan: list[Planned] = []
        for org_index, org in enumerate(self.orgs):
            available = {code: specialists_for_roles(org.pk, topic.roles or []) for code, topic in topics.items()}
            available = {code: members for code, members in available.items() if members}
            items = [Planned(org_index, fate) for fate, n in FATES[org_index]["counts"].items() for _ in range(n)]
            for username, n in FATES[org_index]["today"]:
                member = self.members[(username, org_index)]
                items += [Planned(org_index, "today", specialists=[member]) for _ in range(n)]
            self.rng.shuffle(items)
            self._assign_channels(items)
            families = PARENTS[org_index]
            order = list(range(len(families)))
            self.rng.shuffle(order)
            for i, item in enumerate(items):
                item.parent = order[i] if i < len(order) else self.rng.randrange(len(families))
                kids = families[item.parent][3]
                item.child = self.rng.randrange(len(kids)) if kids and self.rng.random() < 0.9 else None
                age = self._age(org_index, item) if item.child is not None else None
                item.topic = self._choose_topic(available, age, item.specialists[0] if item.specialists else None)
                if not item.specialists:
                    item.specialists = self._choose_specialists(available, item.topic)
                item.received_at = self._received_at(item.fate, item.channel)
            plan += items
        return plan

    def _assign_channels(self, items: list[Planned]) -> None:
        answered = [i for i in items if i.fate == "answered"]
        for n, item in enumerate(answered):
            item.channel = Channel.WALK_IN if n == 0 else Channel.WHATSAPP if n == 1 else Channel.PHONE
        others = [i for i in items if i.fate != "answered"]
        channels = list(Channel.values)
        channels += self.rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()), k=len(others))
        channels = channels[: len(others)]
        self.rng.shuffle(channels)
        for item, channel in zip(others, channels):
            item.channel = channel

    def _age(self, org_index: int, item: Planned) -> float:
        year = PARENTS[org_index][item.parent][3][item.child][2]
        return (self.today.year - year) + 0.5

    def _choose_topic(self, available: dict[str, list[Membership]], age: float | None, member: Membership | None) -> str:
        codes = [
            code
            for code in available
            if (member is None or member in available[code])
            and (age is None or TOPIC_AGES.get(code, (0, 99))[0] <= age <= TOPIC_AGES.get(code, (0, 99))[1])
        ]
        if not codes:  # nothing suits the child's age: any topic of this specialist
            codes = [code for code in available if member is None or member in available[code]]
        return self.rng.choices(codes, weights=[TOPIC_WEIGHTS.get(c, 1) for c in codes])[0]

    def _choose_specialists(self, available: dict[str, list[Membership]], topic: str) -> list[Membership]:
        members = available[topic]
        by_role: dict[str, list[Membership]] = {}
        for m in members:
            by_role.setdefault(m.role, []).append(m)
        # Seed 000: one or several specialists consult at once (school readiness most often).
        chance = 0.6 if topic == "school_readiness" else 0.15
        if len(by_role) >= 2 and self.rng.random() < chance:
            roles = self.rng.sample(sorted(by_role), 2)
            return [self.rng.choice(by_role[role]) for role in roles]
        return [self.rng.choice(members)]

    def _received_at(self, fate: str, channel: str) -> dt.datetime:
        low, high = RECEIVED_DAYS_AGO[fate]
        office = channel in OFFICE_CHANNELS
        for _ in range(100):
            day = self.today - dt.timedelta(days=self.rng.randint(low, high))
            if office and (day.weekday() >= 5 or day in public_holidays(day.year)):
                continue
            hour = self.rng.randint(9, 17) if office else self.rng.randint(7, 22)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.randrange(0, 60, 5))))
            if at < self.now - dt.timedelta(minutes=30):
                return at
        return self.now - dt.timedelta(days=low, hours=1)

    # ---- families -----------------------------------------------------------------------

    def _phone(self, used: set[str]) -> str:
        while True:
            phone = f"+7{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**7):07d}"
            if phone not in used:
                used.add(phone)
                return phone

    def _birth_date(self, year: int) -> dt.date:
        latest = min(dt.date(year, 12, 31), self.today - dt.timedelta(days=120))
        first = dt.date(year, 1, 1)
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (latest - first).days)))

    def _iin(self, birth_date: dt.date, sex: str) -> str:
        prefix = f"{birth_date:%y%m%d}{'5' if sex == 'm' else '6'}"
        while True:
            first_eleven = f"{prefix}{self.rng.randrange(10000):04d}"
            digit = check_digit(first_eleven)
            if digit is not None:
                return f"{first_eleven}{digit}"

    def _families(self, plan: list[Planned]) -> None:
        used: set[str] = set()
        for org_index, org in enumerate(self.orgs):
            methodist = self.manager(org_index)
            parents, children = [], []
            for parent_index, (full_name, language, email, kids) in enumerate(PARENTS[org_index]):
                first = min((p for p in plan if p.org == org_index and p.parent == parent_index), key=lambda p: p.received_at)
                online = first.channel not in OFFICE_CHANNELS
                parent = parent_create(
                    organization=org,
                    full_name=full_name,
                    phone=self._phone(used),
                    email=email,
                    language=language,
                    consent_method=Consent.Method.ONLINE if online else Consent.Method.PAPER,
                    recorded_by=methodist,
                )
                own = []
                for n, (child_name, sex, year, with_iin) in enumerate(kids):
                    birth_date = self._birth_date(year)
                    own.append(
                        child_create(
                            parent=parent,
                            full_name=child_name,
                            birth_date=birth_date,
                            sex=sex,
                            iin=self._iin(birth_date, sex) if with_iin else "",
                            consent_method=(Consent.Method.ONLINE if online else Consent.Method.PAPER) if n == 0 else None,
                            recorded_by=methodist,
                        )
                    )
                parents.append(parent)
                children.append(own)
            self.parents.append(parents)
            self.children.append(children)

    def _backdate_families(self, plan: list[Planned]) -> None:
        """A family is registered at its first request, not when the demo was loaded."""
        first: dict[tuple[int, int], dt.datetime] = {}
        for item in plan:
            key = (item.org, item.parent)
            first[key] = min(first.get(key, item.received_at), item.received_at)
        for (org_index, parent_index), received_at in first.items():
            parent = self.parents[org_index][parent_index]
            at = received_at - dt.timedelta(minutes=2)
            Parent.objects.filter(pk=parent.pk).update(created_at=at)
            Consent.objects.filter(parent=parent).update(given_at=at)
            Child.objects.filter(parent=parent).update(created_at=at)

    # ---- the journal --------------------------------------------------------------------

    def manager(self, org_index: int) -> User:
        return self.users["methodist" if org_index == 0 else "methodist2"]

    def _text(self, item: Planned, kind: str) -> str:
        language = PARENTS[item.org][item.parent][1]
        return self.rng.choice(CONTENT[item.topic][kind])[_lang_index(language)]

    def _mark(self) -> None:
        """Remember the last status change so far: `_stamp` moves only later ones."""
        self.last_change_id = StatusChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _stamp(self, request_id: int, at: dt.datetime) -> None:
        """Move what a service just stamped with the current time back to `at`."""
        at = min(at, self.now - dt.timedelta(minutes=1))
        # The intake's own first change already carries received_at.
        StatusChange.objects.filter(request_id=request_id, pk__gt=self.last_change_id).exclude(from_status="").update(
            changed_at=at
        )
        Request.objects.filter(pk=request_id, closed_at__gt=at).update(closed_at=at)
        self._mark()

    def _minutes(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(minutes=self.rng.randint(low, high))

    def _office(self, after: dt.datetime, low: int = 10, high: int = 90) -> dt.datetime:
        """When the staff would act on something that came in at `after`: in office hours
        (Monday to Friday from 09:00, not a public holiday), a few minutes later."""
        local = timezone.localtime(after)
        day, time = local.date(), local.time()
        if time >= dt.time(17, 30):
            day, time = day + dt.timedelta(days=1), dt.time.min
        while day.weekday() >= 5 or day in public_holidays(day.year):
            day, time = day + dt.timedelta(days=1), dt.time.min
        start = max(after, timezone.make_aware(dt.datetime.combine(day, max(time, dt.time(9)))))
        delay = self._minutes(low, high)
        if start + delay >= self.now:  # no office hours since: answered from a phone, soon after
            return after + delay
        return start + delay

    def _run(self, item: Planned) -> None:
        org = self.orgs[item.org]
        parent = self.parents[item.org][item.parent]
        child = self.children[item.org][item.parent][item.child] if item.child is not None else None
        methodist = self.manager(item.org)
        fate = item.fate
        received_by = methodist
        if fate == "answered":
            received_by = item.specialists[0].user
        elif item.topic == "enrolment" and item.channel in OFFICE_CHANNELS:
            received_by = self.users["head" if item.org == 0 else "head2"]
        kwargs = {}
        if fate == "answered":
            kwargs = {"answer": self._text(item, "answers"), "recommendations": self._text(item, "recommendations")}
            if item.channel == Channel.PHONE:
                kwargs["call_minutes"] = self.rng.randint(4, 15)
        request = request_intake(
            organization=org,
            channel=item.channel,
            parent=parent,
            child=child,
            topic=self.topics[item.topic],
            question=self._text(item, "questions"),
            received_by=received_by,
            received_at=item.received_at,
            **kwargs,
        )
        pk = request.pk
        language = _lang_index(parent.language)
        if fate == "answered":
            if item.channel == Channel.PHONE:
                self._stamp(pk, item.received_at + dt.timedelta(minutes=kwargs["call_minutes"]))
            else:
                self._stamp(pk, self._office(item.received_at, 5, 40))
        elif fate == "routed":
            request_route(request=request, specialists=item.specialists, by=methodist)
            self._stamp(pk, self._office(item.received_at))
        elif fate == "cancel_new":
            request_cancel(request=request, by=methodist, note=CANCEL_NOTES[fate][language])
            self._stamp(pk, self._office(item.received_at))
        elif fate in ("done", "no_show", "no_show_rebooked"):
            appointment = self._book_past(item, request, methodist) or self._book_future(item, request, methodist)
            if appointment and appointment.ends_at < self.now:
                done_at = appointment.ends_at + self._minutes(5, 60)
                if fate == "done":
                    self._complete(item, request, done_at)
                else:
                    request_mark_no_show(request=request, by=item.specialists[0].user)
                    self._stamp(pk, done_at)
                    if fate == "no_show_rebooked":
                        rebooked_at = self._office(done_at + dt.timedelta(days=1))
                        self._book_future(item, request, methodist, booked_at=rebooked_at)
        elif fate in ("future", "cancel_scheduled"):
            self._book_future(item, request, methodist)
            if fate == "cancel_scheduled":  # the parent called off the consultation
                request_cancel(request=request, by=methodist, note=CANCEL_NOTES[fate][language])
                self._stamp(pk, self._office(item.received_at + dt.timedelta(days=1)))
        elif fate == "today":
            appointment = self._book_today(item, request, methodist) or self._book_future(item, request, methodist)
            if appointment and appointment.ends_at < self.now:
                self._complete(item, request, appointment.ends_at + self._minutes(5, 20))
        # "new" stays as it came in, for the methodist to triage.

    def _complete(self, item: Planned, request: Request, at: dt.datetime) -> None:
        language = _lang_index(self.parents[item.org][item.parent].language)
        request_complete(
            request=request,
            recommendations=self._text(item, "recommendations"),
            outcome=self.rng.choice(OUTCOMES)[language],
            by=item.specialists[0].user,
        )
        self._stamp(request.pk, at)

    def _book(self, item: Planned, request: Request, slots, by: User, booked_at: dt.datetime):
        """Book the first of `slots` that is still free; None when none is."""
        online = item.channel in (Channel.ONLINE, Channel.WHATSAPP, Channel.TELEGRAM) and self.rng.random() < 0.35
        for slot in slots:
            try:
                appointment = request_schedule(
                    request=request,
                    specialists=item.specialists,
                    starts_at=slot.starts_at,
                    by=by,
                    is_online=online,
                    meeting_url=f"https://meet.jit.si/qamqor-demo-{self.orgs[item.org].pk}-{request.pk}" if online else "",
                    allow_past=slot.starts_at <= timezone.now(),
                )
            except ValidationError:  # SlotTaken included: someone got there first, try the next
                continue
            latest = min(appointment.starts_at - dt.timedelta(minutes=30), self.now - dt.timedelta(minutes=1))
            at = max(min(booked_at, latest), request.received_at + dt.timedelta(minutes=1))
            self._stamp(request.pk, at)
            Appointment.objects.filter(pk=appointment.pk).update(created_at=at)
            return appointment
        return None

    def _candidates(self, slots: list) -> list:
        """Spread bookings: one of the first few free times, the rest as fallbacks."""
        head = slots[:6]
        self.rng.shuffle(head)
        return head + slots[6:]

    def _slots(self, item: Planned, **kwargs) -> list:
        """Free times of the item's specialists; a pair with no common time consults alone."""
        slots = free_slots(specialists=item.specialists, **kwargs)
        if not slots and len(item.specialists) > 1:
            item.specialists = item.specialists[:1]
            slots = free_slots(specialists=item.specialists, **kwargs)
        return slots

    def _book_past(self, item: Planned, request: Request, by: User):
        received = timezone.localtime(item.received_at).date()
        # A few days after it came in, up to yesterday: today belongs to the "today" requests.
        for start in (received + dt.timedelta(days=self.rng.randint(1, 4)), received + dt.timedelta(days=1)):
            days = (self.today - start).days
            slots = self._slots(item, start=start, days=days, now=item.received_at) if days > 0 else []
            if slots:
                return self._book(item, request, self._candidates(slots), by, self._office(item.received_at))
        return None

    def _book_future(self, item: Planned, request: Request, by: User, booked_at: dt.datetime | None = None):
        slots = self._slots(item, start=self.today + dt.timedelta(days=self.rng.randint(1, 18)), days=7)
        if not slots:
            slots = self._slots(item, start=self.today + dt.timedelta(days=1), days=28)
        return self._book(item, request, self._candidates(slots), by, booked_at or self._office(item.received_at))

    def _book_today(self, item: Planned, request: Request, by: User):
        day_start = timezone.make_aware(dt.datetime.combine(self.today, dt.time.min))
        slots = free_slots(specialists=item.specialists, start=self.today, days=1, now=day_start)
        self.rng.shuffle(slots)
        return self._book(item, request, slots, by, self._office(item.received_at))


class Command(BaseCommand):
    help = "Load a demo district with two kindergartens, their people and a month of requests (idempotent)."

    def handle(self, *args, **options) -> None:
        if User.objects.filter(username=MARKER_USERNAME).exists():
            self.stdout.write("The demo is already loaded; nothing was changed.")
            self._print_logins()
            return
        taken = sorted(
            User.objects.filter(username__in=DEMO_USERNAMES).exclude(username=SUPERUSER[0]).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(f"These usernames already exist, so the demo cannot be loaded here: {', '.join(taken)}")
        if Organization.objects.filter(bin__in=[_bin(o["bin_base"]) for o in ORGANIZATIONS]).exists():
            raise CommandError("The demo kindergartens already exist (same BIN), but their staff do not.")
        with transaction.atomic():
            loader = DemoLoader()
            counts = loader.load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded: 2 kindergartens, {parents} parents, {children} children, {requests} requests, "
                "{appointments} appointments.".format(**counts)
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = [("login", "role", "organisation", "password")]
        for username in DEMO_USERNAMES:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            memberships = list(
                Membership.objects.filter(user=user, is_active=True).select_related("organization", "district", "region")
            )
            roles = ", ".join(dict.fromkeys(m.role for m in memberships)) or ("superuser" if user.is_superuser else "—")
            places = ", ".join(str(m.organization or m.district or m.region) for m in memberships) or "—"
            password = PASSWORD
            if username == SUPERUSER[0] and user.full_name != SUPERUSER[1]:
                password = "(unchanged: the account existed before the demo)"  # noqa: S105 (a note, not a password)
            rows.append((username, roles, places, password))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        for n, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3]
            self.stdout.write(self.style.MIGRATE_HEADING(line) if n == 0 else line)
        self.stdout.write("")
        self.stdout.write(f"Open {URL} and sign in with any login above.")
