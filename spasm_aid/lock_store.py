"""Conversation locks that answer a burst of messages in order, promptly (issue 14).

Rasa handles one message per conversation at a time with a ticket lock. Two things in Rasa 3.6's
lock stores made a burst on one conversation slow or fail:
- a waiting message checks its turn once a second, so the 50th of 50 simultaneous messages
  waited about 50 s, close to the 60 s after which its ticket expires;
- the Redis lock store reads, changes and writes the lock in separate steps, so two Rasa servers
  issuing or returning tickets at the same moment overwrite each other: a returned ticket comes
  back (everyone waits for it to expire) or a lock disappears under its waiters (LockError, 500).

Here a waiting message checks every POLL_SECONDS, and the Redis store changes a lock only while
holding a short Redis mutex for that conversation. endpoints.yml names these classes:
`spasm_aid.lock_store.PromptInMemoryLockStore` (make serve) and
`spasm_aid.lock_store.PromptRedisLockStore` (production).
"""
from __future__ import annotations

from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncGenerator, Iterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

POLL_SECONDS = 0.05
MUTEX_SECONDS = 5  # a mutex left by a crashed server frees itself after this


class PromptPolling(LockStore):
    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = POLL_SECONDS
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, min(wait_time_in_seconds, POLL_SECONDS)) as lock:
            yield lock


class PromptInMemoryLockStore(PromptPolling, InMemoryLockStore):
    """One process: its read-change-write steps never interleave (one event loop)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__()


class PromptRedisLockStore(PromptPolling, RedisLockStore):
    """Several processes: each change of a conversation's lock under a Redis mutex."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @contextmanager
    def _mutex(self, conversation_id: Text) -> Iterator[None]:
        with self.red.lock(self.key_prefix + "mutex:" + conversation_id, timeout=MUTEX_SECONDS,
                           blocking_timeout=MUTEX_SECONDS):
            yield

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
