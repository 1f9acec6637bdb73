"""What keeps the session log private: salted hashes instead of sender ids, files only their
owner can read, and database URLs without their password in log messages."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Optional

from spasm_aid import settings


def sender_salt(var_dir: Optional[Path] = None) -> bytes:
    """SPASM_AID_SENDER_SALT, or a random salt kept in var/sender_salt (created once, mode 600)."""
    value = settings.sender_salt_value()
    if value:
        return value.encode()
    path = (var_dir or settings.var_dir()) / "sender_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def hash_sender(sender_id: str, salt: bytes) -> str:
    return hmac.new(salt, sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def private_file(path: Path) -> None:
    """Create `path` (empty) readable by its owner only, or make it so: the session log and the
    salt are nobody else's business on a shared machine. SQLite gives its journal the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    except PermissionError:  # another user's file: leave it, SQLite will say if it can't open it
        pass


def redact(url: str) -> str:
    """A database URL without its password, for log messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
