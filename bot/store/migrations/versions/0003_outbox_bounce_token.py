"""outbox bounce token

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:12:41.503218
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bounce_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_mail_bounce_token"), ["bounce_token"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_mail_bounce_token"))
        batch_op.drop_column("bounce_token")
