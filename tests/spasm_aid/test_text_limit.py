"""Cutting long messages to what the classifier reads, keeping the parts with a red flag; a cut
made in a channel's long-text lane is found again by the pipeline without reading again."""
import asyncio

from spasm_aid.text_limit import MAX_CHARS, limit_text, limit_text_once

RAMBLE = "my back went when I was lifting the shopping and it hurts a lot today "


def test_a_red_flag_deep_in_a_long_message_is_kept(guard):
    text = RAMBLE * 60 + "and now I can't feel my legs. " + RAMBLE * 60
    cut = limit_text(text, guard)
    assert len(cut) <= MAX_CHARS and "can't feel my legs" in cut
    assert limit_text("short", guard) == "short"


class CountingGuard:
    def __init__(self, guard):
        self.guard, self.calls, self.threads = guard, 0, set()

    def detect(self, text):
        import threading

        self.calls += 1
        self.threads.add(threading.get_ident())
        return self.guard.detect(text)


def test_a_cut_is_made_once_and_found_again(guard):
    counting = CountingGuard(guard)
    text = RAMBLE * 50 + "I wet myself. " + "x" * 7
    first = limit_text_once(text, counting)
    calls = counting.calls
    assert calls > 1 and limit_text_once(text, counting) == first and counting.calls == calls


def test_a_channel_cuts_a_long_message_off_the_event_loop_and_the_pipeline_finds_it(guard, monkeypatch):
    from spasm_aid.channels import edge

    counting = CountingGuard(guard)
    monkeypatch.setattr(edge.REFUSALS, "_load", lambda: (counting, None, None))
    text = RAMBLE * 40 + "my bum is numb " + RAMBLE * 3
    loop_thread = []

    async def cut():
        import threading

        loop_thread.append(threading.get_ident())
        await edge.readable_text(text)

    asyncio.run(cut())
    assert counting.calls > 1 and loop_thread[0] not in counting.threads  # read beside the loop, not on it
    calls = counting.calls
    # the pipeline's limiter, on the same (already folded) text: no further reading
    assert "numb" in limit_text_once(text, counting) and counting.calls == calls
