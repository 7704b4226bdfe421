"""claims on inbox messages, so that two workers never act on the same one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "message_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", _TEXT(length=500), nullable=False),
        sa.Column("source_key", _TEXT(length=500), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=True),
        sa.Column("uid", sa.Integer(), nullable=True),
        sa.Column("claimed_by", _TEXT(length=200), nullable=False),
        sa.Column("claimed_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailbox", "source_key"),
    )


def downgrade() -> None:
    op.drop_table("message_claim")
