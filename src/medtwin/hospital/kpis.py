"""KPIs of one replication, from its record, over the results window [warm-up, end].

Definitions (the bundled model's columns follow treat-sim's `SimulationSummary`):
- `arrivals`: patients who arrived in the window; `throughput`: patients who left in it.
- `mean_wait`: mean queueing time of the patients who began the activity in the window.
- `mean_queue_length`: time-average number waiting for the activity in the window.
- `utilisation`: busy server time / server time on duty in the window, where a server
  finishing a patient after its shift ended counts as on duty; at most 1.
- `started_work_fraction`: the service time begun in the window, counted in full, over
  the scheduled server time (treat-sim's "util"); it passes 1 when more work was begun
  than the servers could finish before the end.
- `mean_time_in_system`: mean time from arrival to leaving, of the patients who left.
An empty mean (nobody began the activity) is NaN, not 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from medtwin.hospital.model import HospitalModel, Kpi
from medtwin.hospital.resources import count_schedule
from medtwin.hospital.simulation import ReplicationRecord

MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class HourlySeries:
    """Per hour of the run (row i covers minutes 60 i to 60 (i + 1)), by name."""

    arrivals: np.ndarray
    mean_wait_min: dict[str, np.ndarray]
    queue_length: dict[str, np.ndarray]
    utilisation: dict[str, np.ndarray]


@dataclass(frozen=True)
class ReplicationSummary:
    """The KPIs and hourly series of one replication: small enough to send between workers."""

    replication: int
    kpis: dict[str, float]
    hourly: HourlySeries


def summarise(model: HospitalModel, record: ReplicationRecord) -> ReplicationSummary:
    """KPIs (the model's `kpis`, in order) and hourly series of one replication."""
    window = _Window(model, record)
    kpis = {name: window.kpi(kpi) for name, kpi in model.kpis.items()}
    return ReplicationSummary(record.replication, kpis, window.hourly())


class _Window:
    """The record seen through the results window; one method per kind of figure."""

    def __init__(self, model: HospitalModel, record: ReplicationRecord) -> None:
        self.model = model
        self.record = record
        self.begin_min = model.run.warm_up_min
        self.end_min = model.run.length_min
        self.activities = list(model.activities)
        self.classes = list(model.classes)
        end = record.service_start_min + record.service_duration_min
        self.service_end_min = np.where(np.isfinite(end), end, self.end_min)

    def kpi(self, kpi: Kpi) -> float:
        if kpi.measure == "arrivals":
            return float(np.count_nonzero(self._of_class(self._in_window(self.record.arrival_min),
                                                          kpi.class_name)))  # fmt: skip
        if kpi.measure == "throughput":
            return float(np.count_nonzero(self._left(kpi.class_name)))
        if kpi.measure == "mean_time_in_system":
            left = self._left(kpi.class_name)
            return _mean(self.record.exit_min[left] - self.record.arrival_min[left])
        if kpi.measure == "mean_wait":
            began = self._began(self._services_of(kpi.activity))
            return _mean(
                self.record.service_start_min[began] - self.record.service_queued_min[began]
            )
        if kpi.measure == "mean_queue_length":
            rows = self._services_of(kpi.activity)
            waiting = self._overlap_min(self.record.service_queued_min[rows],
                                        self.record.service_start_min[rows])  # fmt: skip
            return waiting / (self.end_min - self.begin_min)
        if kpi.measure == "utilisation":
            busy, on_duty, _ = self._busy_and_duty(kpi.resource)
            return 0.0 if math.isinf(on_duty.sum()) else float(busy.sum() / on_duty.sum())
        return self._started_work_fraction(kpi.resource)

    def hourly(self) -> HourlySeries:
        n_hours = max(1, math.ceil(self.end_min / MINUTES_PER_HOUR))
        edges = np.arange(n_hours + 1) * MINUTES_PER_HOUR
        arrivals = np.histogram(self.record.arrival_min, bins=edges)[0].astype(float)
        waits, queues = {}, {}
        for activity in self.activities:
            rows = self._services_of(activity)
            queued = self.record.service_queued_min[rows]
            started = self.record.service_start_min[rows]
            began = np.isfinite(started)
            hour = np.minimum((queued[began] // MINUTES_PER_HOUR).astype(int), n_hours - 1)
            total = np.bincount(hour, weights=started[began] - queued[began], minlength=n_hours)
            count = np.bincount(hour, minlength=n_hours)
            waits[activity] = np.divide(total, count, out=np.full(n_hours, np.nan),
                                        where=count > 0)  # fmt: skip
            queues[activity] = _overlap_by_bin(queued, np.minimum(started, self.end_min),
                                               edges) / np.diff(edges)  # fmt: skip
        utilisation = {}
        for resource in self.model.resources:
            busy, on_duty, segment_start = self._busy_and_duty(resource, whole_run=True)
            hour = np.minimum((segment_start // MINUTES_PER_HOUR).astype(int), n_hours - 1)
            busy_by_hour = np.bincount(hour, weights=busy, minlength=n_hours)
            duty_by_hour = np.bincount(hour, weights=on_duty, minlength=n_hours)
            utilisation[resource] = np.divide(
                busy_by_hour, duty_by_hour, out=np.zeros(n_hours),
                where=np.isfinite(duty_by_hour) & (duty_by_hour > 0),
            )  # fmt: skip
        return HourlySeries(arrivals, waits, queues, utilisation)

    def _in_window(self, times: np.ndarray) -> np.ndarray:
        return (times >= self.begin_min) & (times < self.end_min)

    def _of_class(self, mask: np.ndarray, class_name: str | None) -> np.ndarray:
        if class_name is None:
            return mask
        return mask & (self.record.patient_class == self.classes.index(class_name))

    def _left(self, class_name: str | None) -> np.ndarray:
        return self._of_class(self._in_window(self.record.exit_min), class_name)

    def _services_of(self, activity: str) -> np.ndarray:
        return self.record.service_activity == self.activities.index(activity)

    def _services_on(self, resource: str) -> np.ndarray:
        uses = [i for i, a in enumerate(self.model.activities.values()) if a.resource == resource]
        return np.isin(self.record.service_activity, uses)

    def _began(self, rows: np.ndarray) -> np.ndarray:
        return rows & self._in_window(self.record.service_start_min)

    def _overlap_min(self, start: np.ndarray, end: np.ndarray) -> float:
        """Total minutes of the intervals [start, end) inside the window."""
        low = np.maximum(start, self.begin_min)
        high = np.minimum(end, self.end_min)
        return float(np.clip(high - low, 0.0, None).sum())

    def _count_steps(self, resource: str) -> tuple[np.ndarray, np.ndarray]:
        times, counts = count_schedule(
            self.model.resources[resource].capacity, self.model.shifts.get(resource, {}),
            self.model.arrivals.start_hour, self.end_min,
        )  # fmt: skip
        return np.asarray(times), np.asarray(counts)

    def _busy_and_duty(
        self, resource: str, whole_run: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Busy and on-duty server minutes of each piece of the window (or of the run) on
        which the busy count and the scheduled count are constant, and each piece's start.

        Pieces also break at whole hours, so they can be summed by hour.
        """
        begin = 0.0 if whole_run else self.begin_min
        rows = self._services_on(resource)
        starts = np.sort(self.record.service_start_min[rows][np.isfinite(
            self.record.service_start_min[rows])])  # fmt: skip
        ends = np.sort(self.service_end_min[rows][np.isfinite(self.record.service_start_min[rows])])
        count_times, counts = self._count_steps(resource)
        hours = np.arange(0.0, self.end_min, MINUTES_PER_HOUR)
        cuts = np.concatenate((starts, ends, count_times, hours, [begin, self.end_min]))
        cuts = np.unique(np.clip(cuts, begin, self.end_min))
        piece_start, piece_min = cuts[:-1], np.diff(cuts)
        busy = np.searchsorted(starts, piece_start, side="right") - np.searchsorted(
            ends, piece_start, side="right"
        )
        scheduled = counts[np.searchsorted(count_times, piece_start, side="right") - 1]
        with np.errstate(invalid="ignore"):  # inf servers for 0 minutes
            on_duty = np.where(piece_min > 0, np.maximum(busy, scheduled) * piece_min, 0.0)
        return busy * piece_min, on_duty, piece_start

    def _started_work_fraction(self, resource: str) -> float:
        count_times, counts = self._count_steps(resource)
        edges = np.concatenate((count_times, [self.end_min]))
        spans = np.clip(np.minimum(edges[1:], self.end_min) - np.maximum(edges[:-1],
                        self.begin_min), 0.0, None)  # fmt: skip
        with np.errstate(invalid="ignore"):
            scheduled_min = float(np.sum(np.where(spans > 0, counts * spans, 0.0)))
        if math.isinf(scheduled_min) or scheduled_min == 0:
            return 0.0
        began = self._began(self._services_on(resource))
        return float(self.record.service_duration_min[began].sum() / scheduled_min)


def _overlap_by_bin(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Minutes of the intervals [start, end) falling in each bin between `edges`.

    The number of open intervals is a step function; its integral is read at the edges,
    so the cost grows with intervals plus bins, not their product.
    """
    times = np.concatenate((start, end))
    order = np.argsort(times, kind="stable")
    times = times[order]
    level = np.cumsum(np.concatenate((np.ones(start.size), -np.ones(end.size)))[order])
    area_at = np.concatenate(([0.0], np.cumsum(level[:-1] * np.diff(times))))
    k = np.searchsorted(times, edges, side="right") - 1
    inside = k >= 0
    area = np.zeros(edges.size)
    area[inside] = area_at[k[inside]] + level[k[inside]] * (edges[inside] - times[k[inside]])
    return np.diff(area)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan
