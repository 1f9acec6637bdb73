""""Is this the first time?" for things that must happen once even when several Rasa servers
answer one assistant: a Slack event that Slack delivers again (its retries may reach another
server), and the household alert of a session whose emergency turns land on two servers.

One server (`make run`, `make serve`): kept in memory. The production profile sets
SPASM_AID_SHARED_STATE=redis, and the first claim of a key is then made in Redis (SET NX with an
expiry), which every server sees. When Redis does not answer, each server falls back to its own
memory: an event or alert may then happen twice, never zero times (a duplicate reply or alert is
a nuisance; a lost one could leave a person on the floor unanswered).
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Optional, Protocol

from spasm_aid import settings

logger = logging.getLogger(__name__)

# Redis is asked on the reply path (Slack) and the alert thread: a dead Redis must cost little.
REDIS_TIMEOUT_SECONDS = 0.5


class Once(Protocol):
    def first(self, key: str, ttl_seconds: float) -> bool:
        """True when no one has claimed `key` in the last `ttl_seconds`; claims it."""


class MemoryOnce:
    """Claims kept by this process only, the oldest forgotten beyond `capacity`."""

    def __init__(self, capacity: int = 10_000, clock=time.monotonic) -> None:
        self.capacity, self.clock = capacity, clock
        self._expiry: "OrderedDict[str, float]" = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: str, ttl_seconds: float) -> bool:
        now = self.clock()
        with self._lock:
            expiry = self._expiry.get(key)
            if expiry is not None and expiry > now:
                return False
            self._expiry[key] = now + ttl_seconds
            self._expiry.move_to_end(key)
            while len(self._expiry) > self.capacity:
                self._expiry.popitem(last=False)
            return True


class RedisOnce:
    """Claims shared by every server through Redis; this server's memory when Redis fails."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, prefix
        self.local = MemoryOnce()
        self._warned_at = 0.0

    def first(self, key: str, ttl_seconds: float) -> bool:
        import redis

        first_here = self.local.first(key, ttl_seconds)
        try:
            return bool(self.client.set(f"{self.prefix}:once:{key}", "1", nx=True, ex=max(1, round(ttl_seconds))))
        except redis.RedisError as error:
            if time.monotonic() - self._warned_at > 60:  # once a minute, not once per message
                self._warned_at = time.monotonic()
                logger.warning("Redis does not answer (%s): duplicate Slack events and household alerts are now "
                               "recognised per server only; one may be handled twice.", error)
            return first_here


@functools.lru_cache(maxsize=None)
def shared() -> Once:
    """The process's claims, as SPASM_AID_SHARED_STATE says (read once)."""
    if settings.shared_state() != "redis":
        return MemoryOnce()
    import redis

    config = settings.ProductionSettings.from_env()
    client = redis.Redis(host=config.redis_host, port=config.redis_port, db=config.redis_db, password=config.redis_password or None,
                         socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    return RedisOnce(client, config.redis_prefix)


def first(key: str, ttl_seconds: float, claims: Optional[Once] = None) -> bool:
    return (claims or shared()).first(key, ttl_seconds)
