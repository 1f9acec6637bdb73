"""The session log's database: the engine (SQLite by default, PostgreSQL in production) and the
schema, created or upgraded by the Alembic migrations kept beside the models."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from spasm_aid import settings
from spasm_aid.session_log.privacy import private_file

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def make_engine(url: Optional[str] = None) -> Engine:
    url = url or settings.database_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        private_file(Path(url[len("sqlite:///") :]))
    kwargs: Dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.startswith("postgresql"):
        kwargs["connect_args"] = {"connect_timeout": 3}
    return create_engine(url, **kwargs)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
