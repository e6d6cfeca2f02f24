"""rollover decisions: the secretary's decision (promote / repeat / leave) for a student the year's marks leave
in doubt, read by the year rollover (issue 18 item 1); jobs: the kind "year_rollover" (3-5 s on the demo school,
too long for a web request)

Revision ID: 0010o
Revises: 0010r
Create Date: 2026-12-06 14:13:12.962278

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010o"
down_revision = "0010r"
branch_labels = None
depends_on = None

OLD = ("invite_register", "backup", "import", "journal_class_pdf", "email_digest", "year_seal", "report_cards")
NEW = (*OLD, "year_rollover")


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(NEW))
    op.create_table(
        "rollover_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('promote', 'repeat', 'leave')", name=op.f("ck_rollover_decisions_decision")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_rollover_decisions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_rollover_decisions_student_id_students")
        ),
        sa.ForeignKeyConstraint(
            ["year_id"], ["academic_years.id"], name=op.f("fk_rollover_decisions_year_id_academic_years")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollover_decisions")),
        sa.UniqueConstraint("year_id", "student_id", name=op.f("uq_rollover_decisions_year_id_student_id")),
    )
    with op.batch_alter_table("rollover_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rollover_decisions_student_id"), ["student_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rollover_decisions_year_id"), ["year_id"], unique=False)


def downgrade():
    with op.batch_alter_table("rollover_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rollover_decisions_year_id"))
        batch_op.drop_index(batch_op.f("ix_rollover_decisions_student_id"))

    op.drop_table("rollover_decisions")
    op.execute("DELETE FROM jobs WHERE kind = 'year_rollover'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD))
