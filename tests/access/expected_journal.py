"""Expected statuses of the journal routes (columns: tests/access/roles.py ROLES).

The journal is read by the teachers of a page (own load, what they substitute), the class teacher (their
class's pages), the coordinator, the director and the operator; the secretary, parents and students never
reach it (R18). ``teacher`` teaches maths in 5А; ``classteacher`` keeps 5А and reads its maths page. The
new-lesson form is for who may write there (the page's teacher). POST-only routes answer 405 to a GET."""

from __future__ import annotations

from .roles import ALL, F, R

READERS = (R, F, F, 200, 200, F, 200, 200, 200)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/journal/": READERS,
    "/admin/journal/<int:assignment_id>": READERS,  # maths 5А
    "/admin/journal/<int:assignment_id>/print.pdf": READERS,  # the same page as the paper journal prints it
    "/admin/journal/<int:assignment_id>/lesson": (R, F, F, 200, F, F, F, F, F),  # a new lesson: its teacher only
    "/admin/journal/<int:assignment_id>/save": ALL(405),
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/cells": ALL(405),
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/delete": ALL(405),
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/all-present": ALL(405),  # "все присутствуют"
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/files": ALL(405),
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/files/<int:attachment_id>/delete": ALL(405),
    # <int:attachment_id> is Anna's diploma (expected_rosters.py), not a file of this lesson: readers get 404;
    # who downloads a lesson's own files is tested in tests/journal/test_lesson_files.py
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/files/<int:attachment_id>": (
        R,
        F,
        F,
        404,
        404,
        F,
        404,
        404,
        404,
    ),
    "/admin/journal/cell": ALL(405),
    "/admin/journal/history": (R, F, F, 404, 404, F, 404, 404, 404),  # without ?lesson=&student=: not found
}

PARAMS: dict = {
    "<int:assignment_id>": lambda world: world.a_maths_5a.id,
    "<int:lesson_id>": lambda world: world.lesson_5a.id,
}
