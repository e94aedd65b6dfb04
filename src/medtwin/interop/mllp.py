"""An asyncio MLLP server for ORU^R01 monitor messages, answering each with an ACK.

The Minimal Lower Layer Protocol (HL7 Version 3 Standard: Transport Specification -
MLLP, Release 2, 2006; the same framing as HL7 v2.x Implementation Guide appendix C)
frames every message as a start block 0x0B, the message, and an end block 0x1C 0x0D;
the receiver answers every message (here with the HL7 ACK of `hl7v2.build_ack`) and the
sender resends what is not acknowledged. Release 2 also defines the negative commit
acknowledgement 0x0B 0x15 0x1C 0x0D, sent here for a frame over `max_frame_bytes`.

`MllpFramer` cuts a byte stream into frames without doing any I/O, so that broken
input can be tested and fuzzed on its own: bytes outside a frame are discarded, a start
block inside a frame drops the unfinished frame, and an oversized frame is dropped up
to the next start block. `MllpListener` serves connections with it: a client that sends
nothing for `idle_timeout_s`, does not read its ACKs within `write_timeout_s`, or comes
beyond `max_clients` is disconnected. Nothing a client sends stops the server; every
problem is counted in `counts` and logged with its reason.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from medtwin.interop.hl7v2 import OruMessage, build_ack, measurements_from_oru, read_header
from medtwin.interop.measurement import InteropError

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\x0d"
NEGATIVE_COMMIT = b"\x0b\x15\x1c\x0d"
MAX_FRAME_BYTES = 1_048_576
"""A PCD-01 message of a monitor is a few kilobytes; a megabyte leaves room for any
real one and bounds the memory an abusive client can take."""
LOG_LENGTH = 1000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameProblem:
    """Input the framer discarded, and why."""

    reason: str
    discarded_bytes: int


class MllpFramer:
    """Cuts an MLLP byte stream into message payloads (see the module docstring)."""

    def __init__(self, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        if max_frame_bytes < 1:
            raise ValueError(f"max_frame_bytes = {max_frame_bytes!r}: must be at least 1")
        self.max_frame_bytes = max_frame_bytes
        self._frame = bytearray()
        self._in_frame = False
        self._oversized = False

    def feed(self, data: bytes) -> list[bytes | FrameProblem]:
        """The frames completed by `data` (payloads, without the blocks) and the problems
        met, in stream order."""
        events: list[bytes | FrameProblem] = []
        rest = bytes(data)
        while rest:
            if self._in_frame:
                rest = self._feed_frame(rest, events)
                continue
            start = rest.find(START_BLOCK)
            junk = len(rest) if start < 0 else start
            if junk and not self._oversized:
                events.append(FrameProblem("bytes outside a frame", junk))
            if start < 0:
                break
            rest = rest[start + 1 :]
            self._in_frame, self._oversized = True, False
        return events

    def _feed_frame(self, chunk: bytes, events: list[bytes | FrameProblem]) -> bytes:
        """Add `chunk` to the open frame; returns what follows the frame's end."""
        scan_from = max(len(self._frame) - 1, 0)  # the end block may straddle two reads
        self._frame += chunk
        end = self._frame.find(END_BLOCK, scan_from)
        restart = self._frame.find(START_BLOCK, scan_from)
        if restart >= 0 and (end < 0 or restart < end):
            if restart:  # a repeated start block alone discards nothing
                events.append(FrameProblem("a start block inside a frame", restart))
            return self._close_frame(restart)
        if end < 0:
            if len(self._frame) > self.max_frame_bytes + 1:  # + a 0x1C that may start the end
                events.append(FrameProblem("frame over the size limit", len(self._frame)))
                self._close_frame(len(self._frame))
                self._oversized = True
            return b""
        payload = bytes(self._frame[:end])
        rest = self._close_frame(end + len(END_BLOCK))
        if len(payload) > self.max_frame_bytes:
            events.append(FrameProblem("frame over the size limit", len(payload)))
        else:
            events.append(payload)
        return rest

    def _close_frame(self, upto: int) -> bytes:
        rest = bytes(self._frame[upto:])
        self._frame.clear()
        self._in_frame = False
        return rest


def frame(message: str | bytes) -> bytes:
    """One message in MLLP blocks (for senders and tests)."""
    body = message.encode("utf-8") if isinstance(message, str) else message
    return START_BLOCK + body + END_BLOCK


class MllpListener:
    """Receives ORU^R01 messages over MLLP, acknowledges each, and hands the read
    ones to `on_message` (see the module docstring)."""

    def __init__(
        self,
        on_message: Callable[[OruMessage], None],
        *,
        max_frame_bytes: int = MAX_FRAME_BYTES,
        max_clients: int = 16,
        idle_timeout_s: float = 300.0,
        write_timeout_s: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.on_message = on_message
        self.max_frame_bytes = max_frame_bytes
        self.max_clients = max_clients
        self.idle_timeout_s = idle_timeout_s
        self.write_timeout_s = write_timeout_s
        self.clock = clock
        self.counts: Counter[str] = Counter()
        self.ignored: Counter[str] = Counter()
        self.log: deque[str] = deque(maxlen=LOG_LENGTH)
        self._ack_ids = itertools.count(1)
        self._clients = 0
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Listen on `host:port` (port 0: any free one); returns the bound address."""
        self._server = await asyncio.start_server(self._serve, host, port)
        bound = self._server.sockets[0].getsockname()
        return bound[0], bound[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _note(self, kind: str, detail: str) -> None:
        self.counts[kind] += 1
        self.log.append(f"{kind}: {detail}")
        logger.info("MLLP %s: %s", kind, detail)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = str(writer.get_extra_info("peername"))
        if self._clients >= self.max_clients:
            self._note("client refused", f"{peer}: already {self._clients} clients")
            writer.close()
            return
        self._clients += 1
        framer = MllpFramer(self.max_frame_bytes)
        try:
            while True:
                data = await asyncio.wait_for(reader.read(65536), self.idle_timeout_s)
                if not data:
                    break
                for event in framer.feed(data):
                    reply = self._reply(event, peer)
                    if reply:
                        writer.write(reply)
                        await asyncio.wait_for(writer.drain(), self.write_timeout_s)
        except TimeoutError:
            self._note("client dropped", f"{peer}: idle or not reading its ACKs")
        except (ConnectionError, OSError) as error:
            self._note("client dropped", f"{peer}: {error}")
        finally:
            self._clients -= 1
            writer.close()

    def _reply(self, event: bytes | FrameProblem, peer: str) -> bytes:
        if isinstance(event, FrameProblem):
            self._note(event.reason, f"{peer}: {event.discarded_bytes} bytes discarded")
            return NEGATIVE_COMMIT if event.reason == "frame over the size limit" else b""
        return frame(self.acknowledge(event, peer))

    def acknowledge(self, payload: bytes, peer: str = "") -> str:
        """Read one message and hand it on; the ACK text (AA, or AE naming the problem)."""
        header = None
        error = None
        try:
            text = payload.decode("utf-8")
            header = read_header(text)
            message = measurements_from_oru(text, source="HL7")
        except UnicodeDecodeError as problem:
            error = f"message is not UTF-8 (byte {problem.start})"
        except InteropError as problem:
            error = str(problem)
        if error is None:
            try:
                self.on_message(message)
            except Exception as problem:  # the receiver's fault must not stop the server
                logger.exception("MLLP receiver failed")
                error = f"application error: {problem}"
        if error is None:
            self.counts["accepted"] += 1
            self.ignored.update(message.ignored)
        else:
            self._note("refused", f"{peer}: {error}")
        return build_ack(header, error, f"MEDTWIN{next(self._ack_ids)}", self.clock())
