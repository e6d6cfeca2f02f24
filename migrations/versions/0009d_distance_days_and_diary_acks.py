"""distance learning days (cancelled_days: scope, grade, kind, who), lessons' distance link and materials,
parents' weekly acknowledgements of the diary

Revision ID: 0009d
Revises: 0009s
Create Date: 2026-12-06 10:45:00.000000

``cancelled_days`` is extended, not doubled: a row switches a day to distance learning for the school, a
grade or a class; ``scope`` ("school", "grade:5", "class:12") carries the one unique key (a NULL class_id
would let the whole school be switched twice). Existing rows become "school" or "class:<id>" switches.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009d"
down_revision = "0009s"
branch_labels = None
depends_on = None

SCOPE_CHECK = (
    "(class_id IS NULL AND grade IS NULL AND scope = 'school')"
    " OR (class_id IS NULL AND grade IS NOT NULL AND scope = 'grade:' || grade)"
    " OR (class_id IS NOT NULL AND grade IS NULL AND scope = 'class:' || class_id)"
)
URL_CHECK = "distance_url IS NULL OR distance_url LIKE 'http://%' OR distance_url LIKE 'https://%'"


def upgrade():
    with op.batch_alter_table("cancelled_days", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grade", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("kind", sa.String(length=12), server_default="other", nullable=False))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE cancelled_days SET created_at = CURRENT_TIMESTAMP, scope = CASE WHEN class_id IS NULL "
        "THEN 'school' ELSE 'class:' || class_id END"
    )
    # Two school-wide rows of one day were allowed by the old key (NULL class_id); keep the first.
    op.execute(
        "DELETE FROM cancelled_days WHERE class_id IS NULL AND id NOT IN "
        "(SELECT min(id) FROM cancelled_days WHERE class_id IS NULL GROUP BY school_id, date)"
    )
    with op.batch_alter_table("cancelled_days", schema=None) as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_constraint("uq_cancelled_days_school_id_date_class_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_cancelled_days_school_id_date_scope"), ["school_id", "date", "scope"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cancelled_days_created_by_id_users"), "users", ["created_by_id"], ["id"]
        )
        batch_op.create_check_constraint(op.f("ck_cancelled_days_kind"), "kind IN ('weather', 'quarantine', 'other')")
        batch_op.create_check_constraint(op.f("ck_cancelled_days_grade"), "grade IS NULL OR grade BETWEEN 0 AND 12")
        batch_op.create_check_constraint(op.f("ck_cancelled_days_scope"), SCOPE_CHECK)
        batch_op.create_check_constraint(op.f("ck_cancelled_days_reason_not_blank"), "length(trim(reason)) > 0")

    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("distance_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("distance_materials", sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_lessons_distance_url"), URL_CHECK)

    op.create_table(
        "diary_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_diary_acknowledgements_guardian_id_guardians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_diary_acknowledgements_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_diary_acknowledgements_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_acknowledgements")),
        sa.UniqueConstraint(
            "guardian_id",
            "student_id",
            "week_start",
            name=op.f("uq_diary_acknowledgements_guardian_id_student_id_week_start"),
        ),
    )
    with op.batch_alter_table("diary_acknowledgements", schema=None) as batch_op:
        batch_op.create_index("ix_diary_acknowledgements_student_week", ["student_id", "week_start"], unique=False)


def downgrade():
    with op.batch_alter_table("diary_acknowledgements", schema=None) as batch_op:
        batch_op.drop_index("ix_diary_acknowledgements_student_week")
    op.drop_table("diary_acknowledgements")

    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lessons_distance_url"), type_="check")
        batch_op.drop_column("distance_materials")
        batch_op.drop_column("distance_url")

    # Grade-wide switches have no place in the old table: they go, as on a downgrade of any new feature.
    op.execute("DELETE FROM cancelled_days WHERE grade IS NOT NULL")
    with op.batch_alter_table("cancelled_days", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cancelled_days_reason_not_blank"), type_="check")
        batch_op.drop_constraint(op.f("ck_cancelled_days_scope"), type_="check")
        batch_op.drop_constraint(op.f("ck_cancelled_days_grade"), type_="check")
        batch_op.drop_constraint(op.f("ck_cancelled_days_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_cancelled_days_created_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_cancelled_days_school_id_date_scope"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_cancelled_days_school_id_date_class_id"), ["school_id", "date", "class_id"]
        )
        batch_op.drop_column("created_at")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("kind")
        batch_op.drop_column("scope")
        batch_op.drop_column("grade")
