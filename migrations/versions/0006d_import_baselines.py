"""import_baselines: the value each import last gave each field, so re-imports keep manual edits

Revision ID: 0006d
Revises: 0006c
Create Date: 2026-12-06 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006d"
down_revision = "0006c"
branch_labels = None
depends_on = None


def upgrade():
    # A new table: no batch copy of an existing table is needed on SQLite.
    op.create_table(
        "import_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_import_baselines_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_baselines")),
        sa.UniqueConstraint("entity", "entity_key", "field", name=op.f("uq_import_baselines_entity_entity_key_field")),
    )
    op.create_index("ix_import_baselines_school_entity", "import_baselines", ["school_id", "entity"], unique=False)


def downgrade():
    op.drop_index("ix_import_baselines_school_entity", table_name="import_baselines")
    op.drop_table("import_baselines")
