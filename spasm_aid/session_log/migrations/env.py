"""Alembic environment: runs on the connection the session log hands over, or on
SPASM_AID_DB_URL / var/sessions.db when run from the alembic command line."""
from alembic import context
from sqlalchemy import create_engine

from spasm_aid import settings
from spasm_aid.session_log.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        version_table="session_log_version",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or settings.database_url(), future=True)
    with engine.begin() as conn:
        run_migrations(conn)
