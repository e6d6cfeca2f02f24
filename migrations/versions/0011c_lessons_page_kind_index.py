"""lessons: the index on (assignment_id) becomes (assignment_id, date, work_kind_id), so that the monthly control
counts a school's control works since the year began from the index alone (issue 12: the coordinator's report in
the evening rush). The leading column still serves every lookup by page.

Revision ID: 0011c
Revises: 0011b
Create Date: 2026-12-06 21:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011c"
down_revision = "0011b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lessons_assignment_date_kind", ["assignment_id", "date", "work_kind_id"], unique=False
        )
        batch_op.drop_index("ix_lessons_assignment_id")


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index("ix_lessons_assignment_id", ["assignment_id"], unique=False)
        batch_op.drop_index("ix_lessons_assignment_date_kind")
