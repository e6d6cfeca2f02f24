"""Expected statuses of the rosters and my-class routes (columns: tests/access/roles.py ROLES).

Rosters (students, guardians, their links, staff, the book of movement): every staff role opens the
lists, scoped by models/access.py (teachers see their classes); the secretary and the operator write
(create forms, movement). "Мой класс" is the class teacher's (classteacher keeps 5А). Achievements and
results are read in the diary by whoever may read the student's diary."""

from __future__ import annotations

import datetime as dt

from .roles import ALL, F, R

STAFF_READ = (R, F, F, 200, 200, 200, 200, 200, 200)
WRITERS = (R, F, F, R, R, 200, R, R, 200)  # create forms: secretary and operator; others go back to the list
NO_ID = (R, F, F, R, R, R, R, R, R)  # details/edit without ?id= go back to the list
LOOKUP = (R, F, F, 404, 404, 404, 404, 404, 404)  # no ajax field of that name
CLASS_TEACHER = (R, F, F, F, 200, F, F, F, F)


def _export_row() -> tuple[int, ...]:
    """The lists export (CSV/XLSX, scoped like the list) when the staff panel's base view has exports
    switched on (issue #4, item 6, in admin_views/base.py); until then the export address goes back."""
    from admin_views.base import ScopedModelView

    return STAFF_READ if ScopedModelView.can_export else NO_ID


def _model_view(endpoint: str, *, writable: bool) -> dict[str, tuple[int, ...]]:
    base = f"/admin/{endpoint}/"
    return {
        base: STAFF_READ,
        base + "new/": WRITERS if writable else NO_ID,
        base + "edit/": NO_ID,
        base + "details/": NO_ID,
        base + "export/<export_type>/": _export_row(),
        base + "ajax/lookup/": LOOKUP,
        base + "action/": ALL(405),
        base + "ajax/update/": ALL(405),
        base + "delete/": ALL(405),
    }


TABLE: dict[str, tuple[int, ...]] = {
    **_model_view("students", writable=True),
    **_model_view("guardians", writable=True),
    **_model_view("guardian_links", writable=True),
    **_model_view("staff", writable=True),
    **_model_view("enrollments", writable=False),
    # admission, transfer, withdrawal of one student
    "/admin/students/movement/<int:student_id>": (R, F, F, F, F, 200, F, F, 200),
    # my class: roster and stamp, subgroup grid, achievements and results (POSTs: 405 on GET)
    "/admin/my-class/": CLASS_TEACHER,
    "/admin/my-class/checked": ALL(405),
    "/admin/my-class/subgroups/": CLASS_TEACHER,
    "/admin/my-class/achievements/": CLASS_TEACHER,
    "/admin/my-class/achievements/add": ALL(405),
    "/admin/my-class/achievements/result": ALL(405),
    "/admin/my-class/achievements/delete": ALL(405),
    "/admin/my-class/achievements/file/<int:attachment_id>": CLASS_TEACHER,
    # the diary: anna's achievements and her diploma file
    "/diary/<int:student_id>/achievements": (R, 200, 200, 200, 200, 200, 200, 200, 200),
    "/diary/<int:student_id>/files/<int:attachment_id>": (R, 200, 200, 200, 200, 200, 200, 200, 200),
}


def _annas_diploma(world) -> int:
    """An achievement of anna (5А) with a PDF, created once per test world."""
    if getattr(world, "annas_diploma_id", None) is None:
        from models import Achievement, Attachment, db

        achievement = Achievement(
            student_id=world.anna.id,
            year_id=world.year.id,
            title="Олимпиада по математике",
            kind="olympiad",
            level="school",
            result="winner",
            date=dt.date(2026, 10, 1),
        )
        db.session.add(achievement)
        db.session.flush()
        content = b"%PDF-1.4\n%%EOF\n"
        attachment = Attachment(
            school_id=world.school.id,
            achievement_id=achievement.id,
            filename="диплом.pdf",
            content_type="application/pdf",
            size_bytes=len(content),
            sha256="0" * 64,
            content=content,
        )
        db.session.add(attachment)
        db.session.commit()
        world.annas_diploma_id = attachment.id
    return world.annas_diploma_id


PARAMS: dict = {
    "<int:attachment_id>": _annas_diploma,
}
