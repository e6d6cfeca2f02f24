"""Codes for every family of a class at once, one letter a family (issue 17): who may, which families get a code,
a second run, a reissue, the audit, and the letters' PDF read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from models import AuditEvent, Enrollment, Guardian, InviteCode, Student, StudentGuardian, User, db
from models.access import Actor
from models.accounts.auth import new_session_token
from models.accounts.class_codes import HAS_ACCOUNT, HAS_CODE, NO_CODE, class_families, issue_class_codes
from models.accounts.invites import find_open_invite
from models.base import utcnow
from models.errors import AccessDenied, NotFound
from models.school_time import format_moment, zone_of
from models.tables.accounts import UserRole
from world import PASSWORD, START

EVIL = '<img src="file:///etc/passwd">'
CODE_RE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _student(world, last, first, cls):
    s = Student(
        school_id=world.school.id,
        last_name=last,
        first_name=first,
        sex="f",
        personal_file_no=last + first,
        birth_date=dt.date(2015, 3, 1),
    )
    db.session.add(s)
    db.session.flush()
    db.session.add(Enrollment(student_id=s.id, class_id=cls.id, starts_on=START, reason_in="admission"))
    return s


def _guardian(world, last, first, *children, relation="mother"):
    g = Guardian(school_id=world.school.id, last_name=last, first_name=first)
    db.session.add(g)
    db.session.flush()
    for child in children:
        db.session.add(StudentGuardian(student_id=child.id, guardian_id=g.id, relation=relation))
    return g


@pytest.fixture()
def families(world):
    """5А: Анна (her mother Алла has an account), Вера (mother Валентина, no account), the twins Ғалым and Гүлім
    (one mother, Әйгерім, and a father with a name that is HTML), Дина (no parent recorded); 6Б: Борис (father
    Богдан has an account) and Елена (mother Евгения, no account)."""
    f = type("Families", (), {})()
    f.vera_mother = _guardian(world, "Верова", "Валентина", world.vera)
    twin_a = _student(world, "Қасымов", "Ғалым", world.c5a)
    twin_b = _student(world, "Қасымова", "Гүлім", world.c5a)
    f.twins_mother = _guardian(world, "Қасымова", "Әйгерім", twin_a, twin_b)
    f.evil_father = _guardian(world, EVIL, "Ерлан", twin_a, relation="father")
    f.dina = _student(world, "Динова", "Дина", world.c5a)
    elena = _student(world, "Еленина", "Елена", world.c6b)
    f.elena_mother = _guardian(world, "Еленина", "Евгения", elena)
    db.session.commit()
    return f


def _actor(world, name):
    return Actor.of(world.users[name])


def _codes(guardian_id):
    return db.session.scalars(select(InviteCode).where(InviteCode.guardian_id == guardian_id)).all()


def test_the_class_lists_each_parent_once_with_whether_they_need_a_code(world, families):
    found = class_families(_actor(world, "classteacher"), world.c5a.id, now=utcnow())
    rows = {f.name: (f.status, f.children) for f in found.families}
    assert rows == {
        "Аннова Алла": (HAS_ACCOUNT, ["Аннова Анна"]),
        "Верова Валентина": (NO_CODE, ["Верова Вера"]),
        "Қасымова Әйгерім": (NO_CODE, ["Қасымов Ғалым", "Қасымова Гүлім"]),
        f"{EVIL} Ерлан": (NO_CODE, ["Қасымов Ғалым"]),
    }
    assert found.without_guardian == ["Динова Дина"]
    assert (found.count(NO_CODE), found.count(HAS_CODE), found.count(HAS_ACCOUNT)) == (3, 0, 1)


def test_one_run_issues_a_code_to_each_parent_without_an_account_and_a_second_run_none(world, families):
    teacher = _actor(world, "classteacher")
    issued = issue_class_codes(teacher, world.c5a.id, now=utcnow())
    db.session.commit()
    assert [(x.guardian, x.children, x.class_name) for x in issued.letters] == [
        ("Верова Валентина", ["Верова Вера"], "5А"),
        (f"{EVIL} Ерлан", ["Қасымов Ғалым"], "5А"),  # the parents of a child by name: "<" sorts before "Қ"
        ("Қасымова Әйгерім", ["Қасымов Ғалым", "Қасымова Гүлім"], "5А"),
    ]
    assert (issued.revoked, issued.skipped_accounts, issued.skipped_codes) == (0, 1, 0)
    for letter, guardian in zip(issued.letters, (families.vera_mother, families.evil_father, families.twins_mother)):
        assert CODE_RE.fullmatch(letter.code)
        assert find_open_invite(letter.code, now=utcnow()).guardian_id == guardian.id
    assert _codes(world.g_parent.id) == []  # Алла has an account
    assert _codes(families.elena_mother.id) == []  # 6Б is not this run's class

    again = issue_class_codes(teacher, world.c5a.id, now=utcnow())
    db.session.commit()
    assert (again.letters, again.skipped_codes) == ([], 3)
    assert db.session.scalar(select(func.count(InviteCode.id))) == 3
    class_runs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invite.issue_class")).all()
    assert len(class_runs) == 1  # the run that issued nothing leaves no entry
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "invite.issue")) == 3


def test_reissue_is_asked_for_and_revokes_the_code_it_replaces(world, families):
    teacher = _actor(world, "classteacher")
    first = issue_class_codes(teacher, world.c5a.id, now=utcnow())
    db.session.commit()
    again = issue_class_codes(teacher, world.c5a.id, now=utcnow(), reissue=True)
    db.session.commit()
    assert (len(again.letters), again.revoked) == (3, 3)
    old = {x.code for x in first.letters}
    assert old.isdisjoint({x.code for x in again.letters})
    for code in old:
        with pytest.raises(NotFound):
            find_open_invite(code, now=utcnow())
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "invite.revoke")) == 3
    run = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invite.issue_class")).all()[-1]
    assert '"reissue": true' in run.new and '"revoked": 3' in run.new


@pytest.mark.parametrize(
    "who,cls,error",
    [
        ("classteacher", "c5a", None),  # their own class
        ("other_teacher", "c6b", None),
        ("operator", "c5a", None),  # any class
        ("secretary", "c6b", None),
        ("classteacher", "c6b", AccessDenied),  # another teacher's class
        ("other_teacher", "c5a", AccessDenied),
        ("teacher", "c5a", AccessDenied),  # not a class teacher
        ("director", "c5a", AccessDenied),  # reads the register, issues nothing
        ("coordinator", "c5a", AccessDenied),
        ("parent", "c5a", AccessDenied),
        ("student", "c5a", AccessDenied),
        ("foreign_operator", "c5a", NotFound),  # another school's class
    ],
)
def test_who_may_issue_for_which_class(world, families, who, cls, error):
    run = lambda: issue_class_codes(_actor(world, who), getattr(world, cls).id, now=utcnow())  # noqa: E731
    if error is None:
        assert run().letters
    else:
        with pytest.raises(error):
            run()
        assert db.session.scalar(select(func.count(InviteCode.id))) == 0


def test_the_letter_is_in_the_language_the_family_chose(world, families):
    """The other parent of Вера chose Kazakh for their account: Валентина's letter is in Kazakh; the others
    follow the school (Russian)."""
    father = _guardian(world, "Веров", "Виктор", world.vera, relation="father")
    user = User(school_id=world.school.id, login="verov", password_hash="x", session_token=new_session_token())
    user.guardian_id, user.locale = father.id, "kk"
    user.roles = [UserRole(role="parent")]
    db.session.add(user)
    db.session.commit()
    issued = issue_class_codes(_actor(world, "classteacher"), world.c5a.id, now=utcnow())
    assert {x.guardian: x.language for x in issued.letters} == {
        "Верова Валентина": "kk",
        "Қасымова Әйгерім": "ru",
        f"{EVIL} Ерлан": "ru",
    }


# --- the pages and the PDF -----------------------------------------------------------------------------------
def _pages(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_class_teacher_downloads_one_letter_a_family(client, login_as, world, families):
    login_as("classteacher")
    page = client.get(f"/admin/my-class/codes/?class_id={world.c5a.id}").get_data(as_text=True)
    assert 'id="class-codes-form"' in page and "Динова Дина" in page
    assert EVIL not in page and "&lt;img" in page  # escaped on the page too
    pages = _pages(client.post("/admin/my-class/codes/issue", data={"class_id": world.c5a.id}))
    assert len(pages) == 3  # Валентина, Әйгерім, the father with the HTML name; not Алла (account)
    codes = [CODE_RE.findall(p) for p in pages]
    assert all(len(c) == 1 for c in codes)
    stored = {i.guardian_id: i for i in db.session.scalars(select(InviteCode))}
    expected = [
        (families.vera_mother, ["Верова Валентина", "Верова Вера"]),
        (families.evil_father, [EVIL + " Ерлан", "Қасымов Ғалым"]),
        (families.twins_mother, ["Қасымова Әйгерім", "Қасымов Ғалым", "Қасымова Гүлім"]),
    ]
    for text, found, (guardian, names) in zip(pages, codes, expected):
        flat = _flat(text)
        for name in names:
            assert name in flat
        assert "5А" in flat and "Школа № 1" in flat and "http://localhost:5000/invite" in flat
        assert "У меня есть код" in flat and "Проверить код" in flat and "Создать учётную запись" in flat
        assert find_open_invite(found[0], now=utcnow()).id == stored[guardian.id].id
        # the expiry as the school shows it: in its zone (at 21:00 UTC Moscow's date is already the next one)
        assert format_moment(stored[guardian.id].expires_at, zone_of(world.school), "%d.%m.%Y") in flat
    assert "root:" not in " ".join(pages)

    again = client.post("/admin/my-class/codes/issue", data={"class_id": world.c5a.id})
    assert again.status_code == 303  # nothing new to issue: back to the page with the reason
    shown = client.get(again.location).get_data(as_text=True)
    assert "Новых кодов нет" in shown and "код действует до" in shown
    assert db.session.scalar(select(func.count(InviteCode.id))) == 3


def test_a_kazakh_familys_letter_is_written_in_kazakh(client, login_as, world, families):
    world.school.language = "kk"
    db.session.commit()
    login_as("operator")
    pages = _pages(client.post("/admin/class-codes/issue", data={"class_id": world.c6b.id}))
    assert len(pages) == 1
    flat = _flat(pages[0])
    assert "Еленина Евгения" in flat and "Еленина Елена" in flat and "6Б" in flat
    assert "Как начать" not in flat and "Қалай бастау керек" in flat
    # the portal opens in Russian: the letter asks for the KK button and links the code page in Kazakh, and quotes
    # the portal's Kazakh words
    assert "«KK»" in flat and "http://localhost:5000/invite?lang=kk" in flat and "«Менде код бар»" in flat


def test_a_double_submit_of_one_form_issues_once(client, login_as, world, families):
    login_as("secretary")
    data = {"class_id": world.c5a.id, "form_token": "t" * 32}
    assert client.post("/admin/class-codes/issue", data=data).status_code == 200
    repeat = client.post("/admin/class-codes/issue", data={**data, "reissue": "1"})
    assert repeat.status_code == 303
    assert db.session.scalar(select(func.count(InviteCode.id))) == 3
    assert db.session.scalar(select(func.count(InviteCode.id)).where(InviteCode.revoked_at.is_not(None))) == 0


@pytest.mark.parametrize(
    "who,url,status",
    [
        ("classteacher", "/admin/my-class/codes/?class_id={c6b}", 403),  # another class
        ("classteacher", "/admin/class-codes/", 403),  # the office's door
        ("teacher", "/admin/my-class/codes/", 403),
        ("operator", "/admin/my-class/codes/", 403),  # the operator uses the office's door
        ("operator", "/admin/class-codes/?class_id={c6b}", 200),
        ("secretary", "/admin/class-codes/?class_id={c5a}", 200),
        ("director", "/admin/class-codes/", 403),
        ("parent", "/admin/class-codes/", 403),
        ("student", "/admin/my-class/codes/", 403),
        ("operator", "/admin/class-codes/?class_id=99999", 404),
    ],
)
def test_the_pages_open_for_the_issuers_only(client, login_as, world, families, who, url, status):
    login_as(who)
    response = client.get(url.format(c5a=world.c5a.id, c6b=world.c6b.id))
    assert response.status_code == status


def test_a_post_for_another_class_is_refused_with_the_reason(client, login_as, world, families):
    login_as("classteacher")
    response = client.post("/admin/my-class/codes/issue", data={"class_id": world.c6b.id})
    assert response.status_code == 403
    assert "классный руководитель — своего класса" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(InviteCode.id))) == 0


def test_a_class_teacher_without_a_class_is_told_so_and_issues_nothing(client, world, families):
    """A class teacher by role whose class was given to someone else: the page says so, a forged POST is refused."""
    world.c5a.class_teacher_id = world.s_teacher.id
    db.session.commit()
    client.post("/login", data={"login": "classteacher", "password": PASSWORD})
    page = client.get("/admin/my-class/codes/").get_data(as_text=True)
    assert 'id="no-class"' in page and 'id="class-codes-form"' not in page
    assert client.post("/admin/my-class/codes/issue", data={"class_id": world.c5a.id}).status_code == 403
    assert db.session.scalar(select(func.count(InviteCode.id))) == 0


def test_two_tabs_issuing_for_one_class_at_once_issue_each_code_once(shared_app):
    """Two submits with different tokens (two tabs, two staff) at the same moment, against a database several
    connections share: the second waits for the first (SQLite's write lock, PostgreSQL's lock on the class row),
    then finds every family with a code and issues nothing."""
    import threading

    from models.idempotency import new_token
    from world import build_world

    with shared_app.app_context():
        w = build_world(db.session)
        guardians = [_guardian(w, "Верова", "Валентина", w.vera), _guardian(w, "Аннов", "Артём", w.anna)]
        db.session.commit()
        class_id, guardian_ids = w.c5a.id, [g.id for g in guardians]
    clients = [shared_app.test_client() for _ in range(2)]
    for c, login in zip(clients, ("classteacher", "operator")):
        assert c.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
    urls = ["/admin/my-class/codes/issue", "/admin/class-codes/issue"]
    barrier, answers = threading.Barrier(2), [None, None]

    def submit(i):
        barrier.wait()
        answers[i] = clients[i].post(urls[i], data={"class_id": class_id, "form_token": new_token()})

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(a.status_code for a in answers) == [200, 303]
    pdf = next(a for a in answers if a.status_code == 200)
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 2
    with shared_app.app_context():
        counts = [len(_codes(g)) for g in guardian_ids]
    assert counts == [1, 1]


def test_the_page_of_a_class_costs_the_same_queries_whatever_its_size(world, families, count_queries):
    teacher = _actor(world, "classteacher")
    db.session.expire_all()
    with count_queries() as small:
        class_families(teacher, world.c5a.id, now=utcnow())
    for n in range(5):
        _guardian(world, "Новиков", f"Никита{n}", _student(world, "Новикова", f"Нина{n}", world.c5a))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as big:
        assert len(class_families(teacher, world.c5a.id, now=utcnow()).families) == 4 + 5
    assert big.count == small.count == 9
