"""ИИН of staff and guardians in a Kazakhstan school (issue 15, item 4): validated (12 digits and the check digit)
on the cards, unique within the school (the database too), masked in lists for roles that do not keep the cards
(the operator and the secretary read it whole), and neither shown nor asked in a Russian school."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Guardian, Staff, db
from models.access import Actor, iin_for
from models.errors import Conflict, InvalidInput
from models.school.people_records import save_person

VALID, OTHER = "900101300017", "900101000906"  # worked by hand in tests/kazakhstan/test_iin.py
MASKED = "••••••••0017"


@pytest.fixture()
def kz(world):
    world.school.jurisdiction = "KZ"
    db.session.commit()
    return world


# --- the masking rule, one place (models.access.iin_for) ---------------------------------------------------
@pytest.mark.parametrize(
    "role,shown",
    [
        ("operator", VALID),
        ("secretary", VALID),
        ("director", MASKED),
        ("coordinator", MASKED),
        ("classteacher", MASKED),
        ("teacher", MASKED),
        ("parent", MASKED),
        ("student", MASKED),
    ],
)
def test_who_reads_the_iin_whole(world, role, shown):
    assert iin_for(Actor.of(world.users[role]), VALID) == shown
    assert iin_for(Actor.of(world.users[role]), None) == ""


# --- validation on the cards (models.school.people_records.save_person, every door) -------------------------
@pytest.mark.parametrize(
    "typed,stored,error",
    [
        ("900101 300 017", VALID, None),
        ("900101-000906", OTHER, None),
        ("", None, None),
        ("900101300018", None, "контрольная цифра"),
        ("90010130001", None, "12 цифр"),
        ("90010130001A", None, "12 цифр"),
    ],
)
@pytest.mark.parametrize("kind", ["staff", "guardian"])
def test_the_iin_of_a_card(kz, kind, typed, stored, error):
    person = kz.s_teacher if kind == "staff" else kz.g_parent
    person.iin = typed
    secretary = Actor.of(kz.users["secretary"])
    if error:
        with pytest.raises(InvalidInput, match=error):
            save_person(secretary, person, is_new=False)
    else:
        save_person(secretary, person, is_new=False)
        assert person.iin == stored


@pytest.mark.parametrize(
    "kind,says",
    [("staff", "Сотрудник с ИИН 900101300017 уже есть"), ("guardian", "Родитель с ИИН 900101300017 уже есть")],
)
def test_one_person_per_iin_in_the_school(kz, kind, says):
    first, second = (kz.s_teacher, kz.s_other_teacher) if kind == "staff" else (kz.g_parent, kz.g_parent_b)
    secretary = Actor.of(kz.users["secretary"])
    first.iin = VALID
    save_person(secretary, first, is_new=False)
    second.iin = VALID
    with pytest.raises(Conflict, match=says):
        save_person(secretary, second, is_new=False)


@pytest.mark.parametrize("model", [Staff, Guardian])
def test_the_database_holds_the_uniqueness_and_the_length(world, model):
    extra = {"position": "учитель"} if model is Staff else {}
    db.session.add(model(school_id=world.school.id, last_name="Первая", first_name="А", iin=VALID, **extra))
    db.session.flush()
    db.session.add(model(school_id=world.school.id, last_name="Вторая", first_name="Б", iin=VALID, **extra))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(model(school_id=world.school.id, last_name="Третья", first_name="В", iin="123", **extra))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Another school may record the same person's number (the constraint is per school).
    db.session.add(model(school_id=world.school.id, last_name="Первая", first_name="А", iin=VALID, **extra))
    db.session.add(model(school_id=world.other_school.id, last_name="Первая", first_name="А", iin=VALID, **extra))
    db.session.flush()


# --- the staff panel's forms and lists ---------------------------------------------------------------------------
def _staff_form(**overrides):
    data = {
        "last_name": "Сейткали",
        "first_name": "Айгүл",
        "middle_name": "",
        "position": "мұғалім",
        "personnel_no": "",
        "phone": "",
        "email": "",
        "hired_on": "",
        "left_on": "",
        "iin": "",
    }
    return data | overrides


def _guardian_form(**overrides):
    data = {"last_name": "Сейткали", "first_name": "Айгүл", "middle_name": "", "phone": "", "email": "", "iin": ""}
    return data | {"workplace": ""} | overrides


@pytest.mark.parametrize(
    "url,form,model",
    [("/admin/staff/", _staff_form, Staff), ("/admin/guardians/", _guardian_form, Guardian)],
)
def test_the_forms_check_the_iin_and_lists_mask_it(client, login_as, kz, url, form, model):
    login_as("secretary")
    client.post("/language", data={"lang": "kk"})
    refused = client.post(url + "new/", data=form(iin="900101300018"))
    assert refused.status_code == 200 and "бақылау цифры сәйкес келмейді" in refused.get_data(as_text=True)
    assert db.session.scalar(select(model).where(model.last_name == "Сейткали")) is None
    assert client.post(url + "new/", data=form(iin="900101 300017")).status_code == 302
    assert db.session.scalar(select(model.iin).where(model.last_name == "Сейткали")) == VALID
    again = client.post(url + "new/", data=form(first_name="Басқа", iin=VALID))
    assert again.status_code == 200 and db.session.scalar(select(model.id).where(model.first_name == "Басқа")) is None
    assert VALID in client.get(url).get_data(as_text=True)  # the secretary keeps the cards
    login_as("director")
    listed = client.get(url).get_data(as_text=True)
    assert MASKED in listed and VALID not in listed
    exported = client.get(url + "export/csv/").get_data(as_text=True)
    assert MASKED in exported and VALID not in exported


@pytest.mark.parametrize("jurisdiction", ["RU", "KZ"])
@pytest.mark.parametrize("url", ["/admin/staff/", "/admin/guardians/", "/admin/students/"])
def test_only_a_kazakh_school_shows_and_asks_the_iin(client, login_as, world, url, jurisdiction):
    world.school.jurisdiction = jurisdiction
    db.session.commit()
    login_as("secretary")
    kazakh = jurisdiction == "KZ"
    assert ('name="iin"' in client.get(url + "new/").get_data(as_text=True)) is kazakh
    assert ("ИИН" in client.get(url).get_data(as_text=True)) is kazakh
