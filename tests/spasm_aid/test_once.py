"""Handled once across servers (spasm_aid/once.py): in memory for one server, through Redis for
several, and back to each server's memory (twice, never zero times) when Redis is down.

The Redis tests use the machine's Redis at 127.0.0.1:6379 under a key prefix of their own,
deleted afterwards; they skip, saying so, when none answers."""
from __future__ import annotations

import threading
import uuid

import pytest
import redis

from spasm_aid import once, settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_in_memory_a_key_is_first_once_until_it_expires():
    clock = Clock()
    claims = once.MemoryOnce(clock=clock)
    assert claims.first("slack-event:Ev1", 60)
    assert not claims.first("slack-event:Ev1", 60)
    assert claims.first("slack-event:Ev2", 60)  # another key is its own
    clock.now += 61
    assert claims.first("slack-event:Ev1", 60)


def test_in_memory_the_oldest_keys_are_forgotten_beyond_capacity():
    claims = once.MemoryOnce(capacity=3)
    for key in "abcd":
        assert claims.first(key, 60)
    assert claims.first("a", 60)  # forgotten: the memory does not grow without bound
    assert not claims.first("d", 60)


def test_in_memory_twenty_threads_claiming_at_once_get_one_first():
    claims = once.MemoryOnce()
    results, start = [], threading.Barrier(20)

    def claim():
        start.wait()
        results.append(claims.first("household-alert:s1", 60))

    threads = [threading.Thread(target=claim) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


@pytest.fixture
def redis_prefix():
    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({error}): claims shared between servers need one")
    prefix = f"test-once-{uuid.uuid4().hex[:8]}"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_through_redis_two_servers_see_each_others_claims(redis_prefix):
    client, prefix = redis_prefix
    server_a, server_b = once.RedisOnce(client, prefix), once.RedisOnce(client, prefix)
    assert server_a.first("slack-event:Ev1", 3600)
    assert not server_b.first("slack-event:Ev1", 3600)  # Slack's retry reached the other server
    assert server_b.first("slack-event:Ev2", 3600)
    assert 3590 <= client.ttl(f"{prefix}:once:slack-event:Ev1") <= 3600  # forgotten after its time


def test_through_redis_ten_servers_claiming_at_once_get_one_first(redis_prefix):
    client, prefix = redis_prefix
    servers = [once.RedisOnce(redis.Redis(host="127.0.0.1", port=6379), prefix) for _ in range(10)]
    results, start = [], threading.Barrier(10)

    def claim(server):
        start.wait()
        results.append(server.first("household-alert:s1", 60))

    threads = [threading.Thread(target=claim, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


def test_when_redis_is_down_each_server_remembers_on_its_own():
    dead = redis.Redis(host="127.0.0.1", port=1, socket_timeout=0.2, socket_connect_timeout=0.2)
    server_a, server_b = once.RedisOnce(dead, "x"), once.RedisOnce(dead, "x")
    assert server_a.first("slack-event:Ev1", 3600)
    assert not server_a.first("slack-event:Ev1", 3600)  # this server's own retry: still dropped
    assert server_b.first("slack-event:Ev1", 3600)  # the other server cannot know: twice, not zero


def test_the_setting_chooses_memory_or_redis(monkeypatch):
    once.shared.cache_clear()
    try:
        monkeypatch.delenv("SPASM_AID_SHARED_STATE", raising=False)
        assert isinstance(once.shared(), once.MemoryOnce)
        once.shared.cache_clear()
        monkeypatch.setenv("SPASM_AID_SHARED_STATE", "redis")
        monkeypatch.setenv("SPASM_AID_REDIS_PORT", "6380")
        shared = once.shared()
        assert isinstance(shared, once.RedisOnce)
        assert shared.client.connection_pool.connection_kwargs["port"] == 6380
    finally:
        once.shared.cache_clear()


def test_a_wrong_shared_state_is_a_clear_start_up_error():
    with pytest.raises(settings.SettingsError, match="SPASM_AID_SHARED_STATE must be memory or redis"):
        settings.Settings.from_env({"SPASM_AID_SHARED_STATE": "postgres"})
