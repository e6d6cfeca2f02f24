"""audit_events.class_id: a family's homework notices by class and moment, not by every lesson of six weeks

Revision ID: 0011d
Revises: 0011c
Create Date: 2026-12-07 00:40:00

The navigation's count of unseen notices (models/notices/feed.py), on every portal page, found a child's homework
by probing the log once for every lesson of the child's classes since six weeks back (572 probes for one child of
the district, 2.2 ms a child on PostgreSQL). An event of a lesson now keeps the lesson's class, indexed with the
moment: the count reads the events of the child's classes since the family last looked, and nothing older.

Plain ALTER TABLE (no batch), as in 0009f: rebuilding audit_events on SQLite would drop its append-only triggers.
The backfill takes each lesson's class from its teaching assignment (a lesson removed since keeps none; its
homework was never news anyway). The triggers that refuse updates are lifted for that statement only and put back
as they were (frozen copies, as in 0009f).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011d"
down_revision = "0011c"
branch_labels = None
depends_on = None

NO_UPDATE_SQLITE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
BACKFILL = (
    "UPDATE audit_events SET class_id = (SELECT t.class_id FROM lessons l "
    "JOIN teaching_assignments t ON t.id = l.assignment_id WHERE l.id = audit_events.entity_id) "
    "WHERE entity = 'lesson'"
)


def upgrade():
    op.add_column("audit_events", sa.Column("class_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute(BACKFILL)
        op.execute(NO_UPDATE_SQLITE)
    else:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        op.execute(BACKFILL)
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    op.create_index("ix_audit_events_class_at", "audit_events", ["class_id", "at"], unique=False)
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE audit_events")  # the new column's statistics, as in 0009f


def downgrade():
    op.drop_index("ix_audit_events_class_at", table_name="audit_events")
    op.drop_column("audit_events", "class_id")
