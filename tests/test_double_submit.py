"""A form submitted twice changes nothing twice (models/idempotency.py, admin_views/base.py:_run_once).

Every creating form carries a one-time token: the staff panel's POST routes are classified from the URL map
(a new one fails here until it is), every creating form is checked for the token, and the new-lesson form and
the Flask-Admin create forms are submitted twice one after the other and twice at the same moment (threads
against a SQLite file, or a scratch PostgreSQL database when TEST_DATABASE_URL points at one): one record,
and the repeat is told so and sent where the first submit went.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import func, select

from models import Lesson, Subject, db
from models.idempotency import FormSubmission, new_token

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
REPEATED = "Эта форма уже отправлена; запись создана один раз."

# Custom POST routes that create rows (or make a one-off change: a movement, a closed period): the template
# and the opening of the <form> tag whose body must carry the token.
CREATING = {
    "/admin/jobs/new/<job_kind>": ("admin/jobs/index.html", "url_for('.new'"),
    "/admin/journal/<int:assignment_id>/lesson": ("admin/journal/lesson.html", 'id="lesson-form"'),
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/files": (
        "admin/journal/lesson.html",
        'id="lesson-file-form"',
    ),
    "/admin/timetable/place": ("admin/timetable/grid.html", "url_for('.place')"),
    "/admin/timetable/change": ("admin/timetable/grid.html", "url_for('.change')"),
    "/admin/timetable/move": ("admin/timetable/grid.html", "url_for('.move')"),
    "/admin/substitutions/save": ("admin/timetable/substitutions.html", 'id="substitution-form"'),
    "/admin/control/remarks": ("admin/control/index.html", "url_for('.remark')"),
    "/admin/control/report": ("admin/control/index.html", 'id="control-pdf-form"'),  # starts a job
    "/admin/my-class/achievements/add": ("admin/my_class/achievements.html", 'id="achievement-form"'),
    "/admin/my-class/achievements/result": ("admin/my_class/achievements.html", 'id="result-form"'),
    "/admin/my-class/checked": ("admin/my_class/roster.html", "url_for('.checked')"),
    "/admin/invites/issue/": ("admin/invite_issue.html", '<form method="post" class="mb-3"'),
    "/admin/my-class/codes/issue": ("admin/class_codes.html", 'id="class-codes-form"'),  # codes for a class
    "/admin/class-codes/issue": ("admin/class_codes.html", 'id="class-codes-form"'),
    "/admin/students/movement/<int:student_id>": ("admin/rosters/movement.html", 'id="transfer-form"'),
    "/admin/plan/<int:assignment_id>/line": ("admin/plan/page.html", 'id="line-form"'),
    "/admin/plan/<int:assignment_id>/import/confirm": ("admin/plan/preview.html", 'id="import-confirm-form"'),
    "/admin/imports/confirm/<import_token>": ("admin/imports/preview.html", "url_for('.confirm'"),
    "/admin/finals/periods/<int:period_id>/close": ("admin/finals/periods.html", 'id="confirm-close"'),
    "/admin/finals/<int:assignment_id>": ("admin/finals/sheet.html", 'id="finals-form"'),
    "/inbox/new": ("inbox/_new.html", 'id="inbox-new-form"'),
    "/inbox/<int:conversation_id>": ("inbox/_thread.html", 'id="inbox-reply-form"'),
    "/admin/inbox/new": ("inbox/_new.html", 'id="inbox-new-form"'),
    "/admin/inbox/<int:conversation_id>": ("inbox/_thread.html", 'id="inbox-reply-form"'),
    "/admin/inbox/class": ("admin/inbox/to_class.html", 'id="inbox-class-form"'),
    "/admin/announcements/new": ("admin/announcements/form.html", 'id="announcement-form"'),
    "/admin/surveys/new": ("admin/surveys/form.html", 'id="survey-form"'),
    "/admin/surveys/<int:survey_id>": ("admin/surveys/form.html", 'id="question-form"'),  # adds a question
    "/surveys/<int:survey_id>": ("portal/announcements/survey.html", 'id="survey-answer-form"'),
    "/admin/distance/switch": ("admin/distance/index.html", 'id="distance-switch-form"'),
    "/admin/year-seals/restore": ("admin/year_records/seals.html", 'class="restore-year-form'),
    "/admin/year-seals/seal": ("admin/year_records/seals.html", "seal-year-form"),  # starts a job
    "/admin/year-seals/verify": ("admin/year_records/seals.html", "verify-seal-form"),  # starts a job
    "/admin/rollover/run": ("admin/year_records/rollover.html", 'id="rollover-form"'),
    "/admin/bound-journal/order": ("admin/bound_journal/index.html", 'id="order-form"'),  # starts a job
    "/admin/results/report-cards/<int:class_id>": ("admin/results/index.html", "class-report-cards"),  # a job
}
# The other POST routes: they change rows in place (a repeat finds them changed or gone), answer JSON with
# versions of their own (the grid's keystrokes), only show a preview, or belong to signing in.
NOT_CREATING = {
    "/admin/jobs/<int:job_id>/retry",  # re-queues a failed job; a repeat is refused (the job is no longer failed)
    "/admin/journal/cell",
    "/admin/journal/<int:assignment_id>/save",
    "/admin/attendance/week",
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/cells",
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/delete",
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/files/<int:attachment_id>/delete",
    "/admin/control/remarks/<int:remark_id>/accept",
    "/admin/remarks/<int:remark_id>/fix",
    "/admin/curriculum/",
    "/admin/settings/",
    "/admin/settings/scheme",
    "/admin/settings/mail",  # the school's one mail server, changed in place
    "/admin/settings/mail/test",  # queues the one test letter again
    "/admin/my-class/subgroups/",
    "/admin/my-class/achievements/delete",
    "/admin/substitutions/cancel",
    "/admin/finals/periods/<int:period_id>/reopen",
    "/admin/plan/<int:assignment_id>/delete",
    "/admin/plan/<int:assignment_id>/link",
    "/admin/plan/<int:assignment_id>/import",
    "/admin/imports/upload/<import_kind>",
    "/admin/imports/cancel/<import_token>",
    "/admin/users/block/<int:user_id>",
    "/admin/users/unblock/<int:user_id>",
    "/admin/users/roles/<int:user_id>",
    "/account/password",
    "/invite",
    "/language",
    "/login",
    "/logout",
    "/mail",  # a family's e-mail choices, changed in place
    "/home/seen",  # moves the seen-up-to moment: repeating it changes nothing
    "/admin/announcements/<int:announcement_id>",  # changes or deletes one in place
    "/admin/distance/<int:day_id>/undo",  # deletes the switch: a repeat finds it gone
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/distance",  # sets the link in place
    # "все присутствуют": stamps the lesson once (only while unstamped); a repeat changes nothing, says so
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/all-present",
    "/diary/<int:student_id>/acknowledge",  # unique per parent, child and week: a repeat keeps the first
    "/inbox/<int:conversation_id>/participants",  # brings someone in once: repeating it changes nothing
    "/admin/inbox/<int:conversation_id>/participants",
    "/admin/my-class/contacts/save",  # sets a family's contact fields: a repeat sets the same values
    "/admin/backups/settings",  # sets two settings: a repeat changes nothing
    "/account/consents/<int:student_id>/give",  # a repeat is refused: the consent is already in force
    "/account/consents/<int:student_id>/withdraw",  # a repeat is refused: already withdrawn
    "/admin/bin/restore",  # a repeat is refused: the record is already restored
    "/admin/rollover-decisions/save",  # one decision per student and year, set in place
}
MODEL_VIEW_ROUTES = re.compile(r"\.(create_view|edit_view|delete_view|action_view|ajax_update)$")


def _model_views(app, creating=True):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, ModelView) and (not creating or v.allow_create)]


def test_every_post_route_is_classified(app):
    custom = {
        r.rule for r in app.url_map.iter_rules() if "POST" in r.methods and not MODEL_VIEW_ROUTES.search(r.endpoint)
    }
    assert custom - set(CREATING) - NOT_CREATING == set(), "say whether the new POST route creates rows"
    assert (set(CREATING) | NOT_CREATING) - custom == set(), "a classified route no longer exists"


@pytest.mark.parametrize("rule", sorted(CREATING))
def test_every_creating_form_carries_a_token(rule):
    template, opening = CREATING[rule]
    source = (TEMPLATES / template).read_text()
    start = next((m.start() for m in re.finditer(r"<form\b[^>]*>", source) if opening in m.group(0)), None)
    assert start is not None, f"no <form> with {opening} in {template}"
    body = source[start : source.index("</form>", start)]
    assert '<input type="hidden" name="form_token" value="{{ form_token() }}">' in body


def test_every_model_view_form_carries_a_fresh_token(app, client, login_as, world):
    login_as("operator")
    views = _model_views(app)
    assert views
    for view in views:
        assert view.form_base_class.__name__ == "TokenForm", view.endpoint
    html = client.get("/admin/subjects/new/").get_data(as_text=True)
    again = client.get("/admin/subjects/new/").get_data(as_text=True)
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', html)
    assert token and token.group(1) not in again


LOGS = {"login_events", "page_views", "refused_requests"}  # signing in and refusals are recorded, by design


def _row_counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name not in LOGS
    }


def _creating_urls(app, world) -> list[str]:
    """Every creating route of the staff panel with its path filled from the world, and every create view."""
    values = {
        "assignment_id": world.a_maths_5a.id,
        "lesson_id": world.lesson_5a.id,
        "student_id": world.anna.id,
        "period_id": world.q1.id,
        "import_token": "x" * 32,
        "job_kind": "backup",
        "job_id": 1,
        "conversation_id": 1,
        "survey_id": 1,
        "class_id": world.c5a.id,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule in CREATING or rule.endpoint.endswith(".create_view"):
            urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule))
    return sorted(urls)


def test_a_form_already_submitted_changes_nothing_at_any_creating_door(app, client, login_as, world):
    """Every creating route and every create view (from the URL map) honours a claimed token: whoever may open it
    is sent where the first submit went, and no table gains or loses a row."""
    urls = _creating_urls(app, world)
    assert len(urls) >= len(CREATING) + 10
    token = new_token()
    db.session.add(FormSubmission(token=token, location="/admin/first-went-here"))
    db.session.commit()
    before, honoured = _row_counts(), set()
    for role in ("operator", "secretary", "coordinator", "classteacher", "teacher"):
        login_as(role)
        for url in urls:
            answer = client.post(url, data={"form_token": token, "name": "Повтор", "topic": "Повтор"})
            assert answer.status_code in (303, 403, 404), (role, url, answer.status_code)
            if answer.status_code == 303:
                assert answer.location == "/admin/first-went-here"
                honoured.add(url)
    assert _row_counts() == before
    assert set(urls) - honoured == set(), "no role was sent back from these doors"


# --- one after the other (the test database) ----------------------------------------------------------------------
def _lesson_form(world, token, bell=True, topic="Дроби"):
    data = {"date": "2026-09-09", "topic": topic, "work_kind_id": world.regular.id, "form_token": token}
    if bell:
        data["bell_id"] = world.bell.id
    return data


@pytest.mark.parametrize("bell", [True, False])
def test_the_new_lesson_form_twice_makes_one_lesson(client, login_as, world, bell):
    login_as("teacher")
    url = f"/admin/journal/{world.a_maths_5a.id}/lesson"
    data = _lesson_form(world, new_token(), bell)
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.location == first.location and "#l" in first.location
    assert db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.topic == "Дроби")) == 1
    page = client.get(second.location).get_data(as_text=True)
    assert REPEATED in page


def test_a_refused_form_can_be_sent_again_and_tokens_are_checked(client, login_as, world):
    login_as("teacher")
    url = f"/admin/journal/{world.a_maths_5a.id}/lesson"
    token = new_token()
    refused = client.post(url, data=_lesson_form(world, token, topic="  "))
    assert refused.status_code == 200 and "Укажите тему урока" in refused.get_data(as_text=True)
    assert client.post(url, data=_lesson_form(world, token)).status_code == 302  # the refusal freed the token
    bad = client.post(
        url, data=_lesson_form(world, "x" * 500, topic="Чужое"), headers={"Referer": "http://localhost/admin/"}
    )
    assert bad.status_code == 303
    assert "Форма повреждена или устарела" in client.get(bad.location).get_data(as_text=True)
    assert db.session.scalar(select(Lesson).where(Lesson.topic == "Чужое")) is None


def test_a_lesson_on_a_taken_bell_is_refused_clearly(client, login_as, world):
    login_as("teacher")
    url = f"/admin/journal/{world.a_maths_5a.id}/lesson"
    client.post(url, data=_lesson_form(world, new_token()))
    again = client.post(url, data=_lesson_form(world, new_token(), topic="Другая тема"))
    assert again.status_code == 200 and "этот урок уже записан" in again.get_data(as_text=True)


def test_the_grid_keystrokes_need_no_token(client, login_as, world):
    login_as("teacher")
    body = {
        "assignment_id": world.a_maths_5a.id,
        "lesson_id": world.lesson_5a.id,
        "student_id": world.vera.id,
        "op": "mark",
        "slot": 1,
        "value": "4",
        "version": None,
    }
    assert client.post("/admin/journal/cell", json=body).get_json()["ok"]


def test_a_model_view_create_form_twice_makes_one_row(client, login_as, world):
    login_as("operator")
    data = {"name": "Астрономия", "short_name": "Астр", "form_token": new_token()}
    first = client.post("/admin/subjects/new/", data=data)
    second = client.post("/admin/subjects/new/", data=data)
    assert first.status_code == 302 and second.status_code == 303 and second.location == first.location
    assert db.session.scalar(select(func.count()).select_from(Subject).where(Subject.name == "Астрономия")) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(FormSubmission).where(FormSubmission.token == data["form_token"])
        )
        == 1
    )


def test_a_remark_twice_is_one_remark(client, login_as, world):
    from models import Remark

    login_as("coordinator")
    data = {
        "teacher": world.s_teacher.id,
        "text": "Заполните темы",
        "due_on": "",
        "month": "2026-09",
        "form_token": new_token(),
    }
    assert client.post("/admin/control/remarks", data=data).status_code == 302
    assert client.post("/admin/control/remarks", data=data).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Remark).where(Remark.text == "Заполните темы")) == 1


# --- at the same moment: threads against a database of their own ------------------------------------------------
@pytest.fixture()
def shared_world(shared_app):
    """shared_app (tests/conftest.py: a database several connections share for real) with the world committed."""
    from world import build_world

    with shared_app.app_context():
        w = build_world(db.session)
        db.session.commit()
        shared_app.extensions["world"] = SimpleNamespace(
            **{k: SimpleNamespace(id=getattr(w, k).id) for k in ("a_maths_5a", "regular", "bell")}
        )
    return shared_app


def _twice_at_once(app, role, url, data):
    from world import PASSWORD

    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        assert c.post("/login", data={"login": role, "password": PASSWORD}).status_code == 302
    barrier, answers = threading.Barrier(2), [None, None]

    def submit(i):
        barrier.wait()
        answers[i] = clients[i].post(url, data=data)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [302, 303], statuses
    first, second = sorted(answers, key=lambda a: a.status_code)
    assert second.location == first.location
    assert REPEATED in clients[answers.index(second)].get(second.location).get_data(as_text=True)


@pytest.mark.parametrize("bell", [True, False])
def test_the_new_lesson_form_twice_at_once_makes_one_lesson(shared_world, bell):
    shared_app = shared_world
    w = shared_app.extensions["world"]
    _twice_at_once(
        shared_app, "teacher", f"/admin/journal/{w.a_maths_5a.id}/lesson", _lesson_form(w, new_token(), bell)
    )
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.topic == "Дроби")) == 1


@pytest.mark.parametrize("view", ["subjects", "bells", "guardians"])
def test_a_model_view_create_form_twice_at_once_makes_one_row(shared_world, view):
    shared_app = shared_world
    data = {
        "subjects": {"name": "Астрономия", "short_name": "Астр"},
        "bells": {"shift": "2", "number": "7", "starts_at": "15:00", "ends_at": "15:40"},
        "guardians": {"last_name": "Двойнова", "first_name": "Дарья"},
    }[view]
    role = "secretary" if view == "guardians" else "operator"
    with shared_app.app_context():
        view_obj = next(v for v in _model_views(shared_app) if v.endpoint == view)
        before = db.session.scalar(select(func.count()).select_from(view_obj.model))
    _twice_at_once(shared_app, role, f"/admin/{view}/new/", {**data, "form_token": new_token()})
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(view_obj.model)) == before + 1


def test_tokens_older_than_a_week_are_forgotten_by_the_housekeeping(app_ctx, db_session):
    import datetime as dt

    import tasks
    from models.base import utcnow

    old, fresh = new_token(), new_token()
    db.session.add_all(
        [
            FormSubmission(token=old, created_at=utcnow() - dt.timedelta(days=8)),
            FormSubmission(token=fresh, created_at=utcnow() - dt.timedelta(days=6)),
        ]
    )
    db.session.commit()
    assert tasks.forget_old_submissions_now() == 1
    assert set(db.session.scalars(select(FormSubmission.token))) == {fresh}
