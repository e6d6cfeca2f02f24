"""The staff panel's base view scopes everything through models/access.py: list rows, counts, single
rows, relationship dropdowns and ajax lookups (the four leaks STACK-NOTES reproduced)."""

from __future__ import annotations

import pytest
from flask_login import login_user

from admin_views.base import ScopedModelView
from models import Enrollment, Student


class EnrollmentProbe(ScopedModelView):
    roles = frozenset({"teacher", "class_teacher", "secretary", "operator"})
    writer_roles = frozenset({"secretary"})
    allow_create = True
    form_columns = ("student", "school_class", "starts_on", "reason_in")
    form_ajax_refs = {"student": {"fields": ("last_name",)}}


class StudentProbe(ScopedModelView):
    pass


@pytest.fixture()
def probes(app, db_session, world):
    # Not registered anywhere: the app's routes stay exactly as the URL matrix knows them.
    return EnrollmentProbe(Enrollment, endpoint="enr"), StudentProbe(Student, endpoint="stu")


def _as(app, user):
    ctx = app.test_request_context("/admin/")
    ctx.push()
    login_user(user)
    return ctx


@pytest.mark.parametrize(
    "who,expected",
    [
        ("teacher", {"Аннова", "Верова"}),
        ("other_teacher", {"Борисов"}),
        ("secretary", {"Аннова", "Верова", "Борисов"}),
        ("parent", {"Аннова"}),  # rows are the parent's own child, though the gate below keeps them out
    ],
)
def test_rows_counts_and_single_rows_are_scoped(app, world, probes, who, expected):
    _, students = probes
    ctx = _as(app, world.users[who])
    try:
        assert students.is_accessible() is (who != "parent")
        names = {s.last_name for s in students.get_query().all()}
        assert names == expected
        assert students.get_count_query().scalar() == len(expected)
        for s in (world.anna, world.boris):
            assert (students.get_one(s.id) is not None) is (s.last_name in expected)
    finally:
        ctx.pop()


def test_dropdowns_and_ajax_lookups_are_scoped(app, world, probes):
    enrollments, _ = probes
    ctx = _as(app, world.users["teacher"])
    try:
        form = enrollments.create_form()
        classes = {str(c) for c in form.school_class.query_factory()}
        assert classes == {"5А"}  # 6Б is not the teacher's
        loader = enrollments._form_ajax_refs["student"]
        assert {s.last_name for s in loader.get_list("")} == {"Аннова", "Верова"}
        assert loader.get_one(world.boris.id) is None
        assert loader.get_one(world.anna.id) is not None
    finally:
        ctx.pop()


def test_writing_needs_a_writer_role(app, world, probes):
    enrollments, _ = probes
    for who, can in (("teacher", False), ("secretary", True)):
        ctx = _as(app, world.users[who])
        try:
            assert enrollments.can_create is can
        finally:
            ctx.pop()
