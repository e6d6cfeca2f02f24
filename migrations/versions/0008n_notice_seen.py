"""notice_seen: per account and child, the moment up to which the family has seen the notices (R21)

Revision ID: 0008n
Revises: 0007j
Create Date: 2026-12-07 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008n"
down_revision = "0007j"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_notice_seen_student_id_students"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notice_seen_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_seen")),
        sa.UniqueConstraint("user_id", "student_id", name=op.f("uq_notice_seen_user_id_student_id")),
    )
    with op.batch_alter_table("notice_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_seen_student_id"), ["student_id"], unique=False)


def downgrade():
    with op.batch_alter_table("notice_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_seen_student_id"))
    op.drop_table("notice_seen")
