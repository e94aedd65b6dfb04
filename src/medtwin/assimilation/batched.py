"""Members advanced side by side: many twins' rows in one batch of the compiled kernel.

An ensemble's members (and a plan's forecast of them) are twins of one patient that
differ in their parameters and variability seeds. Advancing them as separate `Twin`s
costs a kernel call and a twin's bookkeeping per member per step of the estimator;
`BatchedMembers` holds their rows in one `physiology.batch.Batch`, so that one call
advances them all, on every core (the kernel releases the GIL; rows are independent, so
the result is bit for bit that of one twin per member), and parameters are written in
place instead of through a snapshot and restore.

Orders are what a `Twin` is for: a member that is given one (a plan's, or one its
snapshot had queued) gets a `Twin` that holds its treatments and scheduler. At each step
where an order is due, the batch stops, the member's row goes to its twin, the twin
gives what is due (`Twin.advance(0)`, exactly as it would inside its own advance), and
the row comes back. The members' physiology events (rhythm changes) are not logged:
forecasts and estimates read the vitals, never the event log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from medtwin.actions import ActionBase
from medtwin.patients import Patient
from medtwin.physiology.batch import STEP_S, Batch
from medtwin.physiology.layout import M
from medtwin.twin import Snapshot, Twin


class BatchedMembers:
    """The members of `snapshots` (one patient, same time) as rows of one batch."""

    def __init__(self, snapshots: Sequence[Snapshot], threads: int | None = None) -> None:
        if not snapshots:
            raise ValueError("members: at least one snapshot is needed")
        self._snapshots = list(snapshots)
        self.batch = Batch(
            np.stack([s.params for s in snapshots]),
            np.stack([s.state for s in snapshots]),
            np.stack([s.monitors for s in snapshots]),
            STEP_S,
            threads=threads,
        )
        self._twins: list[Twin] | None = None
        if any(s.scheduled for s in snapshots):
            self._make_twins()

    @property
    def n(self) -> int:
        return self.batch.n

    @property
    def time_s(self) -> float:
        return self.batch.time_s

    @property
    def patient(self) -> Patient:
        return self._snapshots[0].patient

    @property
    def params(self) -> np.ndarray:
        """Parameter rows `(members, N_PARAM)`, to change in place."""
        return self.batch.params

    def values(self, signals: Sequence[str]) -> np.ndarray:
        """`(members, signals)` of the members' latest vitals (`Twin.vitals` names)."""
        return self.batch.monitors[:, [M[s] for s in signals]].copy()

    def schedule(self, offset_s: float, action: ActionBase, source: str = "plan") -> None:
        """Queue `action` for every member, `offset_s` from now (checked now)."""
        twins = self._make_twins()
        for twin in twins:
            twin.schedule(self.time_s + offset_s, action, source=source)

    def advance(self, seconds: float) -> None:
        """Every member `seconds` on (whole steps, as `Twin.advance`), giving each its
        orders at their steps."""
        batch = self.batch
        target = batch.steps_done + batch.steps_for(seconds)
        self._give_due()
        while batch.steps_done < target:
            due = self._next_due_step()
            stop = target if due is None else min(target, max(due, batch.steps_done + 1))
            batch.advance((stop - batch.steps_done) * batch.step_s)
            self._give_due()

    def snapshots(self) -> list[Snapshot]:
        """Each member as a `Snapshot` a `Twin` continues from (its queue and treatments
        with it; no recorded history)."""
        if self._twins is not None:
            return [self._synced(i).snapshot() for i in range(self.n)]
        return [self._row_snapshot(s, i) for i, s in enumerate(self._snapshots)]

    def restore_rows(self, snapshots: Sequence[Snapshot]) -> None:
        """Write the members' engine rows (state with its step count, parameters,
        monitors) back from `snapshots`, as `snapshots()` gave them; members with orders
        hold more in their twins and are refused."""
        if len(snapshots) != self.n:
            raise ValueError(f"members: {len(snapshots)} snapshots for {self.n} members")
        if self._twins is not None or any(s.scheduled for s in snapshots):
            raise ValueError("members: members with orders cannot be restored from their rows")
        for part in ("state", "params", "monitors"):
            getattr(self.batch, part)[:] = np.stack([getattr(s, part) for s in snapshots])

    # --- members with orders ------------------------------------------------------------
    def _row_snapshot(self, snapshot: Snapshot, i: int) -> Snapshot:
        batch = self.batch
        return dataclasses.replace(
            snapshot,
            state=batch.state[i].copy(),
            monitors=batch.monitors[i].copy(),
            params=batch.params[i].copy(),
            history_times_s=snapshot.history_times_s[:0],
            history=snapshot.history[:0],
        )

    def _make_twins(self) -> list[Twin]:
        if self._twins is None:
            self._twins = [
                Twin.from_snapshot(self._row_snapshot(s, i)) for i, s in enumerate(self._snapshots)
            ]
        return self._twins

    def _next_due_step(self) -> int | None:
        if self._twins is None:
            return None
        due = [d for twin in self._twins if (d := twin.scheduler.next_due_step()) is not None]
        return min(due, default=None)

    def _synced(self, i: int) -> Twin:
        """Member `i`'s twin with the batch's row (its treatments and queue its own)."""
        twin = self._twins[i]
        twin.restore(self._row_snapshot(twin.snapshot(), i))
        return twin

    def _give_due(self) -> None:
        """Give every member the orders due at this step, through its twin."""
        if self._twins is None:
            return
        step = self.batch.steps_done
        for i, twin in enumerate(self._twins):
            due = twin.scheduler.next_due_step()
            if due is None or due > step:
                continue
            self._synced(i).advance(0.0)
            after = twin.snapshot()
            self.batch.state[i] = after.state
            self.batch.params[i] = after.params
            self.batch.monitors[i] = after.monitors
