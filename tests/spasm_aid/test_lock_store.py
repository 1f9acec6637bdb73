"""Conversation locks (spasm_aid.lock_store, issue 14): a burst on one conversation is served in
order and each message promptly; with Redis, two Rasa servers sharing a lock never lose a ticket."""
import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from spasm_aid.lock_store import POLL_SECONDS, PromptInMemoryLockStore, PromptRedisLockStore


async def burst(store, conversation, count, work_seconds=0.01):
    """`count` messages at once on one conversation; (order served, each one's wait beyond the work before it)."""
    served, waits = [], []

    async def message(i):
        arrived = time.monotonic()
        async with store.lock(conversation):
            # everything before this one has been served; it should not wait much longer than that
            waits.append(time.monotonic() - arrived - len(served) * work_seconds)
            served.append(i)
            await asyncio.sleep(work_seconds)

    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(message(i)))
        await asyncio.sleep(0)  # arrive in order
    await asyncio.gather(*tasks)
    return served, waits


def test_a_burst_in_memory_is_served_in_arrival_order_without_one_second_polls():
    served, waits = asyncio.run(burst(PromptInMemoryLockStore(), "c", 30))
    assert served == list(range(30))
    # Rasa's own store polls once a second: the 30th would wait about 30 s beyond the work
    assert max(waits) < 30 * POLL_SECONDS * 4


def redis_or_skip():
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=0.5).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({error}): the shared lock store needs one")


def test_two_servers_issuing_tickets_at_once_on_redis_lose_none():
    redis_or_skip()
    prefix = f"test{uuid.uuid4().hex[:8]}"
    stores = [PromptRedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix) for _ in range(2)]
    conversation = f"c-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(max_workers=20) as pool:
        tickets = list(pool.map(lambda i: stores[i % 2].issue_ticket(conversation), range(100)))
    assert len(set(tickets)) == 100  # no ticket issued twice
    lock = stores[0].get_lock(conversation)
    assert len(lock.tickets) == 100  # every ticket issued is in the lock: none overwritten
    for ticket in tickets:
        stores[ticket % 2].cleanup(conversation, ticket)
    assert stores[1].get_lock(conversation) is None
    stores[0].red.delete(*stores[0].red.keys(f"{prefix}:*") or ["none"])


def test_a_burst_across_two_redis_stores_is_served_once_each():
    redis_or_skip()
    prefix = f"test{uuid.uuid4().hex[:8]}"
    stores = [PromptRedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix) for _ in range(2)]
    conversation = f"c-{uuid.uuid4().hex[:6]}"

    async def both():
        inside, most = 0, 0

        async def message(i):
            nonlocal inside, most
            async with stores[i % 2].lock(conversation):
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.005)
                inside -= 1

        await asyncio.gather(*(message(i) for i in range(40)))
        return most

    assert asyncio.run(both()) == 1  # one message of the conversation at a time
