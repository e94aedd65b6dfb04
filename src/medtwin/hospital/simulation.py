"""One replication of a hospital model: patients flow through SimPy generator processes.

Each patient is a generator: join the queue of an activity's resource, wait, hold it
for a drawn duration, release it, take the route to the next activity, until exit. The
replication keeps a plain record of what happened (arrivals, every queue entry and
service, exits); `medtwin.hospital.kpis` turns the record into KPIs.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

import numpy as np
import simpy

from medtwin.hospital.arrivals import arrival_times_min
from medtwin.hospital.model import EXIT, HospitalModel
from medtwin.hospital.resources import ShiftResource, count_schedule
from medtwin.hospital.streams import DrawBuffer, stream

NOT_YET = math.inf
"""Start time of a service that had not begun when the run ended."""


@dataclass(frozen=True)
class ReplicationRecord:
    """What happened in one replication, as arrays (minutes from the start of the run).

    Patients are numbered in arrival order; classes, activities and resources by their
    order in the model. `service_*` has a row per queue entry: `service_start_min` is
    `inf` and `service_duration_min` NaN for a patient still waiting at the end.
    """

    replication: int
    arrival_min: np.ndarray
    patient_class: np.ndarray
    exit_min: np.ndarray
    service_patient: np.ndarray
    service_activity: np.ndarray
    service_queued_min: np.ndarray
    service_start_min: np.ndarray
    service_duration_min: np.ndarray


class _Replication:
    """The SimPy environment, resources, streams and record of one replication."""

    def __init__(self, model: HospitalModel, replication: int, seed: int) -> None:
        self.env = simpy.Environment()
        self.length_min = model.run.length_min
        activity_names = list(model.activities)
        resource_names = list(model.resources)
        self.resources = [
            ShiftResource(self.env, model.resources[name].capacity) for name in resource_names
        ]
        self.activity_resource = [
            self.resources[resource_names.index(a.resource)] for a in model.activities.values()
        ]
        self.durations = [
            DrawBuffer(stream(seed, replication, f"activity:{name}"), activity.duration.sample)
            for name, activity in model.activities.items()
        ]
        self.routes = [
            _class_routes(model, name, activity_names, seed, replication) for name in model.classes
        ]
        self.starts = [activity_names.index(c.start) for c in model.classes.values()]
        self.arrival_min = arrival_times_min(
            model.hourly_arrival_rates, self.length_min, stream(seed, replication, "arrivals")
        )
        shares = np.cumsum([c.probability for c in model.classes.values()])
        draws = stream(seed, replication, "class").random(len(self.arrival_min))
        self.patient_class = np.minimum(
            np.searchsorted(shares, draws * shares[-1], side="right"), len(shares) - 1
        )
        self.exit_min = np.full(len(self.arrival_min), np.nan)
        self.service_patient: list[int] = []
        self.service_activity: list[int] = []
        self.service_queued_min: list[float] = []
        self.service_start_min: list[float] = []
        self.service_duration_min: list[float] = []
        for name, resource in zip(resource_names, self.resources, strict=True):
            if name in model.shifts:
                times, counts = count_schedule(
                    model.resources[name].capacity, model.shifts[name],
                    model.arrivals.start_hour, self.length_min,
                )  # fmt: skip
                self.env.process(self._shift(resource, times, counts))

    def run(self, replication: int) -> ReplicationRecord:
        self.env.process(self._arrivals())
        self.env.run(until=self.length_min)
        return ReplicationRecord(
            replication=replication,
            arrival_min=self.arrival_min,
            patient_class=self.patient_class,
            exit_min=self.exit_min,
            service_patient=np.array(self.service_patient, dtype=np.int64),
            service_activity=np.array(self.service_activity, dtype=np.int64),
            service_queued_min=np.array(self.service_queued_min),
            service_start_min=np.array(self.service_start_min),
            service_duration_min=np.array(self.service_duration_min),
        )

    def _arrivals(self):
        env = self.env
        for patient, (at_min, class_index) in enumerate(
            zip(self.arrival_min.tolist(), self.patient_class.tolist(), strict=True)
        ):
            yield env.timeout(at_min - env.now)
            env.process(self._pathway(patient, class_index))

    def _pathway(self, patient: int, class_index: int):
        """One patient's way through the activities of their class, as a SimPy process."""
        env = self.env
        routes = self.routes[class_index]
        activity = self.starts[class_index]
        while activity != -1:
            resource = self.activity_resource[activity]
            row = len(self.service_start_min)
            self.service_patient.append(patient)
            self.service_activity.append(activity)
            self.service_queued_min.append(env.now)
            self.service_start_min.append(NOT_YET)
            self.service_duration_min.append(math.nan)
            granted = resource.acquire()
            if granted is not None:
                yield granted
            duration_min = self.durations[activity].next()
            self.service_start_min[row] = env.now
            self.service_duration_min[row] = duration_min
            yield env.timeout(duration_min)
            resource.release()
            activity = routes[activity].next_activity()
        self.exit_min[patient] = env.now

    def _shift(self, resource: ShiftResource, times: list[float], counts: list[float]):
        env = self.env
        for at_min, count in zip(times, counts, strict=True):
            yield env.timeout(at_min - env.now)
            resource.set_count(count)


class _Route:
    """Where a patient goes after an activity: a fixed next step or a drawn branch."""

    __slots__ = ("_branch", "_cumulative", "_targets")

    def __init__(self, targets: list[int], probabilities: list[float], branch) -> None:
        self._targets = targets
        self._cumulative = list(itertools.accumulate(probabilities))
        self._branch = branch if len(targets) > 1 else None

    def next_activity(self) -> int:
        if self._branch is None:
            return self._targets[0]
        draw = self._branch.next() * self._cumulative[-1]
        index = bisect.bisect_right(self._cumulative, draw)
        return self._targets[min(index, len(self._targets) - 1)]


def _class_routes(
    model: HospitalModel, class_name: str, activity_names: list[str], seed: int, replication: int
) -> dict[int, _Route]:
    routes = {}
    for activity, route in model.classes[class_name].routing.items():
        targets = {route: 1.0} if isinstance(route, str) else route
        indices = [-1 if t == EXIT else activity_names.index(t) for t in targets]
        rng = stream(seed, replication, f"route:{class_name}:{activity}")
        routes[activity_names.index(activity)] = _Route(
            indices, list(targets.values()), DrawBuffer(rng, _uniform)
        )
    return routes


def _uniform(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.random(size)


def simulate(model: HospitalModel, replication: int, seed: int = 0) -> ReplicationRecord:
    """Run replication number `replication` of `model` with random streams from `seed`."""
    return _Replication(model, replication, seed).run(replication)
