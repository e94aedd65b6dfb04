"""MLLP: framing of good and broken streams, and the listener over a real socket."""

import asyncio
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin.interop.mllp import (
    END_BLOCK,
    NEGATIVE_COMMIT,
    START_BLOCK,
    FrameProblem,
    MllpFramer,
    MllpListener,
    frame,
)

from .conftest import DATA

PCD01 = (DATA / "nist_pcd01_oru_r01.hl7").read_text().replace("\n", "\r")


def _feed_in_pieces(framer: MllpFramer, stream: bytes, cuts: list[int]) -> list:
    events = []
    edges = [0, *sorted({c % (len(stream) + 1) for c in cuts}), len(stream)]
    for start, end in itertools.pairwise(edges):
        events += framer.feed(stream[start:end])
    return events


def test_frames_junk_broken_and_oversized_input():
    framer = MllpFramer(max_frame_bytes=10)
    stream = b"noise" + frame("one") + START_BLOCK + b"cut" + frame("two") + frame("x" * 11)
    events = framer.feed(stream) + framer.feed(frame("three"))
    assert events == [
        FrameProblem("bytes outside a frame", 5),
        b"one",
        FrameProblem("a start block inside a frame", 3),
        b"two",
        FrameProblem("frame over the size limit", 11),
        b"three",
    ]


def test_an_oversized_frame_is_dropped_without_holding_it_all():
    framer = MllpFramer(max_frame_bytes=10)
    events = []
    for byte in frame("y" * 50) + frame("ok"):  # one byte a read: a slow client
        events += framer.feed(bytes([byte]))
    assert events == [FrameProblem("frame over the size limit", 12), b"ok"]
    assert len(framer._frame) == 0


_PAYLOAD = st.binary(max_size=60).map(lambda b: b.replace(b"\x0b", b"").replace(b"\x1c", b""))


def _frames_survive_any_cutting(payloads, junk, cuts) -> None:
    junk = junk + [b""] * len(payloads)
    stream = b"".join(j + frame(p) for p, j in zip(payloads, junk, strict=False))
    events = _feed_in_pieces(MllpFramer(), stream, cuts)
    assert [e for e in events if isinstance(e, bytes)] == payloads


def _never_fails_on_any_bytes(chunks, limit) -> None:
    framer = MllpFramer(max_frame_bytes=limit)
    for chunk in chunks:
        for event in framer.feed(chunk):
            if isinstance(event, bytes):
                assert len(event) <= limit and START_BLOCK not in event
            else:
                assert event.discarded_bytes > 0


_JUNK = st.lists(_PAYLOAD, max_size=8)
_CHUNKS = st.lists(st.binary(max_size=40), max_size=12)


@settings(max_examples=150)
@given(st.lists(_PAYLOAD, max_size=8), _JUNK, st.lists(st.integers(0, 10_000), max_size=10))
def test_fuzz_frames_come_out_whole_however_the_stream_is_cut(payloads, junk, cuts):
    _frames_survive_any_cutting(payloads, junk, cuts)


@settings(max_examples=150)
@given(_CHUNKS, st.integers(1, 64))
def test_fuzz_any_bytes_give_frames_or_problems(chunks, limit):
    _never_fails_on_any_bytes(chunks, limit)


@pytest.mark.fuzz
@settings(max_examples=10_000)
@given(st.lists(_PAYLOAD, max_size=8), _JUNK, st.lists(st.integers(0, 10_000), max_size=10))
def test_fuzz_many_cut_streams(payloads, junk, cuts):
    _frames_survive_any_cutting(payloads, junk, cuts)


@pytest.mark.fuzz
@settings(max_examples=10_000)
@given(_CHUNKS, st.integers(1, 64))
def test_fuzz_many_byte_streams(chunks, limit):
    _never_fails_on_any_bytes(chunks, limit)


async def _exchange(port: int, data: bytes, replies: int) -> list[bytes]:
    """Send `data` on a new connection and read `replies` MLLP frames back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answers = []
    for _ in range(replies):
        block = await reader.readuntil(END_BLOCK)
        answers.append(block)
    writer.close()
    return answers


def _msa(block: bytes) -> list[str]:
    segments = block.decode().strip("\x0b\x1c\r").split("\r")
    return next(s for s in segments if s.startswith("MSA")).split("|")


def test_the_listener_acknowledges_over_a_real_socket_and_survives_bad_input():
    received = []

    async def run():
        listener = MllpListener(received.append, max_frame_bytes=4096)
        _, port = await listener.start("127.0.0.1", 0)
        bad_value = PCD01.replace("|108|", "|1o8|")
        answers = await _exchange(
            port,
            b"junk"
            + frame(PCD01)
            + frame(bad_value)
            + frame(b"MSH|^~\\&|\xff\xfe")
            + frame("x" * 5000)
            + frame(PCD01.replace("|375|P|", "|376|P|")),
            replies=5,
        )
        # a broken connection (a frame never finished) does not stop the next client
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(START_BLOCK + b"MSH|half a message")
        await writer.drain()
        writer.close()
        again = await _exchange(port, frame(PCD01), replies=1)
        await listener.close()
        return listener, answers + again

    listener, answers = asyncio.run(run())
    assert _msa(answers[0])[:3] == ["MSA", "AA", "375"]
    assert _msa(answers[1])[:2] == ["MSA", "AE"] and "OBX-5: value '1o8'" in _msa(answers[1])[3]
    assert "not UTF-8" in _msa(answers[2])[3]
    assert answers[3] == NEGATIVE_COMMIT  # over the 4096-byte limit
    assert _msa(answers[4])[:3] == ["MSA", "AA", "376"]
    assert _msa(answers[5])[:3] == ["MSA", "AA", "375"]
    assert [m.measurements[0].value for m in received] == [108.0, 108.0, 108.0]
    assert listener.counts["accepted"] == 3 and listener.counts["refused"] == 2
    assert listener.counts["bytes outside a frame"] == 1
    assert listener.counts["frame over the size limit"] == 1
    assert listener.ignored["149522 MDC_BLD_PULS_RATE_INV"] == 3


def test_idle_and_surplus_clients_are_disconnected():
    async def run():
        listener = MllpListener(lambda message: None, max_clients=1, idle_timeout_s=0.05)
        _, port = await listener.start("127.0.0.1", 0)
        first_reader, first_writer = await asyncio.open_connection("127.0.0.1", port)
        first_writer.write(START_BLOCK + b"MSH|")  # then silence
        await first_writer.drain()
        second_reader, _ = await asyncio.open_connection("127.0.0.1", port)
        refused = await second_reader.read()  # closed at once: one client at a time
        dropped = await first_reader.read()  # closed when the idle timeout ran out
        await listener.close()
        return listener, refused, dropped

    listener, refused, dropped = asyncio.run(run())
    assert refused == b"" and dropped == b""
    assert listener.counts["client refused"] == 1
    assert listener.counts["client dropped"] == 1


def test_a_failing_receiver_gets_an_error_ack_and_the_server_goes_on():
    def receiver(message):
        raise RuntimeError("store is full")

    listener = MllpListener(receiver)
    answer = listener.acknowledge(PCD01.encode())
    assert "MSA|AE|375|application error: store is full" in answer
    assert listener.counts["refused"] == 1
