"""removed_records: a removed student, class, lesson or teaching assignment kept with its marks for the school
year, restorable by the operator (issue 18, item 5)

Revision ID: 0010r
Revises: 0010p
Create Date: 2026-12-06 14:16:37.363635

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010r"
down_revision = "0010p"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "removed_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("restored_by_id", sa.Integer(), nullable=True),
        sa.Column("restored_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('student', 'class', 'lesson', 'assignment')", name=op.f("ck_removed_records_kind")
        ),
        sa.CheckConstraint(
            "(restored_at IS NULL) = (restored_by_id IS NULL)", name=op.f("ck_removed_records_restored_with_who")
        ),
        sa.CheckConstraint("length(trim(label)) > 0", name=op.f("ck_removed_records_label_not_blank")),
        sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"], name=op.f("fk_removed_records_removed_by_id_users")),
        sa.ForeignKeyConstraint(["restored_by_id"], ["users.id"], name=op.f("fk_removed_records_restored_by_id_users")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_removed_records_school_id_schools")),
        sa.ForeignKeyConstraint(
            ["year_id"], ["academic_years.id"], name=op.f("fk_removed_records_year_id_academic_years")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removed_records")),
    )
    with op.batch_alter_table("removed_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_removed_records_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_removed_records_year_id"), ["year_id"], unique=False)


def downgrade():
    with op.batch_alter_table("removed_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_removed_records_year_id"))
        batch_op.drop_index(batch_op.f("ix_removed_records_school_id"))

    op.drop_table("removed_records")
