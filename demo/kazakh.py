"""The Kazakhstan demo school (`flask --app app demo --kind kz`): what differs from the Russian one.

A general school in Almaty run as a Kazakh school does: jurisdiction KZ, Kazakh as the language of instruction,
criteria-based assessment (ФО points out of 10, СОР and СОЧ out of their maximum), quarters (тоқсан) in every
grade, the time zone Asia/Almaty, Kazakh and Russian names, subjects named in Kazakh, an ИИН with a valid check
digit for every student. Its accounts start with "kz-" so that both demo schools live in one database.
"""

from __future__ import annotations

import datetime as dt
import random

from models.identifiers import iin_check_digit

from .names import People

CODE = "demo-kz"
ZONE = "Asia/Almaty"
OFFSET = dt.timezone(dt.timedelta(hours=5))  # Asia/Almaty (no DST)
TOWN = "Алматы қ."
STREETS = ["Абай даңғылы", "Төле би көшесі", "Сейфуллин даңғылы", "Жібек жолы көшесі", "Әуезов көшесі"]

# (login, roles, who it is): the Russian demo's accounts with the prefix "kz-".
ACCOUNTS: list[tuple[str, tuple[str, ...], str]] = [
    ("kz-operator", ("operator",), "Оператор казахстанской школы"),
    ("kz-director", ("director",), "Директор казахстанской школы"),
    ("kz-coordinator", ("coordinator",), "Заместитель директора по учебной работе"),
    ("kz-secretary", ("secretary",), "Секретарь (видит ИИН полностью)"),
    ("kz-teacher", ("teacher",), "Учитель математики (5–6 классы): ФО, СОР, СОЧ в баллах"),
    ("kz-classteacher", ("class_teacher", "teacher"), "Классный руководитель 5А"),
    ("kz-parent", ("parent",), "Родитель двоих детей: в 5А и во 2А"),
    ("kz-student", ("student",), "Ученик 5А (ребёнок родителя kz-parent)"),
]

# The Russian demo's subject keys (demo/curriculum_data.py) named as a Kazakh school names its subjects.
SUBJECTS: dict[str, tuple[str, str]] = {
    "rus": ("Қазақ тілі", "Қаз. тілі"),
    "litread": ("Әдебиеттік оқу", "Әдеб. оқу"),
    "lit": ("Қазақ әдебиеті", "Қаз. әдеб."),
    "eng": ("Ағылшын тілі", "Ағылш. тілі"),
    "math": ("Математика", "Математика"),
    "alg": ("Алгебра", "Алгебра"),
    "geom": ("Геометрия", "Геометрия"),
    "prob": ("Ықтималдықтар теориясы және статистика", "Ықт. және стат."),
    "inf": ("Информатика", "Информатика"),
    "world": ("Дүниетану", "Дүниетану"),
    "hist": ("Қазақстан тарихы", "Қаз. тарихы"),
    "soc": ("Құқық негіздері", "Құқық"),
    "geo": ("География", "География"),
    "bio": ("Биология", "Биология"),
    "phys": ("Физика", "Физика"),
    "chem": ("Химия", "Химия"),
    "orkse": ("Өзін-өзі тану", "Өзін-өзі тану"),
    "odnknr": ("Орыс тілі мен әдебиеті", "Орыс тілі"),
    "music": ("Музыка", "Музыка"),
    "art": ("Бейнелеу өнері", "Бейнелеу"),
    "tech": ("Көркем еңбек", "Еңбек"),
    "pe": ("Дене шынықтыру", "Дене шын."),
    "obzr": ("Алғашқы әскери және технологиялық дайындық", "АӘТД"),
    "proj": ("Жобалық жұмыс", "Жоба"),
}
ADMIN_POSITIONS = {
    "директор": "директор",
    "заместитель директора по УВР": "директордың оқу ісі жөніндегі орынбасары",
    "заместитель директора по воспитательной работе": "директордың тәрбие ісі жөніндегі орынбасары",
    "заместитель директора по АХР": "директордың шаруашылық ісі жөніндегі орынбасары",
    "секретарь": "хатшы",
    "ответственный за информатизацию": "ақпараттандыру жөніндегі жауапты",
    "педагог-психолог": "педагог-психолог",
    "социальный педагог": "әлеуметтік педагог",
    "учитель-логопед": "логопед мұғалім",
    "педагог-библиотекарь": "кітапханашы",
    "педагог-организатор": "педагог-ұйымдастырушы",
}
TEACHER_POSITION = "мұғалім"
# The kinds of work a Kazakh school adds: code, name, weight, control, criteria kind (ФО is every other kind).
WORK_KINDS = [("sor", "СОР", "1.0", True, "sor"), ("soch", "СОЧ", "1.0", True, "soch")]
SOR_MAX = (10, 15, 20)
SOCH_MAX = 25

_SURNAMES = """Ахметов Жұмабаев Сейітов Қасымов Омаров Серіков Нұрланов Тоқтаров Бекмұратов Сәрсенбаев Ержанов
Төлеуов Байжанов Есенов Қожахметов Исабеков Оспанов Жақыпов Ибраев Құрманов Рахимов Смағұлов Әбдірахманов
Мұқанов Шәріпов Жанұзақов Қалиев Бейсенов""".split()
_MEN = """Нұрлан Ерлан Асхат Бауыржан Дәурен Қайрат Серік Ержан Арман Талғат Мұрат Болат Ғалым Бақыт Жандос
Марат Ринат Санжар Еркін Ақжол""".split()
_WOMEN = """Айгүл Гүлнар Жанар Сәуле Әсел Динара Мәдина Гүлмира Ләззат Айнұр Салтанат Жұлдыз Ботагөз Әйгерім
Меруерт Назгүл""".split()
_BOYS = """Нұрсұлтан Әлихан Алдияр Ерасыл Айбек Темірлан Нұрислам Арсен Данияр Ерназар Бекзат Әділет Іңкәр
Мирас Ансар Омар""".split()
_GIRLS = """Айша Аружан Інжу Томирис Әмина Айым Зере Ақбота Жансая Дильназ Аяулым Мөлдір Сафия Аиша Нұрай
Балнұр""".split()
KAZAKH_SHARE = 0.75  # of families; the rest have Russian names (a Kazakh school has both)


class KazakhPeople(People):
    """Kazakh names (patronymics "-ұлы" / "-қызы") for most families, Russian ones for the rest: the last
    surname drawn decides whose names follow, so that a family's names go together."""

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.kazakh = True

    def surname(self) -> str:
        self.kazakh = self.rng.random() < KAZAKH_SHARE
        return self.rng.choice(_SURNAMES) if self.kazakh else super().surname()

    def father(self) -> tuple[str, str, str]:
        if not self.kazakh:
            return super().father()
        first = self.rng.choice(_MEN)
        return first, f"{first}ұлы", f"{first}қызы"

    def adult(self, sex: str, surname: str | None = None) -> tuple[str, str, str]:
        if surname is None:
            surname = self.surname()
        if not self.kazakh:
            return super().adult(sex, surname)
        grandfather = self.father()
        if sex == "m":
            return surname, self.father()[0], grandfather[1]
        return surname + "а", self.rng.choice(_WOMEN), grandfather[2]

    def child_first(self, sex: str) -> str:
        if not self.kazakh:
            return super().child_first(sex)
        return self.rng.choice(_BOYS if sex == "m" else _GIRLS)

    def phone(self) -> str:
        r = self.rng
        return f"+7 (7{r.randint(0, 99):02d}) {r.randint(100, 999)}-{r.randint(0, 99):02d}-{r.randint(0, 99):02d}"

    def address(self) -> str:
        r = self.rng
        return f"{TOWN}, {r.choice(STREETS)}, {r.randint(1, 120)}-үй, {r.randint(1, 180)}-пәтер"


def iin(birth: dt.date, sex: str, serial: int) -> str:
    """An ИИН of a person born on ``birth``: YYMMDD, the century and sex (3/4 for the 1900s, 5/6 for the 2000s,
    odd for men), a serial of four digits and the check digit (serials whose check digit does not exist are
    skipped)."""
    century = 3 if birth.year < 2000 else 5
    digit = century + (sex == "f")
    while True:
        first = f"{birth:%y%m%d}{digit}{serial % 10000:04d}"
        check = iin_check_digit(first)
        if check is not None:
            return f"{first}{check}"
        serial += 1


def points(value: int, out_of: int, rng: random.Random) -> int:
    """Points out of ``out_of`` for work a five-point mark ``value`` would describe (order No. 125's bands)."""
    low, high = {2: (0.2, 0.39), 3: (0.4, 0.64), 4: (0.65, 0.84), 5: (0.85, 1.0)}[value]
    return max(0, min(out_of, round(out_of * rng.uniform(low, high))))


def texts(meeting: dt.date, mother: dict, child: dict, teacher: dict) -> dict[str, str]:
    """What the Kazakh school's staff and parent wrote (announcements, the conversation, a remark), in Kazakh."""
    return {
        "meeting_title": "Жалпы мектептік ата-аналар жиналысы",
        "meeting_body": f"Құрметті ата-аналар! {meeting:%d.%m.%Y} күні сағат 18:00-де мәжіліс залында жалпы мектептік "
        "ата-аналар жиналысы өтеді. Күн тәртібі: оқу жылын ұйымдастыру, электрондық күнделік, ыстық тамақ, "
        "балалардың мектепке баратын жолдағы қауіпсіздігі.",
        "trip_title": "Өлкетану музейіне экскурсия",
        "trip_body": "Сенбі күні сынып өлкетану музейіне экскурсияға барады. Мектеп алдында 9:30-да жиналамыз, "
        "14:00-ге дейін ораламыз. Балаңыздың баратын-бармайтынын бейсенбіге дейін сынып жетекшісіне хабарлаңыз.",
        "subject": "Математикадан үлгерім",
        "message": f"Сәлеметсіз бе, {mother['first_name']}! {child['first_name']} соңғы кезде математикадан төмен "
        "балл алып жүр және үй тапсырмасын үнемі орындамайды. Қалай көмектесе алатынымызды талқылауды ұсынамын. "
        "Мен сейсенбі және бейсенбі күндері сағат 14:00-ден кейін мектептемін.",
        "reply": f"Сәлеметсіз бе, {teacher['first_name']}! Хабарлағаныңызға рахмет. Үй тапсырмаларын тексереміз, "
        "ал бейсенбі күні сабақтан кейін сізге барамын.",
        "remark": "5А сыныбындағы БЖБ балдары белгіленген мерзімнен кеш қойылды (3 күн). Мерзімді сақтауды және үй "
        "тапсырмасын сабақ күні жазуды сұраймын.",
    }


# --- what the Kazakh school's teachers wrote in their plans and the journal: topics and homework in Kazakh ------
RESERVE_TOPIC = "Өткенді қайталау және қорытындылау"
SUFFIXES = ("Есептер шығару", "Бекіту", "Өзіндік жұмыс", "Қорытындылау")
_TOPICS: dict[str, list[str]] = {
    "math": [
        "Натурал сандар және нөл",
        "Натурал сандарды қосу және азайту",
        "Натурал сандарды көбейту және бөлу",
        "Сандардың бөлінгіштігі",
        "Жай бөлшектер",
        "Ондық бөлшектер",
        "Пайыздар",
        "Қатынас және пропорция",
        "Оң және теріс сандар",
        "Теңдеулер",
    ],
    "alg": [
        "Алгебралық өрнектер",
        "Бірмүшелер және көпмүшелер",
        "Қысқаша көбейту формулалары",
        "Сызықтық функция",
        "Сызықтық теңдеулер жүйесі",
        "Квадрат түбір",
        "Квадрат теңдеулер",
        "Теңсіздіктер",
    ],
    "geom": [
        "Геометрияның бастапқы ұғымдары",
        "Үшбұрыштар",
        "Параллель түзулер",
        "Шеңбер",
        "Төртбұрыштар",
        "Аудандар",
        "Ұқсас үшбұрыштар",
    ],
    "rus": [
        "Фонетика. Дыбыс және әріп",
        "Сөз құрамы",
        "Зат есім",
        "Сын есім",
        "Сан есім",
        "Етістік",
        "Сөйлем мүшелері",
        "Мәтін түрлері",
    ],
    "litread": ["Ауыз әдебиеті", "Ертегілер", "Мақал-мәтелдер", "Табиғат туралы өлеңдер", "Балалар туралы әңгімелер"],
    "lit": [
        "Ауыз әдебиеті үлгілері",
        "Абай Құнанбайұлы. Өлеңдері",
        "Ыбырай Алтынсарин. Әңгімелері",
        "Мағжан Жұмабаев. Лирикасы",
        "Мұхтар Әуезов. «Көксерек»",
        "Қазіргі қазақ поэзиясы",
    ],
    "eng": ["Менің отбасым", "Мектеп өмірі", "Бос уақыт", "Саяхат", "Тағам және денсаулық", "Қоршаған орта"],
    "world": ["Мен және менің отбасым", "Туған өлке", "Табиғат", "Жыл мезгілдері", "Денсаулық", "Қауіпсіздік"],
    "hist": [
        "Қазақстан жеріндегі ежелгі адамдар",
        "Сақтар мен ғұндар",
        "Түрік қағанаты",
        "Алтын Орда",
        "Қазақ хандығының құрылуы",
        "Тәуелсіз Қазақстан",
    ],
}
for _key in ("prob",):
    _TOPICS[_key] = _TOPICS["alg"]
_PARTS = ("кіріспе", "негізгі ұғымдар", "практикалық жұмыс", "қолданбалы есептер", "жобалық тапсырма")
HOMEWORK = ("§{p}, № {n}–{n3}", "§{p}, сұрақтарға жауап беру", "{a}–{b} беттерді оқу", "№ {n}, {n2}")


def topics_for(subject: str) -> list[str]:
    """A Kazakh school's topics of a subject: its own list, or the subject's sections ("Физика: кіріспе")."""
    return _TOPICS.get(subject) or [f"{SUBJECTS[subject][0]}: {part}" for part in _PARTS]


def control_title(number: int, topic: str) -> str:
    return f"Бақылау жұмысы № {number}: «{topic}»"
