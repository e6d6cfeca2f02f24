"""Deleting the generated schools (code 'demo', 'demo-2', …) and everything hanging on them.

audit_events is append-only (the database refuses UPDATE and DELETE), so it is never touched: a demo user
that the audit log names is kept as a blocked login detached from any person instead of being deleted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, text

S = "SELECT id FROM schools WHERE code = 'demo' OR code LIKE 'demo-%'"
Y = f"SELECT id FROM academic_years WHERE school_id IN ({S})"
C = f"SELECT id FROM school_classes WHERE school_id IN ({S})"
ST = f"SELECT id FROM students WHERE school_id IN ({S})"
SF = f"SELECT id FROM staff WHERE school_id IN ({S})"
G = f"SELECT id FROM guardians WHERE school_id IN ({S})"
A = f"SELECT id FROM teaching_assignments WHERE year_id IN ({Y}) OR class_id IN ({C})"
L = f"SELECT id FROM lessons WHERE assignment_id IN ({A})"
TE = f"SELECT id FROM timetable_entries WHERE assignment_id IN ({A})"
SG = f"SELECT id FROM subgroups WHERE class_id IN ({C})"
CV = f"SELECT id FROM conversations WHERE school_id IN ({S})"
SV = f"SELECT id FROM surveys WHERE school_id IN ({S})"
ACH = f"SELECT id FROM achievements WHERE student_id IN ({ST}) OR year_id IN ({Y})"
RES = f"SELECT id FROM student_results WHERE student_id IN ({ST}) OR year_id IN ({Y})"


def delete_demo_schools(session) -> None:
    users = (
        session.execute(
            text(
                f"SELECT id FROM users WHERE school_id IN ({S}) OR staff_id IN ({SF}) OR student_id IN ({ST})"
                f" OR guardian_id IN ({G})"
            )
        )
        .scalars()
        .all()
    )
    U = "SELECT id FROM users WHERE id IN :users"
    params = {"users": list(users) or [-1]}
    msg = f"SELECT id FROM messages WHERE conversation_id IN ({CV}) OR author_id IN ({U})"
    resp = f"SELECT id FROM survey_responses WHERE survey_id IN ({SV}) OR user_id IN ({U})"
    statements = [
        f"DELETE FROM attachments WHERE school_id IN ({S}) OR lesson_id IN ({L}) OR achievement_id IN ({ACH})"
        f" OR result_id IN ({RES}) OR message_id IN ({msg})",
        f"DELETE FROM marks WHERE lesson_id IN ({L}) OR student_id IN ({ST})",
        f"DELETE FROM attendance WHERE lesson_id IN ({L}) OR student_id IN ({ST})",
        f"DELETE FROM period_marks WHERE assignment_id IN ({A}) OR student_id IN ({ST})",
        f"DELETE FROM lessons WHERE id IN ({L})",
        f"DELETE FROM substitutions WHERE entry_id IN ({TE})",
        f"DELETE FROM timetable_entries WHERE id IN ({TE})",
        f"DELETE FROM remarks WHERE school_id IN ({S}) OR teacher_id IN ({SF}) OR assignment_id IN ({A})",
        f"DELETE FROM plan_items WHERE assignment_id IN ({A})",
        f"DELETE FROM teaching_assignments WHERE id IN ({A})",
        f"DELETE FROM subgroup_members WHERE subgroup_id IN ({SG}) OR student_id IN ({ST})",
        f"DELETE FROM subgroups WHERE id IN ({SG})",
        f"DELETE FROM enrollments WHERE class_id IN ({C}) OR student_id IN ({ST})",
        f"DELETE FROM student_results WHERE id IN ({RES})",
        f"DELETE FROM achievements WHERE id IN ({ACH})",
        f"DELETE FROM survey_answers WHERE response_id IN ({resp})",
        f"DELETE FROM survey_responses WHERE id IN ({resp})",
        f"DELETE FROM survey_questions WHERE survey_id IN ({SV})",
        f"DELETE FROM surveys WHERE id IN ({SV})",
        f"DELETE FROM notifications WHERE user_id IN ({U}) OR student_id IN ({ST})",
        f"DELETE FROM messages WHERE id IN ({msg})",
        f"DELETE FROM conversation_participants WHERE conversation_id IN ({CV}) OR user_id IN ({U})",
        f"DELETE FROM conversations WHERE id IN ({CV}) OR student_id IN ({ST})",
        f"DELETE FROM announcements WHERE school_id IN ({S}) OR author_id IN ({U})",
        f"DELETE FROM cancelled_days WHERE school_id IN ({S})",
        f"DELETE FROM consents WHERE user_id IN ({U}) OR student_id IN ({ST})",
        f"DELETE FROM invite_codes WHERE school_id IN ({S}) OR issued_by_id IN ({U}) OR used_by_id IN ({U})"
        f" OR revoked_by_id IN ({U}) OR staff_id IN ({SF}) OR student_id IN ({ST}) OR guardian_id IN ({G})",
        f"DELETE FROM login_events WHERE user_id IN ({U})",
        f"DELETE FROM page_views WHERE user_id IN ({U})",
        f"DELETE FROM user_roles WHERE user_id IN ({U})",
    ]
    for sql in statements:
        if ":users" in sql:
            session.execute(text(sql).bindparams(bindparam("users", expanding=True)), params)
        else:
            session.execute(text(sql))

    # Users named by the audit log stay (detached and blocked); the others go.
    audited = set(
        session.execute(
            text("SELECT DISTINCT actor_id FROM audit_events WHERE actor_id IN :users").bindparams(
                bindparam("users", expanding=True)
            ),
            params,
        ).scalars()
    )
    now = dt.datetime.now(dt.UTC)
    for user_id in sorted(audited):
        session.execute(
            text(
                "UPDATE users SET school_id = NULL, staff_id = NULL, student_id = NULL, guardian_id = NULL,"
                " login = :login, blocked_at = :now, blocked_reason = :reason WHERE id = :id"
            ),
            {"login": f"deleted-demo-{user_id}", "now": now, "reason": "демо-школа удалена", "id": user_id},
        )
    gone = [u for u in users if u not in audited] or [-1]
    session.execute(
        text("DELETE FROM users WHERE id IN :users").bindparams(bindparam("users", expanding=True)), {"users": gone}
    )

    for sql in [
        f"DELETE FROM school_classes WHERE id IN ({C})",
        f"DELETE FROM curriculum_items WHERE year_id IN ({Y})",
        f"DELETE FROM periods WHERE year_id IN ({Y})",
        f"DELETE FROM student_guardians WHERE student_id IN ({ST}) OR guardian_id IN ({G})",
        f"DELETE FROM students WHERE school_id IN ({S})",
        f"DELETE FROM guardians WHERE school_id IN ({S})",
        f"DELETE FROM staff WHERE school_id IN ({S})",
        f"DELETE FROM subjects WHERE school_id IN ({S})",
        f"DELETE FROM work_kinds WHERE school_id IN ({S})",
        f"DELETE FROM attendance_reasons WHERE school_id IN ({S})",
        f"DELETE FROM bells WHERE school_id IN ({S})",
        f"DELETE FROM settings WHERE school_id IN ({S})",
        f"DELETE FROM academic_years WHERE school_id IN ({S})",
        f"DELETE FROM schools WHERE id IN ({S})",
    ]:
        session.execute(text(sql))
