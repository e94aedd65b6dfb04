"""The WebSocket protocol `medtwin serve` runs: uvicorn's own, except that a stream the
server has closed is read for at most `AFTER_CLOSE_BYTES` more; then the connection is
dropped.

Closing a WebSocket is a handshake: the server sends its close frame and reads on until
the client's reply, which TCP delivers only after everything the client sent before it
(RFC 6455 §5.5.1). A client that floods its stream has megabytes of frames in the
socket buffers by the time it is closed (1008, `views.stream`), and uvicorn parses every
one of them: in a minute of `benchmarks/service_load.py`, 1.4 million flood frames,
about 1.7 MB a connection, read after their streams were closed, a third of the server's
busy time (cProfile). A client that behaves replies to the close at once; one that goes
on sending is cut off instead of read to the end.
"""

from __future__ import annotations

import logging

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

log = logging.getLogger("medtwin.service")

AFTER_CLOSE_BYTES = 64 * 1024
"""What a closed stream may still send while its close reply is on the way: a few
messages in flight (each at most 16 kB, `commands.WS_MAX_FRAME_BYTES`) and the reply."""


class StreamProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with a cap on reading after closing."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.read_after_close = 0

    def data_received(self, data: bytes) -> None:
        if self.close_sent:  # uvicorn's flag: our close frame is out, the reply awaited
            self.read_after_close += len(data)
            if self.read_after_close > AFTER_CLOSE_BYTES:
                log.warning(
                    "stream from %s: %d bytes sent after it was closed; connection dropped",
                    self.client[0] if self.client else "unknown",
                    self.read_after_close,
                )
                self.transport.abort()
                return
        super().data_received(data)
