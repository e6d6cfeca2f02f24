"""announcements and surveys (R23): grade targets, windows, files of announcements, answers per family

Revision ID: 0009s
Revises: 0008n
Create Date: 2026-12-06 10:50:00.000000

Announcements and surveys target the school, a grade or a class (never a class and a grade at once); an
announcement for the staff only is school-wide; a survey asks parents or students, one answer per person or,
for parents, per family (a response names the child it was given for, unique per survey). Attachments may
belong to an announcement (still exactly one owner).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009s"
down_revision = "0008n"
branch_labels = None
depends_on = None

OLD_AUDIENCES = "audience IN ('all', 'staff', 'parents', 'students', 'families')"
OWNERS = (
    "(CASE WHEN lesson_id IS NULL THEN 0 ELSE 1 END + CASE WHEN achievement_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN result_id IS NULL THEN 0 ELSE 1 END + CASE WHEN message_id IS NULL THEN 0 ELSE 1 END"
)
ONE_TARGET = "class_id IS NULL OR grade IS NULL"
GRADE_RANGE = "grade IS NULL OR grade BETWEEN 0 AND 12"


def upgrade():
    # Audiences the new checks do not know: "families" (the demo's class news) is everyone of the target; a
    # survey asks parents unless it asked students.
    op.execute("UPDATE announcements SET audience = 'all' WHERE audience = 'families'")
    op.execute("UPDATE surveys SET audience = 'parents' WHERE audience <> 'students'")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.SmallInteger(), nullable=True))
        batch_op.drop_constraint(op.f("ck_announcements_audience"), type_="check")
        batch_op.create_check_constraint("audience", "audience IN ('all', 'parents', 'students', 'staff')")
        batch_op.create_check_constraint("one_target", ONE_TARGET)
        batch_op.create_check_constraint("grade", GRADE_RANGE)
        batch_op.create_check_constraint(
            "staff_school_wide", "audience <> 'staff' OR (class_id IS NULL AND grade IS NULL)"
        )
        batch_op.create_check_constraint("window", "expires_at IS NULL OR expires_at > published_at")
        batch_op.create_check_constraint("title_not_blank", "length(trim(title)) > 0")
        batch_op.create_index(batch_op.f("ix_announcements_class_id"), ["class_id"], unique=False)

    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("per_family", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_constraint(op.f("ck_surveys_audience"), type_="check")
        batch_op.create_check_constraint("audience", "audience IN ('parents', 'students')")
        batch_op.create_check_constraint("one_target", ONE_TARGET)
        batch_op.create_check_constraint("grade", GRADE_RANGE)
        batch_op.create_check_constraint("per_family_parents", "NOT per_family OR audience = 'parents'")
        batch_op.create_check_constraint("title_not_blank", "length(trim(title)) > 0")
        batch_op.create_index(batch_op.f("ix_surveys_class_id"), ["class_id"], unique=False)

    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_check_constraint("choices", "kind NOT IN ('single', 'multiple') OR options IS NOT NULL")
        batch_op.create_check_constraint("text_not_blank", "length(trim(text)) > 0")

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_responses_student_id_students"),
            "students",
            ["student_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_survey_responses_survey_id_student_id"), ["survey_id", "student_id"]
        )

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attachments_announcement_id_announcements"), "announcements", ["announcement_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_attachments_announcement_id"), ["announcement_id"], unique=False)
        batch_op.drop_constraint(op.f("ck_attachments_one_owner"), type_="check")
        batch_op.create_check_constraint(
            "one_owner", OWNERS + " + CASE WHEN announcement_id IS NULL THEN 0 ELSE 1 END) = 1"
        )


def downgrade():
    # Files of announcements have no other owner: they go with the column.
    op.execute("DELETE FROM attachments WHERE announcement_id IS NOT NULL")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_attachments_one_owner"), type_="check")
        batch_op.create_check_constraint("one_owner", OWNERS + ") = 1")
        batch_op.drop_index(batch_op.f("ix_attachments_announcement_id"))
        batch_op.drop_constraint(batch_op.f("fk_attachments_announcement_id_announcements"), type_="foreignkey")
        batch_op.drop_column("announcement_id")

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_survey_responses_survey_id_student_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_survey_responses_student_id_students"), type_="foreignkey")
        batch_op.drop_column("student_id")

    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_survey_questions_text_not_blank"), type_="check")
        batch_op.drop_constraint(op.f("ck_survey_questions_choices"), type_="check")
        batch_op.drop_column("required")

    # Rows the old schema cannot hold (a grade target) become school-wide.
    for table in ("surveys", "announcements"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_class_id"))
            for name in ("title_not_blank", "grade", "one_target", "audience"):
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.create_check_constraint("audience", OLD_AUDIENCES)
            if table == "surveys":
                batch_op.drop_constraint(op.f("ck_surveys_per_family_parents"), type_="check")
                batch_op.drop_column("per_family")
            else:
                batch_op.drop_constraint(op.f("ck_announcements_staff_school_wide"), type_="check")
                batch_op.drop_constraint(op.f("ck_announcements_window"), type_="check")
            batch_op.drop_column("grade")
