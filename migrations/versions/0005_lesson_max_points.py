"""lessons.max_points: the maximum of a criteria-based work (СОР, СОЧ)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # lessons has no triggers, so SQLite's batch table copy is safe here.
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_lessons_max_points"), "max_points IS NULL OR (max_points > 0 AND max_points <= 100)"
        )


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lessons_max_points"), type_="check")
        batch_op.drop_column("max_points")
