"""Many cardiopulmonary twins in one compiled batch, each with its own orders.

A trial's patients do not interact, so they need not be advanced one `Twin` at a time:
`CohortBatch` holds every patient of a job (every arm's copy of each) as one row of a
single `physiology.batch.Batch`, which the kernel advances together, on all its
threads. Each row keeps what a `Twin` keeps for its patient and an order needs - the
patient, its `Treatments` book and its queue of follow-ups (the end of a bag of fluid) -
and an order is applied to a row through the same `ActionContext` and `Scheduler` a
twin uses, so a row runs bit for bit as a `Twin` of the same patient and seed given
the same orders at the same times (tests/trials/test_trials_cohort.py).

What a `Twin` adds for a person at a bedside - the event log, rhythm findings,
waveforms, snapshots - is left out: a trial reads only the 1 Hz vitals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from medtwin.actions import ActionBase, ActionContext, Treatments
from medtwin.patients import Patient
from medtwin.physiology.batch import STEP_S, Batch
from medtwin.physiology.heart import Heart
from medtwin.physiology.inputs import EngineInputs
from medtwin.physiology.layout import DRUG_SLOTS, DRUG_STATES, RHYTHM_NAMES, S, span
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states
from medtwin.scheduler import Scheduler


@dataclass(frozen=True)
class RestingCohort:
    """Settled parameters, state and monitors (one row a patient), as a `Twin` starts."""

    patients: tuple[Patient, ...]
    params: np.ndarray
    state: np.ndarray
    monitors: np.ndarray

    @classmethod
    def settle(cls, patients: Sequence[Patient], seeds: Sequence[int]) -> RestingCohort:
        """The patients at rest, each with its seed: settled together in one batch (or
        read from the steady-state cache), in sinus rhythm."""
        rows = np.array([parameters_for(p, s) for p, s in zip(patients, seeds, strict=True)])
        params, state, monitors = resting_states(rows, STEP_S)
        state[:, S.RHYTHM] = RHYTHM_NAMES.index("sinus")
        return cls(tuple(patients), params, state, monitors)


class CohortBatch:
    """Rows of patients advanced together, each taking its own orders."""

    def __init__(self, start: RestingCohort, threads: int | None = None) -> None:
        self.patients = start.patients
        self.batch = Batch(start.params, start.state, start.monitors, STEP_S, threads=threads)
        self.treatments = [Treatments(patient) for patient in self.patients]
        self.queues = [Scheduler() for _ in self.patients]

    def __len__(self) -> int:
        return len(self.patients)

    @property
    def time_s(self) -> float:
        return self.batch.time_s

    def context(self, row: int) -> ActionContext:
        """What an order applied to `row` now may touch: that row of the batch."""
        state = self.batch.state[row]
        return ActionContext(
            patient=self.patients[row],
            now_s=self.time_s,
            inputs=EngineInputs(self.batch.params[row]),
            drug_amounts=state[span(S, "DRUG_X")].reshape(DRUG_SLOTS, DRUG_STATES),
            treatments=self.treatments[row],
            heart=Heart(state),
        )

    def apply(self, row: int, action: ActionBase) -> None:
        """Give `action` to `row` now (as `Twin.apply`: a new order on a line cancels
        what was queued there, and its follow-ups are queued). A refused order raises
        `ActionError` and changes nothing."""
        follow_ups = action.apply(self.context(row))
        queue = self.queues[row]
        queue.cancel_follow_ups(action.lines())
        for follow_up in follow_ups:
            queue.add(round((self.time_s + follow_up.after_s) / STEP_S), follow_up.action,
                      cause=0)  # fmt: skip

    def advance(self, seconds: float) -> np.ndarray:
        """Advance every row by `seconds`, stopping at each follow-up due; the 1 Hz
        monitors recorded on the way, (rows, seconds, signals)."""
        target = self.batch.steps_done + self.batch.steps_for(seconds)
        histories = []
        self._give_due()
        while self.batch.steps_done < target:
            due = [q.next_due_step() for q in self.queues if len(q)]
            stop = min([target, *(max(step, self.batch.steps_done + 1) for step in due)])
            histories.append(self.batch.advance((stop - self.batch.steps_done) * STEP_S).history)
            self._give_due()
        if not histories:
            return np.empty((len(self), 0, self.batch.monitors.shape[1]))
        return np.concatenate(histories, axis=1)

    def _give_due(self) -> None:
        for row, queue in enumerate(self.queues):
            while entry := queue.pop_due(self.batch.steps_done):
                self.apply(row, entry.action)

    def take(self, rows: Sequence[int], threads: int | None = None) -> CohortBatch:
        """A new batch of copies of `rows`, in that order (repeats allowed: one copy per
        arm), each with its own copy of the row's treatments and queue, at this time."""
        index = np.asarray(rows, dtype=np.intp)
        start = RestingCohort(tuple(self.patients[i] for i in index), self.batch.params[index],
                              self.batch.state[index], self.batch.monitors[index])  # fmt: skip
        copy = CohortBatch(start, threads=threads)
        copy.treatments = [self.treatments[i].copy() for i in index]
        copy.queues = [Scheduler(self.queues[i].entries(), self.queues[i].next_sequence)
                       for i in index]  # fmt: skip
        return copy

    def give_all(self, row: int, orders: Sequence[ActionBase]) -> str:
        """Give `orders` to `row` in turn now; if one is refused, stop there and say why
        (the orders before it stay given), else "" ."""
        for order in orders:
            try:
                self.apply(row, order)
            except ValueError as refused:
                return f"{order.order()}: {str(refused).splitlines()[0]}"
        return ""

    def refusal(self, row: int, orders: Sequence[ActionBase]) -> str:
        """Why `row`'s patient cannot take `orders` given in turn now ("" if it can),
        tried on a copy: the batch is not changed."""
        return self.take([row]).give_all(0, orders)
