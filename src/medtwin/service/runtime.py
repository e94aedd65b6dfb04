"""Live sessions: a twin, its wall clock, its subscribers, and its writes to the store.

Each `LiveSession` runs one asyncio task that ticks every `tick_s` of wall time: it
advances the twin by the wall time elapsed × speed, sends the main numerics at every
whole simulated second, a binary frame of the new waveform samples, and every new event.
Durability is by simulated time, whatever the speed: orders are written before they are
acknowledged or sent (write-ahead), and the twin never runs more than `checkpoint_sim_s`
of simulated time past its last written checkpoint (the clock, and the 1 Hz vitals up to
it); every `snapshot_sim_s` the checkpoint carries a snapshot of the twin. So no client
ever sees more than `checkpoint_sim_s` beyond what a restart recovers. A failing tick
marks only its own session `errored`. `SessionManager` owns the live sessions and, on
start-up, replays every running or paused one from its latest snapshot (`recover`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import sessionmaker

from medtwin.actions import Action, Event, parse_order
from medtwin.monitor_layout import DEFAULT_LAYOUT, MonitorLayout
from medtwin.patients import patient_from_dict
from medtwin.physiology.batch import STEP_S
from medtwin.service import store
from medtwin.service.case_room import RoomCase, handover, instructor_events, library_case
from medtwin.service.clock import Clock, WallClock
from medtwin.service.codec import (
    FRAME_CHANNELS,
    MAIN_NUMERICS,
    WAVEFORM_RATE_HZ,
    main_numerics,
    waveform_frame,
)
from medtwin.service.cuff import cuff_message
from medtwin.service.db import SessionRow
from medtwin.service.electrocardiograph import due_recordings, recording
from medtwin.service.errors import ConflictError
from medtwin.service.executors import PREPARATION, SESSION_WRITES, run_in
from medtwin.service.messages import (
    CaseMessage,
    ClockMessage,
    CoachMessage,
    EventMessage,
    LayoutMessage,
    NoteMessage,
    OverrideMessage,
    ServerMessage,
    SnapshotMessage,
    TeamMessage,
    TwelveLeadMessage,
    VitalsMessage,
    to_text,
)
from medtwin.service.outbox import DEFAULT_OUTBOX_SIZE, Outbox
from medtwin.service.overrides import Override, override_of, shown_at
from medtwin.service.preparation import drug_models, prepare_drugs
from medtwin.service.roles import ROLES
from medtwin.snapshot_format import snapshot_from_bytes, snapshot_to_bytes
from medtwin.training.runner import CASE as CASE_SOURCE
from medtwin.twin import Twin

log = logging.getLogger("medtwin.service")

SPEED_RANGE = (1.0, 60.0)
OVERRIDABLE = MAIN_NUMERICS
"""The numerics an instructor may show other than they are."""
TREND_WINDOW_S = 600.0
_HALF_STEP_S = 0.5 * STEP_S  # less than this cannot be advanced
_HALF_SAMPLE_S = 0.5 / WAVEFORM_RATE_HZ


@dataclass(frozen=True)
class RuntimeSettings:
    """How often a live session ticks, writes and snapshots, and how much it buffers."""

    tick_s: float = 0.125
    max_tick_wall_s: float = 0.5  # a stalled loop catches up at most this much per tick
    checkpoint_sim_s: float = 5.0
    """Simulated seconds the twin may run past its last written checkpoint (issue 11:
    a restart resumes at most 5 s of simulated time before what any client saw)."""
    snapshot_sim_s: float = 30.0
    """Simulated seconds between snapshots: the most a restart replays (a standard
    adult twin replays 60 s in well under a second)."""
    waveform_seconds: float = 10.0
    history_seconds: float = 60.0  # the trend lives in the vitals table, not the twin
    outbox_size: int = DEFAULT_OUTBOX_SIZE
    clock: Clock = field(default_factory=WallClock)  # a ManualClock in tests


@dataclass(eq=False)
class Subscriber:
    """One connected client: its role (notes go to instructors only) and its outbox."""

    role: str
    outbox: Outbox


SESSION_FIELDS = ("id", "code", "title", "patient", "status", "speed", "time_s", "case_name")
TEAM_ROLES_SEE_INJECTS_WHEN = frozenset({"ended", "errored"})
"""Trainees and observers see the instructor's and the case's injects only in the
debrief, once the session is over."""


def session_fields(source: Any) -> dict[str, Any]:
    """A session as the contract shows it, from a live session or its stored row."""
    return {name: getattr(source, name) for name in SESSION_FIELDS}


def event_record(event: Event) -> dict[str, Any]:
    """An event as the contract shows it: id, time_s, order, source, kind."""
    return {"id": event.id, "time_s": event.time_s, "order": event.order(),
            "source": event.source, "kind": event.action.kind}  # fmt: skip


def injects(events: list[Event]) -> set[int]:
    """The ids of the events that would give the diagnosis away: insults (whoever gave
    them), the case's own orders, and whatever follows from either (a haemorrhage's
    scheduled end)."""
    hidden: set[int] = set()
    for event in events:
        if event.action.insult or event.source == CASE_SOURCE or event.cause in hidden:
            hidden.add(event.id)
    return hidden


def sees_injects(role: str, status: str) -> bool:
    return role == "instructor" or status in TEAM_ROLES_SEE_INJECTS_WHEN


def events_for(role: str, status: str, events: list[Event]) -> list[dict[str, Any]]:
    """The event records `role` may see in a session that is `status`."""
    hidden = set() if sees_injects(role, status) else injects(events)
    return [event_record(event) for event in events if event.id not in hidden]


def trend_table(rows: list[tuple[float, dict]]) -> dict[str, Any]:
    """`{"time_s": [...], "signals": {name: [...]}}` of 1 Hz vitals rows."""
    names: dict[str, None] = {}
    for _, values in rows:
        names.update(dict.fromkeys(values))
    signals = {name: [values.get(name) for _, values in rows] for name in names}
    return {"time_s": [t for t, _ in rows], "signals": signals}


def snapshot_message(
    session: dict,
    vitals: dict,
    events: list[dict],
    trend: list[tuple[float, dict]],
    notes: list[dict] | None,
    rhythm: str | None = None,
    **extra: Any,
) -> str:
    """The first message of a stream; `notes` (and the `case` of `extra`) are None for
    anyone but instructors; `extra`: the other fields of `SnapshotMessage`."""
    return to_text(SnapshotMessage(session=session, vitals=vitals, rhythm=rhythm, events=events,
                                   history=trend_table(trend), notes=notes,
                                   **extra))  # fmt: skip


class LiveSession:
    """One running simulation; every method runs on the event loop's thread."""

    def __init__(
        self,
        row: SessionRow,
        twin: Twin,
        make_db: sessionmaker,
        settings: RuntimeSettings,
        trend: list[tuple[float, dict]] | None = None,
        persisted_events: int = 0,
        case: RoomCase | None = None,
        trainees: set[str] | None = None,
        layouts: dict[str, MonitorLayout] | None = None,
        twelve_leads: list[TwelveLeadMessage] | None = None,
    ) -> None:
        self.id, self.code, self.title = row.id, row.code, row.title
        self.layouts = dict(layouts or {})
        """The monitor layout the instructor set, by role."""
        self.case_name = row.case_name
        self.case = case
        self.trainees = trainees if trainees is not None else set()
        """Who gave orders as trainees (the case scores their actions)."""
        self.share_prompts = bool(row.share_prompts)
        self.overrides: list[Override] = []
        """Vital signs the monitor shows other than they are, in the order given."""
        self.patient, self.seed, self.instructor = row.patient, row.seed, row.instructor
        self.status, self.speed = row.status, float(row.speed)
        self.twin = twin
        self.settings = settings
        self.subscribers: list[Subscriber] = []
        self.trend = list(trend or [])
        self._make_db = make_db
        self._persisted_events = persisted_events
        self._pending_vitals: list[tuple[float, dict]] = []
        self._sim_target_s = twin.time_s
        self._next_vitals_s = (
            self.trend[-1][0] + 1.0 if self.trend else float(math.ceil(twin.time_s - _HALF_STEP_S))
        )
        self._checkpoint_s = twin.time_s  # written up to here
        self._snapshot_s = twin.time_s
        self._wave_sent_s = twin.time_s
        self._task: asyncio.Task | None = None
        self._publish_lock = asyncio.Lock()
        self._publisher: asyncio.Task | None = None
        self._cuff = cuff_message((), [], twin.time_s)  # the NIBP the clients were sent
        self.twelve_leads = list(twelve_leads or [])
        """The 12-lead ECGs recorded so far (`electrocardiograph`)."""
        self._pending_twelve_leads: list[TwelveLeadMessage] = []

    # --- what clients see ------------------------------------------------------------
    @property
    def time_s(self) -> float:
        return self.twin.time_s

    def info(self) -> dict[str, Any]:
        return session_fields(self)

    def events(self, role: str = "instructor") -> list[dict[str, Any]]:
        return events_for(role, self.status, list(self.twin.events))

    def handover(self) -> dict[str, str] | None:
        return None if self.case is None else handover(self.case.loaded)

    def case_state(self) -> dict[str, Any] | None:
        """The instructor's view of the case so far (None without a case)."""
        if self.case is None:
            return None
        return {**self.case.summary(), "entries": self.case.so_far(),
                "events": instructor_events(self.case.loaded)}  # fmt: skip

    def history(self, since_s: float = -math.inf) -> dict[str, Any]:
        return trend_table([row for row in self.trend if row[0] > since_s])

    def layout_for(self, role: str) -> MonitorLayout:
        """What `role`'s monitors show: the instructor's layout for it, else the case's,
        else the default."""
        case_layout = self.case.loaded.case.monitor if self.case is not None else None
        return self.layouts.get(role) or case_layout or DEFAULT_LAYOUT

    def layouts_by_role(self) -> dict[str, dict[str, list[str]]]:
        """Every role's layout (`layout_for`), for the instructor's layout editor."""
        return {role: self.layout_for(role).model_dump() for role in ROLES}

    def streamed_channels(self) -> tuple[str, ...]:
        """The waveforms the session's frames carry, in FRAME_CHANNELS order: those the
        monitor of some role draws, and no other (the debrief and the 12-lead replay
        their waveforms from the twin, not from the frames)."""
        drawn = {name for role in ROLES for name in self.layout_for(role).waves}
        return tuple(name for name in FRAME_CHANNELS if name in drawn)

    def clock_message(self) -> ClockMessage:
        return ClockMessage(status=self.status, speed=self.speed, time_s=self.time_s)

    # --- subscribers -----------------------------------------------------------------
    def subscribe(
        self, role: str, session: dict, notes: list[dict] | None, messages: list[dict] = ()
    ) -> Subscriber:
        """A new subscriber whose outbox starts with the snapshot message.

        Nothing awaits between building the snapshot and joining the subscribers, so
        the client misses no message in between.
        """
        subscriber = Subscriber(role, Outbox(self.settings.outbox_size))
        recent = [row for row in self.trend if row[0] > self.time_s - TREND_WINDOW_S]
        vitals = self._shown(main_numerics(self.twin.vitals()))
        session = {**session, **self.info()}
        extra = {"handover": self.handover(), "messages": list(messages),
                 "share_prompts": self.share_prompts, "nibp": self._cuff,
                 "layout": self.layout_for(role).model_dump(),
                 "layouts": self.layouts_by_role() if role == "instructor" else None,
                 "twelve_leads": list(self.twelve_leads),
                 "case": self.case_state() if role == "instructor" else None}  # fmt: skip
        events = self.events(role)
        rhythm = self.twin.rhythm_name
        subscriber.outbox.put_message(
            snapshot_message(session, vitals, events, recent, notes, rhythm, **extra)
        )
        self.subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscriber.outbox.close()
        if subscriber in self.subscribers:
            self.subscribers.remove(subscriber)

    def broadcast(
        self, message: ServerMessage, only: Callable[[Subscriber], bool] | None = None
    ) -> None:
        text = to_text(message)
        for subscriber in list(self.subscribers):
            if only is None or only(subscriber):
                subscriber.outbox.put_message(text)
            if subscriber.outbox.overflowed:
                log.warning("session %s: a client could not keep up and was closed", self.id)
                self.subscribers.remove(subscriber)

    def _broadcast_frame(self, frame: bytes) -> None:
        for subscriber in self.subscribers:
            subscriber.outbox.put_frame(frame)

    # --- commands --------------------------------------------------------------------
    def _require_live(self, doing: str) -> None:
        if self.status not in store.ACTIVE:
            raise ConflictError(f"session {self.id} is {self.status}: cannot {doing}")

    async def apply(self, order: Action | str, source: str, role: str = "instructor") -> Event:
        """Give an order now; the event is written (off the loop), then sent to every
        client who may see it, and only then acknowledged. What a first dose of a drug
        needs is computed first, in a worker thread (`preparation`). A trainee's order
        is scored by the session's case."""
        self._require_live("give orders")
        if role == "trainee":
            self.trainees.add(source)
        action = parse_order(order) if isinstance(order, str) else order
        if drugs := drug_models(self.twin, [action]):
            await run_in(PREPARATION, prepare_drugs, self.twin, drugs)
            self._require_live("give orders")  # it may have ended meanwhile
        self._run_to(self.twin.time_s)  # the vitals due now come first, as in a replay
        event = self.twin.apply(action, source=source)
        if self.case is not None:
            self.case.noticed()
            self._send_case_news()
        await self.publish_events()
        return event

    async def fire_case_event(self, name: str, author: str) -> dict[str, Any]:
        """Make the case's instructor event `name` happen now: written first (a replay
        fires it again after the same events), then carried out."""
        self._require_live("fire case events")
        if self.case is None:
            raise ConflictError(f"session {self.id} runs no case: it has no case events")
        self.case.run.check_event(name)
        self._run_to(self.twin.time_s)
        time_s, before = self.time_s, len(self.twin.events)
        await run_in(SESSION_WRITES, self._write_case_event, time_s, name, author, before)
        self._require_live("fire case events")
        self.case.fire(name)
        self._send_case_news()
        await self.publish_events()
        return {"name": name, "time_s": time_s}

    async def set_clock(self, action: str | None = None, speed: float | None = None) -> None:
        """Pause, resume or change speed; written at once and sent to every client."""
        self._require_live("change the clock")
        if action is not None:
            self.status = "paused" if action == "pause" else "running"
        if speed is not None:
            low, high = SPEED_RANGE
            if not low <= speed <= high:
                raise ValueError(f"speed = {speed!r} must be {low:g}–{high:g}")
            self.speed = float(speed)
        self._sim_target_s = self.twin.time_s
        await self._write_clock()
        self.broadcast(self.clock_message())

    async def say(self, text: str, author: str, role: str = "instructor") -> dict[str, Any]:
        """A call-out to the team: written, then sent to everyone; a trainee's is heard
        by the session's case (its expected call-outs)."""
        self._require_live("send call-outs")
        self._run_to(self.twin.time_s)  # the vitals due now come first, as in a replay
        time_s = self.time_s
        await run_in(SESSION_WRITES, self._write_team_message, time_s, author, text)
        if role == "trainee":
            self.trainees.add(author)
            self._hear(author, text)
        self.broadcast(TeamMessage(author=author, text=text, time_s=time_s))
        return {"author": author, "text": text, "time_s": time_s}

    def _hear(self, author: str, text: str) -> None:
        """Let the case hear a trainee's call-out now, and tell the instructors."""
        if self.case is not None:
            self.case.said(author, text)
            self._send_case_news()

    async def set_layout(self, role: str, layout: MonitorLayout) -> dict[str, Any]:
        """Show `layout` on the monitors of everyone of `role`: written, then sent to
        them."""
        self._require_live("change the monitor layout")
        fields = layout.model_dump()
        await run_in(SESSION_WRITES, self._write_layout, role, fields)
        self.layouts[role] = layout
        self.broadcast(LayoutMessage(**fields), only=lambda s: s.role == role)
        return {"role": role, **fields}

    async def set_share_prompts(self, share: bool) -> None:
        """Whether the team sees the coach's prompts from now on."""
        self._require_live("change the coach")
        await run_in(SESSION_WRITES, self._write_share_prompts, share)
        self.share_prompts = share

    async def override(self, signal: str, value: float, seconds: float, author: str) -> dict:
        """Show `signal` as `value` on the monitor for `seconds` of simulated time (the
        physiology, the trend and the case go on with the real value): written, and
        told to the instructors only, like any inject."""
        self._require_live("override vital signs")
        if signal not in OVERRIDABLE:
            raise ValueError(f"signal = {signal!r} is not a monitor numeric "
                             f"({', '.join(OVERRIDABLE)})")  # fmt: skip
        time_s = self.time_s
        await run_in(SESSION_WRITES, self._write_override, time_s, signal, value, seconds, author)
        self.overrides.append(Override(time_s, signal, value, time_s + seconds))
        message = OverrideMessage(signal=signal, value=value, time_s=time_s,
                                  until_s=time_s + seconds, author=author)  # fmt: skip
        self.broadcast(message, only=lambda s: s.role == "instructor")
        return {"signal": signal, "value": value, "time_s": time_s, "until_s": time_s + seconds}

    def _shown(self, values: dict[str, float]) -> dict[str, float]:
        """The numerics as the monitor shows them: with the overrides still in force."""
        return shown_at(values, self.overrides, self.time_s)

    async def add_note(self, text: str, author: str) -> dict[str, Any]:
        await run_in(SESSION_WRITES, self._write_note, self.time_s, text, author)
        message = NoteMessage(text=text, time_s=self.time_s)
        self.broadcast(message, only=lambda s: s.role == "instructor")
        return {"text": text, "time_s": self.time_s}

    async def end(self) -> None:
        """Stop the clock for good, close the case's run, write what is pending and
        tell every client."""
        self._require_live("end it")
        self.status = "ended"
        await self.stop()
        if self.case is not None:
            self.case.finish("the instructor ended the session")
            self._send_case_news()
            log_text = self.case.run.log.to_json_lines()
            await run_in(SESSION_WRITES, self._write_case_log, log_text)
        await self._write_clock()
        self.broadcast(self.clock_message())

    # --- the clock -------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"medtwin session {self.id}")

    async def checkpoint(self) -> None:
        """Write a checkpoint with a snapshot now (a new session's queue of timed orders
        survives a restart from its first second)."""
        await self._flush(snapshot=True)

    async def stop(self) -> None:
        """Cancel the tick task and write everything not yet written."""
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        if self.status != "errored":
            await self._flush(snapshot=True)

    async def _run(self) -> None:
        clock = self.settings.clock
        last_tick = clock.now()
        while self.status in store.ACTIVE:
            await clock.sleep(self.settings.tick_s)
            now = clock.now()
            try:
                await self.step(now - last_tick)
            except Exception:
                log.exception("session %s: tick failed; the session is marked errored", self.id)
                await self._fail()
                return
            last_tick = now

    async def _fail(self) -> None:
        self.status = "errored"
        try:
            await self.publish_events()
            await self._write_clock()
        except Exception:
            log.exception("session %s: could not write its errored state", self.id)
        self.broadcast(self.clock_message())

    async def step(self, wall_dt_s: float) -> None:
        """One tick of `wall_dt_s`, with the checkpoints it needs to go that far."""
        self.tick(wall_dt_s)
        while self._checkpoint_due():
            await self._flush(snapshot=self._snapshot_due())
            self.tick(0.0)  # on to the tick's target, past the new checkpoint

    def tick(self, wall_dt_s: float) -> None:
        """Advance by `wall_dt_s` × speed, but never more than `checkpoint_sim_s` past
        the last checkpoint; send vitals, a waveform frame and new events."""
        if self.status != "running":
            return
        self._sim_target_s += min(wall_dt_s, self.settings.max_tick_wall_s) * self.speed
        self._run_to(min(self._sim_target_s, self._checkpoint_s + self.settings.checkpoint_sim_s))
        self._send_waveforms()
        self._publish_soon()

    def _checkpoint_due(self) -> bool:
        limit_s = self._checkpoint_s + self.settings.checkpoint_sim_s
        return self.status == "running" and self.twin.time_s >= limit_s - _HALF_STEP_S

    def _snapshot_due(self) -> bool:
        return self.twin.time_s >= self._snapshot_s + self.settings.snapshot_sim_s - _HALF_STEP_S

    def _run_to(self, target_s: float) -> None:
        """Advance the twin to `target_s`, recording the vitals of every whole second on
        the way (before anything else happens at that second)."""
        twin = self.twin
        while True:
            if twin.time_s >= self._next_vitals_s - _HALF_STEP_S:
                self._record_vitals()
                continue
            end_s = min(target_s, self._next_vitals_s)
            if end_s - twin.time_s < _HALF_STEP_S:
                break
            before = twin.time_s
            twin.advance(end_s - twin.time_s)
            if twin.time_s == before:
                break

    def recover(
        self,
        events: list[Event],
        stored: list[tuple[float, dict]],
        until_s: float,
        case_events: list[tuple[int, float, str]] = (),
        callouts: list[tuple[float, str, str]] = (),
    ) -> int:
        """Replay, not back-fill: from the restored snapshot, give the logged `events`
        after it at their times and run to `until_s`, recording the vitals as the live
        tick does. A case session replays from its first second: the case gives its own
        orders again, and its instructor events (`case_events`: how many events came
        before, time, name) are fired again where they were, and its trainees' call-outs
        (`callouts`: time, author, text) heard again at their times. Rows already `stored` stay
        as they are; the recomputed ones that are not are written by the next
        checkpoint. The number of stored rows that differ from the replay (0 unless the
        engine lost its determinism)."""
        fired, heard = list(case_events), list(callouts)
        for index, event in enumerate(events):
            self._fire_replayed(fired, index, heard)
            self._hear_replayed(heard, event.time_s)
            self._run_to(event.time_s)
            if event.source != CASE_SOURCE:
                self.twin.replay([event])
                if self.case is not None:
                    self.case.noticed()
        self._fire_replayed(fired, len(events), heard)
        self._hear_replayed(heard, until_s)
        self._run_to(until_s)
        if self.case is not None:
            self.case.news()  # what the console will get in its snapshot
        stored_by_time = dict(stored)
        recomputed, self._pending_vitals = self._pending_vitals, []
        differ = 0
        for time_s, values in recomputed:
            if time_s not in stored_by_time:
                self._pending_vitals.append((time_s, values))
            elif store.json_values(values) != stored_by_time[time_s]:
                differ += 1
        merged = {**stored_by_time, **dict(self._pending_vitals)}
        self.trend = sorted(merged.items())
        self._sim_target_s = self._wave_sent_s = self._checkpoint_s = self.twin.time_s
        return differ

    def _fire_replayed(
        self,
        case_events: list[tuple[int, float, str]],
        events_before: int,
        callouts: list[tuple[float, str, str]],
    ) -> None:
        """Fire again the instructor events that came after `events_before` events (each
        after the `callouts` made before it), taking them off the list."""
        while case_events and case_events[0][0] <= events_before:
            _, time_s, name = case_events.pop(0)
            self._hear_replayed(callouts, time_s)
            self._run_to(time_s)
            self.case.fire(name)

    def _hear_replayed(self, callouts: list[tuple[float, str, str]], until_s: float) -> None:
        """Let the case hear again the call-outs made up to `until_s`, taking them off
        the list."""
        while callouts and callouts[0][0] <= until_s:
            time_s, author, text = callouts.pop(0)
            self._run_to(time_s)
            self._hear(author, text)

    def _record_vitals(self) -> None:
        time_s = round(self._next_vitals_s, 6)
        values = main_numerics(self.twin.vitals())
        self.trend.append((time_s, values))
        self._pending_vitals.append((time_s, values))
        self._next_vitals_s += 1.0
        shown = self._shown(values)
        self.broadcast(VitalsMessage(time_s=time_s, vitals=shown, rhythm=self.twin.rhythm_name))
        cuff = cuff_message(self.twin.events, self.trend, time_s, self.overrides)
        if cuff != self._cuff:
            self._cuff = cuff
            self.broadcast(cuff)
        self._take_twelve_leads(time_s)
        if self.case is not None:
            self.case.react()
            self._send_case_news()

    def _take_twelve_leads(self, time_s: float) -> None:
        """Take the 12-lead ECGs whose 10 s are over by `time_s`, and send them."""
        taken = {ecg.time_s for ecg in self.twelve_leads}
        for start_s in due_recordings(self.twin.events, time_s, taken):
            ecg = recording(self.twin, start_s, WAVEFORM_RATE_HZ)
            self.twelve_leads.append(ecg)
            self._pending_twelve_leads.append(ecg)
            self.broadcast(ecg)

    def _send_case_news(self) -> None:
        """Tell the instructors what the case did, if it did anything."""
        if entries := self.case.news():
            message = CaseMessage(case=self.case.summary(), entries=entries)
            self.broadcast(message, only=lambda s: s.role == "instructor")
            if self.share_prompts:
                for entry in entries:
                    if entry["type"] == "prompt":
                        prompt = CoachMessage(text=entry["text"], time_s=entry["time_s"])
                        self.broadcast(prompt, only=lambda s: s.role != "instructor")

    def _send_waveforms(self) -> None:
        if self.twin.time_s <= self._wave_sent_s + _HALF_SAMPLE_S:
            return
        times, channels = self.twin.waveform_samples(WAVEFORM_RATE_HZ, self._wave_sent_s)
        if not len(times):
            return
        self._wave_sent_s = float(times[-1])
        if self.subscribers:
            carried = {name: channels[name] for name in self.streamed_channels()}
            self._broadcast_frame(waveform_frame(float(times[0]), carried))

    # --- writing ---------------------------------------------------------------------
    async def publish_events(self) -> None:
        """Write the events not yet written, in a worker thread, then send them: never
        dropped, never sent before they are stored, and never a stall of the loop that
        ticks every session while the disk is slow."""
        async with self._publish_lock:
            while new := list(self.twin.events)[self._persisted_events :]:
                await run_in(SESSION_WRITES, self._write_events, new)
                self._persisted_events += len(new)
                hidden = injects(list(self.twin.events))
                for event in new:
                    message = EventMessage(event=event_record(event))
                    if event.id in hidden:
                        self.broadcast(message, only=lambda s: sees_injects(s.role, self.status))
                    else:
                        self.broadcast(message)

    def _publish_soon(self) -> None:
        """Publish new events (a tick's scheduled ends) without waiting for the write."""
        pending = len(self.twin.events) > self._persisted_events
        if pending and (self._publisher is None or self._publisher.done()):
            self._publisher = asyncio.create_task(self.publish_events())

    def _write_events(self, events: list[Event]) -> None:
        with self._make_db() as db:
            store.add_events(db, self.id, events)

    def _write_case_event(self, time_s: float, name: str, author: str, before: int) -> None:
        with self._make_db() as db:
            store.add_case_event(db, self.id, time_s, name, author, before)

    def _write_team_message(self, time_s: float, author: str, text: str) -> None:
        with self._make_db() as db:
            store.add_team_message(db, self.id, time_s, author, text)

    def _write_share_prompts(self, share: bool) -> None:
        with self._make_db() as db:
            store.set_share_prompts(db, self.id, share)

    def _write_layout(self, role: str, layout: dict) -> None:
        with self._make_db() as db:
            store.add_layout(db, self.id, role, layout)

    def _write_override(self, time_s, signal, value, seconds, author) -> None:
        with self._make_db() as db:
            store.add_override(db, self.id, time_s, signal, value, seconds, author)

    def _write_case_log(self, log_text: str) -> None:
        with self._make_db() as db:
            store.save_case_log(db, self.id, log_text)

    def _write_note(self, time_s: float, text: str, author: str) -> None:
        with self._make_db() as db:
            store.add_note(db, self.id, time_s, text, author)

    async def _write_clock(self) -> None:
        state = (self.status, self.speed, self.time_s)
        await run_in(SESSION_WRITES, self._write_clock_row, *state)

    def _write_clock_row(self, status: str, speed: float, time_s: float) -> None:
        with self._make_db() as db:
            store.update_clock(db, self.id, status, speed, time_s)

    async def _flush(self, snapshot: bool) -> None:
        """Write a checkpoint: the vitals not yet written and the clock, and, if
        `snapshot`, the twin (off the loop)."""
        vitals, self._pending_vitals = self._pending_vitals, []
        ecgs, self._pending_twelve_leads = self._pending_twelve_leads, []
        state = (self.status, self.speed, self.time_s)
        twin_snapshot = self.twin.snapshot() if snapshot else None
        events_count = len(self.twin.events)
        await run_in(SESSION_WRITES, self._write, vitals, ecgs, state, twin_snapshot,
                     events_count)  # fmt: skip
        self._checkpoint_s = state[2]
        if snapshot:
            self._snapshot_s = state[2]

    def _write(self, vitals, ecgs, state, twin_snapshot, events_count) -> None:
        with self._make_db() as db:
            if vitals:
                store.add_vitals(db, self.id, vitals)
            if ecgs:
                store.add_twelve_leads(db, self.id, [ecg.model_dump() for ecg in ecgs])
            store.update_clock(db, self.id, *state)
            if twin_snapshot is not None:
                blob = snapshot_to_bytes(twin_snapshot)
                store.save_snapshot(db, self.id, state[2], events_count, blob)


@dataclass
class SessionManager:
    """Every live session of the service, by id."""

    make_db: sessionmaker
    settings: RuntimeSettings = field(default_factory=RuntimeSettings)
    sessions: dict[int, LiveSession] = field(default_factory=dict)

    def get(self, session_id: int) -> LiveSession | None:
        return self.sessions.get(session_id)

    def new_twin(self, patient: dict, seed: int) -> Twin:
        """A resting twin (slow: build it in a worker thread)."""
        return Twin(patient_from_dict(patient), seed=seed,
                    waveform_seconds=self.settings.waveform_seconds,
                    history_seconds=self.settings.history_seconds)  # fmt: skip

    def launch(
        self,
        row: SessionRow,
        twin: Twin,
        case: RoomCase | None = None,
        trainees: set[str] | None = None,
    ) -> LiveSession:
        """Start a new session (its case, if any, scoring the orders of `trainees`)."""
        live = LiveSession(row, twin, self.make_db, self.settings, case=case, trainees=trainees)
        return self._start(live)

    def _start(self, live: LiveSession) -> LiveSession:
        self.sessions[live.id] = live
        if live.status in store.ACTIVE:
            live.start()
        return live

    async def start(self) -> None:
        """Restore every running or paused session from the store."""
        with self.make_db() as db:
            rows = list(store.active_sessions(db))
        for row in rows:
            try:
                live = await asyncio.to_thread(self._restore, row)
            except Exception:
                log.exception("session %s: could not be restored; marked errored", row.id)
                with self.make_db() as db:
                    store.update_clock(db, row.id, "errored", row.speed, row.time_s)
                continue
            await live.checkpoint()  # what the replay recomputed, and a snapshot
            self._start(live)
            log.info("session %s restored at %.1f s", row.id, live.time_s)

    async def stop(self) -> None:
        for live in list(self.sessions.values()):
            try:
                await live.stop()
            except Exception:
                log.exception("session %s: could not be stopped cleanly", live.id)

    def _restore(self, row: SessionRow) -> LiveSession:
        """The session replayed from its latest snapshot: the orders logged after it are
        given again at their times, up to the last moment written (its clock, its last
        order or its last vitals row), so that the vitals are what the twin computes."""
        with self.make_db() as db:
            snapshot_row = store.latest_snapshot(db, row.id)
            events = store.events_of(db, row.id)
            stored = store.vitals_since(db, row.id, -math.inf)
            case_events = [(c.events_before, c.time_s, c.name)
                           for c in store.case_events_of(db, row.id)]  # fmt: skip
            trainees = {p["username"] for p in store.participants(db, row.id)
                        if p["role"] == "trainee"}  # fmt: skip
            overrides = store.overrides_of(db, row.id)
            twelve_leads = [TwelveLeadMessage(**r) for r in store.twelve_leads_of(db, row.id)]
            layouts = {role: MonitorLayout(**fields)
                       for role, fields in store.layouts_of(db, row.id).items()}  # fmt: skip
            callouts = [(m["time_s"], m["author"], m["text"])
                        for m in store.team_messages_of(db, row.id)
                        if m["author"] in trainees]  # fmt: skip
        twin = self.new_twin(row.patient, row.seed)
        case, replay_from = None, 0
        if row.case_name is not None:  # a case's run is replayed from its first second
            case = RoomCase(library_case(row.case_name), twin, trainees.__contains__)
            case.start()
        elif snapshot_row is not None:
            twin.restore(snapshot_from_bytes(snapshot_row.blob))
            replay_from = snapshot_row.events_count
        before = [r for r in stored if r[0] <= twin.time_s + _HALF_STEP_S]
        live = LiveSession(row, twin, self.make_db, self.settings, trend=before or None,
                           persisted_events=len(events), case=case,
                           trainees=trainees, layouts=layouts,
                           twelve_leads=twelve_leads)  # fmt: skip
        until_s = max([row.time_s, *(e.time_s for e in events), *(t for t, _ in stored)])
        live.overrides = [override_of(item) for item in overrides]
        differ = live.recover(events[replay_from:], stored, until_s, case_events, callouts)
        if differ:
            log.error("session %s: %d stored vitals rows differ from the replay", row.id, differ)
        # events the snapshot holds but the store lacks (a crash mid-write) are written
        # by the session's first tick
        return live
