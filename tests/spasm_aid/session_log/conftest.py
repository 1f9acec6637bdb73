"""Database fixtures: SQLite always; PostgreSQL when a server answers on 127.0.0.1:5432
(each run uses its own throw-away database, so it never touches anyone's data)."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("SPASM_AID_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_engine():
    return create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def postgres_available() -> str:
    """'' when PostgreSQL is reachable, else why not."""
    try:
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return ""
    except Exception as error:  # any failure means: skip, and say why
        return f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(error).__name__}); set SPASM_AID_TEST_PG_ADMIN_URL"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'sessions.db'}"


@pytest.fixture
def pg_database():
    """Yields (admin engine, name, url) of a new empty database, dropped afterwards."""
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    name = f"spasm_aid_test_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield admin, name, f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sessions.db'}"
        return
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    admin, name, url = request.getfixturevalue("pg_database")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url
