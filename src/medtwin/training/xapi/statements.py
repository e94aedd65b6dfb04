"""The xAPI statements of one case run, from its log and its score.

In the order they happened (`timestamp` = the session's start + case time):
- `initialized` the case (a `simulation` activity) when the run starts;
- `arrived` at each phase entered;
- `interacted` with the case for each trainee order, the order as `response`, its case
  time and the key vitals of that moment in the result's extensions (an order the
  engine refused: `success` false, with the reason);
- `launched` for what the instructor or the physiology did (an instructor event, an
  arrest, a return of circulation, death), with the engine or instructor as actor;
- `experienced` each coach prompt (the coach as `context.instructor`);
- `completed` (an end phase was reached) or `terminated` (the time ran out), with the
  run's duration;
then the scored results, at the run's end: each expected action due (`passed` on time,
`failed` early or late, `ignored` missed; an unnecessary or harmful action done:
`failed`), each critical error made (`failed`), each objective's score (`scored`, with
its skill), and the verdict on the case (`passed` or `failed`, the total as scaled
score).

Ids are UUIDs derived from the run: the registration from the case's digest, the
script, seed, coach, learner, the session's start and the log's digest; each statement
from the registration and its place. The same run gives the same statements, bit for
bit, and a different run (another learner, another start, another log) other ids.
Every statement is checked (`validation.check_statement`) as it is made.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from medtwin.physiology_events import SOURCES as TWIN_MADE
from medtwin.training.loading import LoadedCase
from medtwin.training.runlog import Entry, RunLog
from medtwin.training.scoring import Score
from medtwin.training.xapi import vocabulary as v
from medtwin.training.xapi.validation import check_statement

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, v.MEDTWIN_IRI)
"""The namespace of the name-based (version 5) UUIDs of runs."""
ENGINE_AGENT = {
    "objectType": "Agent",
    "name": "medtwin engine",
    "account": {"homePage": v.DEFAULT_HOME_PAGE, "name": "medtwin-engine"},
}
COACH_AGENT = {
    "objectType": "Agent",
    "name": "medtwin coach",
    "account": {"homePage": v.DEFAULT_HOME_PAGE, "name": "medtwin-coach"},
}
INSTRUCTOR_AGENT = {
    "objectType": "Agent",
    "name": "instructor",
    "account": {"homePage": v.DEFAULT_HOME_PAGE, "name": "instructor"},
}
LANGUAGE = "en-US"


def learner_agent(learner: str, home_page: str = v.DEFAULT_HOME_PAGE) -> dict[str, Any]:
    """The actor for `learner`: 'mailto:name@site' as `mbox`, else an `account` of
    that name on `home_page`."""
    if learner.startswith("mailto:"):
        return {"objectType": "Agent", "mbox": learner}
    return {
        "objectType": "Agent",
        "name": learner,
        "account": {"homePage": home_page, "name": learner},
    }


def learner_key(agent: dict[str, Any]) -> str:
    """One text for a (valid) agent's identifier: its mbox, mbox_sha1sum or openid, or
    'homePage|name' of its account; an anonymous group by its members'."""
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if key in agent:
            return agent[key]
    if "account" in agent:
        return f"{agent['account']['homePage']}|{agent['account']['name']}"
    return "group:" + ",".join(sorted(learner_key(m) for m in agent.get("member", [])))


@dataclass(frozen=True)
class Session:
    """Who ran the case, when the session started (wall clock, UTC) and the IRI base
    of the case activities."""

    actor: dict[str, Any]
    started_at: datetime
    activity_base: str = v.DEFAULT_ACTIVITY_BASE

    def at(self, time_s: float) -> str:
        moment = self.started_at.astimezone(UTC) + timedelta(seconds=time_s)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_started_at(text: str) -> datetime:
    """An ISO 8601 date and time with a time zone, e.g. 2026-01-31T09:00:00Z."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone (add Z for UTC)")
    return moment


def registration(loaded: LoadedCase, log: RunLog, session: Session) -> str:
    """The run's id: derived from what makes it this run."""
    start = log.start
    digest = hashlib.sha256(log.to_json_lines().encode("utf-8")).hexdigest()
    parts = [
        loaded.sha256,
        start["trainee"],
        start["seed"],
        start["coach"],
        learner_key(session.actor),
        session.at(0.0),
        digest,
    ]
    return str(uuid.uuid5(NAMESPACE, json.dumps(parts)))


class _Builder:
    """Statements of one run, each with the next id."""

    def __init__(self, loaded: LoadedCase, log: RunLog, session: Session) -> None:
        self.loaded, self.case, self.log, self.session = loaded, loaded.case, log, session
        self.registration = registration(loaded, log, session)
        self.case_iri = session.activity_base + quote(self.case.name)
        self.statements: list[dict[str, Any]] = []
        self.vitals: dict[str, Any] = {}

    def add(
        self,
        verb: str,
        obj: dict[str, Any],
        time_s: float,
        *,
        actor=None,
        result=None,
        parent: bool = True,
        extensions=None,
        instructor=None,
    ) -> None:
        context: dict[str, Any] = {
            "registration": self.registration,
            "platform": "medtwin",
            "language": LANGUAGE,
            "contextActivities": {"category": [{"id": v.VIRTUAL_PATIENT_PROFILE}]},
        }
        if parent:
            context["contextActivities"]["parent"] = [{"id": self.case_iri}]
        if extensions:
            context["extensions"] = extensions
        if instructor is not None:
            context["instructor"] = instructor
        statement = {
            "id": str(uuid.uuid5(uuid.UUID(self.registration), str(len(self.statements)))),
            "actor": actor or self.session.actor,
            "verb": {"id": v.VERBS[verb], "display": {LANGUAGE: verb}},
            "object": obj,
            "context": context,
            "timestamp": self.session.at(time_s),
            "version": v.XAPI_VERSION,
        }
        if result is not None:
            statement["result"] = result
        check_statement(statement)
        self.statements.append(statement)

    def activity(self, path: str, kind: str, name: str, **definition: Any) -> dict[str, Any]:
        return {
            "objectType": "Activity",
            "id": f"{self.case_iri}/{path}",
            "definition": {"type": kind, "name": {LANGUAGE: name}, **definition},
        }

    def case_activity(self) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": v.SIMULATION, "name": {LANGUAGE: self.case.title}}
        if self.case.summary:
            definition["description"] = {LANGUAGE: self.case.summary}
        definition["extensions"] = {
            v.extension("case-sha256"): self.loaded.sha256,
            v.extension("difficulty"): self.case.difficulty,
        }
        return {"objectType": "Activity", "id": self.case_iri, "definition": definition}

    def moment(self, time_s: float, **extra: Any) -> dict[str, Any]:
        """Result extensions: the case time, the vitals then, and `extra`."""
        named = {v.extension(key.replace("_", "-")): value for key, value in extra.items()}
        return {v.SIMULATION_TIME: time_s, v.VITALS: dict(self.vitals), **named}


def run_statements(
    loaded: LoadedCase, log: RunLog, score: Score, session: Session
) -> list[dict[str, Any]]:
    """The statements of a run (see the module's docstring), each checked."""
    build = _Builder(loaded, log, session)
    start = log.start
    first = log.of("observation")[:1]
    if first:
        _entry_statement(build, first[0])  # the vitals at the start
    build.add(
        "initialized",
        build.case_activity(),
        0.0,
        parent=False,
        result={"extensions": build.moment(0.0)},
        extensions={v.extension(key): start[key] for key in ("trainee", "seed", "coach")},
    )
    for entry in log:
        _entry_statement(build, entry)
    for statement in _scored(build, score):
        build.add(**statement)
    return build.statements


def _entry_statement(build: _Builder, entry: Entry) -> None:
    time_s = entry.time_s
    if entry.type == "observation":
        build.vitals = {
            key: value
            for key, value in entry.data.items()
            if value is not None and not (isinstance(value, float) and math.isnan(value))
        }
    elif entry.type == "phase":
        phase = build.case.phase(entry["phase"])
        build.add(
            "arrived",
            build.activity(f"phases/{quote(phase.name)}", v.NODE, phase.text or phase.name),
            time_s,
            result={"extensions": build.moment(time_s, trigger=entry["trigger"])},
        )
    elif entry.type == "action" and entry["source"] == "trainee":
        result = {
            "response": entry["order"],
            "extensions": build.moment(time_s, action=entry["action"]),
        }
        build.add("interacted", build.case_activity(), time_s, result=result, parent=False)
    elif entry.type == "refused":
        result = {
            "response": entry["order"],
            "success": False,
            "extensions": build.moment(time_s, refused=entry["reason"]),
        }
        build.add("interacted", build.case_activity(), time_s, result=result, parent=False)
    elif entry.type == "action" and entry["source"] in TWIN_MADE:
        what = entry["order"]
        path = f"{entry['source']}/{quote(entry['kind'])}"  # physiology/..., equipment/...
        obj = build.activity(path, v.INTERACTION, what)
        build.add(
            "launched",
            obj,
            time_s,
            actor=ENGINE_AGENT,
            result={"extensions": build.moment(time_s, event=what)},
        )
    elif entry.type == "event":
        name = entry["name"]
        event = next((e for e in build.case.instructor_events if e.name == name), None)
        obj = build.activity(
            f"events/{quote(name)}", v.INTERACTION, event.text if event and event.text else name
        )
        build.add(
            "launched",
            obj,
            time_s,
            actor=INSTRUCTOR_AGENT,
            result={"extensions": build.moment(time_s)},
        )
    elif entry.type == "prompt":
        obj = build.activity(
            f"coach/{quote(entry['rule'], safe='')}", v.INTERACTION, f"coach: {entry['rule']}"
        )
        result = {"extensions": build.moment(time_s, prompt=entry["text"], level=entry["level"])}
        build.add("experienced", obj, time_s, result=result, instructor=COACH_AGENT)
    elif entry.type == "end":
        verb = "completed" if entry.get("outcome") else "terminated"
        result = {
            "completion": bool(entry.get("outcome")),
            "duration": iso_duration(time_s),
            "extensions": build.moment(
                time_s, outcome=entry.get("outcome"), alive=entry["alive"], reason=entry["reason"]
            ),
        }
        build.add(verb, build.case_activity(), time_s, result=result, parent=False)


def _scored(build: _Builder, score: Score) -> Iterable[dict[str, Any]]:
    end_s = build.log.end.time_s if build.log.end else build.log.entries[-1].time_s
    for action in score.actions:
        verb = _action_verb(action.status)
        if verb is None:
            continue
        item = action.item
        obj = build.activity(f"expected/{quote(item.id)}", v.INTERACTION, item.text)
        result: dict[str, Any] = {
            "success": action.status == "on time",
            "extensions": {
                v.SIMULATION_TIME: end_s,
                v.extension("status"): action.status,
                v.extension("class"): item.action_class,
                v.extension("objective"): action.objective,
                v.extension("time-to-action-s"): action.time_to_action_s,
            },
        }
        if action.status == "penalised":
            result["extensions"][v.extension("times")] = action.count
        else:
            points = item.points
            result["score"] = {
                "scaled": action.credit,
                "raw": points * action.credit,
                "min": 0,
                "max": points,
            }
        yield {"verb": verb, "obj": obj, "time_s": end_s, "result": result}
    for error in score.errors:
        obj = build.activity(f"critical-errors/{quote(error.id)}", v.OBJECTIVE, error.text)
        time_s = end_s if error.time_s is None else error.time_s
        yield {
            "verb": "failed",
            "obj": obj,
            "time_s": end_s,
            "result": {"success": False, "extensions": {v.SIMULATION_TIME: time_s}},
        }
    objectives = {o.id: o for o in build.case.objectives}
    for objective in score.objectives:
        if objective.score is None:
            continue
        obj = build.activity(f"objectives/{quote(objective.id)}", v.OBJECTIVE, objective.text)
        raw = min(max(objective.earned - objective.penalty, 0.0), objective.possible)
        result = {
            "score": {"scaled": objective.score, "raw": raw, "min": 0, "max": objective.possible},
            "extensions": {
                v.SIMULATION_TIME: end_s,
                v.SKILL: objectives[objective.id].skill_name,
                v.extension("weight"): objective.weight,
            },
        }
        yield {"verb": "scored", "obj": obj, "time_s": end_s, "result": result}
    verdict = {
        "success": score.passed,
        "completion": True,
        "score": {"scaled": score.total, "raw": score.total, "min": 0, "max": 1},
        "extensions": {
            v.SIMULATION_TIME: end_s,
            v.extension("gate-failures"): list(score.gate_failures),
            v.extension("pass-score"): score.pass_score,
            v.extension("alive"): score.alive,
        },
    }
    yield {
        "verb": "passed" if score.passed else "failed",
        "obj": build.case_activity(),
        "time_s": end_s,
        "result": verdict,
        "parent": False,
    }


def _action_verb(status: str) -> str | None:
    return {
        "on time": "passed",
        "early": "failed",
        "late": "failed",
        "missed": "ignored",
        "penalised": "failed",
    }.get(status)


def iso_duration(seconds: float) -> str:
    """An ISO 8601 duration in seconds to the millisecond, never in exponent form
    (`f"{1e6:g}"` is '1e+06', which no LRS reads): 'PT402S', 'PT1.25S'."""
    text = f"{round(seconds, 3):.3f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def to_json_lines(statements: Iterable[dict[str, Any]]) -> str:
    """One statement a line, keys sorted: the same statements give the same bytes."""
    return "".join(
        json.dumps(statement, sort_keys=True, ensure_ascii=False) + "\n" for statement in statements
    )
