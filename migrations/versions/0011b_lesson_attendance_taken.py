"""lessons: when and by whom attendance was taken (issue 16, the monthly control's "attendance recorded or not
per lesson"). Lessons that already have an absence or a late arrival are stamped with the first one's moment and
author; the others stay unstamped, since nobody can tell now whether attendance was taken at them.

Revision ID: 0011b
Revises: 0011a
Create Date: 2026-12-06 18:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011b"
down_revision = "0011a"
branch_labels = None
depends_on = None

FIRST = "SELECT {column} FROM attendance a WHERE a.lesson_id = lessons.id ORDER BY a.recorded_at, a.id LIMIT 1"


def upgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendance_taken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attendance_taken_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_lessons_attendance_taken_by_id_users"), "users", ["attendance_taken_by_id"], ["id"]
        )
    op.execute(
        "UPDATE lessons SET"
        f" attendance_taken_at = ({FIRST.format(column='a.recorded_at')}),"
        f" attendance_taken_by_id = ({FIRST.format(column='a.recorded_by_id')})"
        " WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.lesson_id = lessons.id)"
    )


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_lessons_attendance_taken_by_id_users"), type_="foreignkey")
        batch_op.drop_column("attendance_taken_by_id")
        batch_op.drop_column("attendance_taken_at")
