"""staff accounts of the web interface, refused sign-ins

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=False),
        sa.Column("name", _TEXT(), nullable=False),
        sa.Column("role", _TEXT(length=16), nullable=False),
        sa.Column("password_hash", _TEXT(length=200), nullable=False),
        sa.Column("session_key", _TEXT(length=64), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("last_login_at", _TIME(), nullable=True),
        sa.CheckConstraint("email = lower(email)", name="ck_staff_account_email_lower"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=False),
        sa.Column("client", _TEXT(length=64), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_login_failure_email"), "login_failure", ["email"])
    op.create_index(op.f("ix_login_failure_client"), "login_failure", ["client"])
    op.create_index(op.f("ix_login_failure_at"), "login_failure", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failure_at"), table_name="login_failure")
    op.drop_index(op.f("ix_login_failure_client"), table_name="login_failure")
    op.drop_index(op.f("ix_login_failure_email"), table_name="login_failure")
    op.drop_table("login_failure")
    op.drop_table("staff_account")
