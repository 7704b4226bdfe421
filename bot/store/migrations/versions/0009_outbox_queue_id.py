"""the mail server's queue id of each mail it accepted

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_mail") as batch:
        batch.add_column(
            sa.Column("queue_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_mail") as batch:
        batch.drop_column("queue_id")
