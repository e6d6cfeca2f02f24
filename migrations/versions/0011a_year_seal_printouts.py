"""year seals: the printouts made at archiving (the bound class journal of each class for the whole year), each
with its SHA-256, kept with the seal so that verifying finds a printout changed or removed (issue 18 item 2)

Revision ID: 0011a
Revises: 0010o
Create Date: 2026-12-06 18:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011a"
down_revision = "0010o"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("year_seals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("printouts", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("year_seals", schema=None) as batch_op:
        batch_op.drop_column("printouts")
