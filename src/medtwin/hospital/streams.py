"""Random streams: one independent, named stream per activity, branch and replication.

A stream's seed is derived from (seed, replication, stream name) alone, through numpy's
`SeedSequence` spawn keys, so the examination times of replication 7 are the same draws
in every scenario that has an examination (common random numbers), and do not shift when
an activity is added elsewhere in the model.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

DRAWS_PER_BLOCK = 64


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of stream `name` in `replication` of a run seeded with `seed`."""
    name_key = zlib.crc32(name.encode("utf-8"))
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, name_key))
    return np.random.Generator(np.random.PCG64(sequence))


class DrawBuffer:
    """Hands out draws one at a time from blocks drawn by `draw(rng, size)`."""

    __slots__ = ("_draw", "_next", "_rng", "_values")

    def __init__(
        self, rng: np.random.Generator, draw: Callable[[np.random.Generator, int], np.ndarray]
    ) -> None:
        self._rng = rng
        self._draw = draw
        self._values: list[float] = []
        self._next = 0

    def next(self) -> float:
        """The next draw of the stream."""
        if self._next == len(self._values):
            self._values = self._draw(self._rng, DRAWS_PER_BLOCK).tolist()
            self._next = 0
        value = self._values[self._next]
        self._next += 1
        return value
