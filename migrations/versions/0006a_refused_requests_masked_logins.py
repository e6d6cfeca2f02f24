"""refused_requests: the log of 403 answers; logins that matched no account are masked in the login log

Revision ID: 0006a
Revises: 0005
Create Date: 2026-12-06 08:00:00

"""

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006a"
down_revision = "0005"
branch_labels = None
depends_on = None

login_events = sa.table(
    "login_events", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer), sa.column("login", sa.String)
)


def upgrade():
    op.create_table(
        "refused_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refused_requests_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_requests")),
    )
    with op.batch_alter_table("refused_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refused_requests_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_refused_requests_user_id"), ["user_id"], unique=False)

    # Logins recorded before this revision that matched no account may be passwords typed into the login
    # field. Replace each by a digest under a key used only here and then forgotten: repeated attempts keep
    # one value, and nobody can test guesses against it (models.accounts.auth.masked_login uses "?" + 16 hex digits).
    bind = op.get_bind()
    key = secrets.token_bytes(32)
    typed = bind.execute(sa.select(login_events.c.login).where(login_events.c.user_id.is_(None)).distinct()).scalars()
    for login in list(typed):
        digest = hmac.new(key, login.encode(), hashlib.sha256).hexdigest()[:16]
        bind.execute(
            login_events.update()
            .where(login_events.c.user_id.is_(None), login_events.c.login == login)
            .values(login="?" + digest)
        )


def downgrade():
    # The masked logins stay masked: the typed text is gone on purpose.
    with op.batch_alter_table("refused_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refused_requests_user_id"))
        batch_op.drop_index(batch_op.f("ix_refused_requests_at"))
    op.drop_table("refused_requests")
