"""ИИН of staff and guardians (Kazakhstan), as students have it since 0009k

A Kazakhstan school records the individual identification number of its teachers and employees and of the
parents and guardians: 12 characters (the digits and the check digit are the domain's: models.identifiers),
unique within the school. Empty (NULL) everywhere else.

Revision ID: 0010c
Revises: 0010a
Create Date: 2026-12-06 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010c"
down_revision = "0010a"
branch_labels = None
depends_on = None

TABLES = ("staff", "guardians")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("iin", sa.String(length=12), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_school_id_iin"), ["school_id", "iin"])
            batch_op.create_check_constraint(op.f(f"ck_{table}_iin"), "iin IS NULL OR length(iin) = 12")


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_iin"), type_="check")
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_school_id_iin"), type_="unique")
            batch_op.drop_column("iin")
