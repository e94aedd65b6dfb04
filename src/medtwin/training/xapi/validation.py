"""The structure xAPI 1.0.3 requires of a statement, checked before it leaves medtwin.

From the xAPI specification 1.0.3 (ADL 2016), part two ("Experience API Data", section
2.4): a statement holds an `actor`, a `verb` and an `object`, and may hold `id`,
`result`, `context`, `timestamp`, `stored`, `authority`, `version` and `attachments`,
nothing else. medtwin's own statements must also carry an `id` and a `timestamp`
(`require_id_and_timestamp`), which the LRS would otherwise assign.

- an Agent is identified by exactly one inverse functional identifier: `mbox` (a
  `mailto:` IRI), `mbox_sha1sum` (40 hex digits), `openid` (a URI) or `account`
  (`homePage`, an IRL, and `name`); a Group lists Agents as `member`;
- a verb's `id` is an IRI; `display` is a language map;
- an object is an Activity (an `id` IRI, and a `definition` whose `type` is an IRI and
  whose `extensions` are keyed by IRIs), an Agent or Group, or a StatementRef (a UUID);
- ids and registrations are UUIDs (RFC 4122 text form); timestamps are ISO 8601 with a
  time zone; durations are ISO 8601 durations;
- a score's `scaled` lies in [-1, 1] and `raw` between `min` and `max`;
- `context.revision` and `context.platform` are allowed only when the object is an
  Activity.

`statement_problems` returns every problem as '<path>: <what is wrong>'; it never
raises, whatever it is given.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_KEYS = {"objectType"} | STATEMENT_KEYS - {"id", "stored", "version", "authority"}
"""A SubStatement has no id, stored, version or authority (part two, 2.4.4.3)."""
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
_VERSION = re.compile(r"^1\.0(\.\d+)?$")


class StatementError(ValueError):
    """A statement that does not have the structure xAPI 1.0.3 requires."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def check_statement(statement: Any, require_id_and_timestamp: bool = True) -> None:
    """Raise `StatementError` listing every problem of `statement`, if it has any."""
    problems = statement_problems(statement, require_id_and_timestamp)
    if problems:
        raise StatementError(problems)


def statement_problems(statement: Any, require_id_and_timestamp: bool = True) -> list[str]:
    """Every way `statement` departs from the xAPI 1.0.3 structure ('' if none)."""
    problems: list[str] = []
    if not isinstance(statement, Mapping):
        return [f"statement: {_shown(statement)} is not a JSON object"]
    _unknown(statement, STATEMENT_KEYS, "statement", problems)
    for key in ("actor", "verb", "object"):
        if key not in statement:
            problems.append(f"{key}: is missing (a statement needs actor, verb and object)")
    if require_id_and_timestamp:
        for key in ("id", "timestamp"):
            if key not in statement:
                problems.append(f"{key}: is missing (medtwin's statements carry one)")
    if "id" in statement:
        _uuid(statement["id"], "id", problems)
    for key in ("timestamp", "stored"):
        if key in statement:
            _timestamp(statement[key], key, problems)
    if "actor" in statement:
        _agent_or_group(statement["actor"], "actor", problems)
    if "verb" in statement:
        _verb(statement["verb"], problems)
    is_activity = True
    if "object" in statement:
        is_activity = _object(statement["object"], "object", problems)
    if "result" in statement:
        _result(statement["result"], problems)
    if "context" in statement:
        _context(statement["context"], is_activity, problems)
    if "authority" in statement:
        _agent_or_group(statement["authority"], "authority", problems)
    if "version" in statement and not (
        isinstance(statement["version"], str) and _VERSION.match(statement["version"])
    ):
        problems.append(f"version: {_shown(statement['version'])} is not a 1.0.x version")
    if "attachments" in statement and not isinstance(statement["attachments"], list):
        problems.append("attachments: is not a list")
    return problems


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown(data: Mapping, allowed: set[str], path: str, problems: list[str]) -> None:
    extra = sorted(str(key) for key in data if key not in allowed)
    if extra:
        problems.append(
            f"{path}: {', '.join(extra)} not allowed here (allowed: {', '.join(sorted(allowed))})"
        )


def is_iri(value: Any) -> bool:
    """An absolute IRI: a scheme, a colon, and no spaces or forbidden characters."""
    return isinstance(value, str) and bool(_IRI.match(value))


def _iri(value: Any, path: str, problems: list[str]) -> None:
    if not is_iri(value):
        problems.append(f"{path}: {_shown(value)} is not an absolute IRI (e.g. https://...)")


def _uuid(value: Any, path: str, problems: list[str]) -> None:
    ok = isinstance(value, str) and bool(_UUID.match(value))
    if ok:
        ok = str(uuid.UUID(value)) == value
    if not ok:
        problems.append(f"{path}: {_shown(value)} is not a UUID (lower-case RFC 4122 form)")


def _timestamp(value: Any, path: str, problems: list[str]) -> None:
    ok = isinstance(value, str) and bool(_TIMESTAMP.match(value))
    if ok:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            ok = False
    if not ok:
        problems.append(
            f"{path}: {_shown(value)} is not an ISO 8601 timestamp with a time zone "
            "(e.g. 2026-01-31T09:00:00.000Z)"
        )


def _language_map(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: is not a language map (e.g. {{'en-US': '...'}})")
        return
    for tag, text in value.items():
        if not (isinstance(tag, str) and _LANGUAGE.match(tag)):
            problems.append(f"{path}: {_shown(tag)} is not a language tag (RFC 5646)")
        if not isinstance(text, str):
            problems.append(f"{path}.{tag}: {_shown(text)} is not a string")


def _extensions(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: is not an object keyed by IRIs")
        return
    for key in value:
        if not is_iri(key):
            problems.append(f"{path}: key {_shown(key)} is not an absolute IRI")


def _agent_or_group(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: {_shown(value)} is not an Agent or Group object")
        return
    kind = value.get("objectType", "Agent")
    if kind not in ("Agent", "Group"):
        problems.append(f"{path}.objectType: {_shown(kind)} is not Agent or Group")
        return
    _unknown(value, AGENT_KEYS if kind == "Group" else AGENT_KEYS - {"member"}, path, problems)
    if "name" in value and not isinstance(value["name"], str):
        problems.append(f"{path}.name: {_shown(value['name'])} is not a string")
    given = [key for key in IFI_KEYS if key in value]
    if kind == "Agent" and len(given) != 1:
        problems.append(
            f"{path}: an Agent needs exactly one of mbox, mbox_sha1sum, openid, account "
            f"(given: {', '.join(given) or 'none'})"
        )
    if kind == "Group":
        if len(given) > 1:
            problems.append(
                f"{path}: a Group has at most one identifier (given: {', '.join(given)})"
            )
        members = value.get("member")
        if not given and not isinstance(members, list):
            problems.append(f"{path}.member: an anonymous Group lists its members")
        for index, member in enumerate(members if isinstance(members, list) else []):
            if isinstance(member, Mapping) and member.get("objectType", "Agent") != "Agent":
                problems.append(f"{path}.member[{index}]: a Group's members are Agents")
            else:
                _agent_or_group(member, f"{path}.member[{index}]", problems)
    _ifi(value, given, path, problems)


def _ifi(value: Mapping, given: list[str], path: str, problems: list[str]) -> None:
    if "mbox" in given and not (isinstance(value["mbox"], str) and _MAILTO.match(value["mbox"])):
        problems.append(f"{path}.mbox: {_shown(value['mbox'])} is not a mailto: IRI")
    if "mbox_sha1sum" in given and not (
        isinstance(value["mbox_sha1sum"], str) and _SHA1.match(value["mbox_sha1sum"])
    ):
        problems.append(f"{path}.mbox_sha1sum: is not 40 lower-case hex digits")
    if "openid" in given:
        _iri(value["openid"], f"{path}.openid", problems)
    if "account" in given:
        account = value["account"]
        if not isinstance(account, Mapping):
            problems.append(f"{path}.account: is not an object with homePage and name")
            return
        _unknown(account, {"homePage", "name"}, f"{path}.account", problems)
        _iri(account.get("homePage"), f"{path}.account.homePage", problems)
        if not (isinstance(account.get("name"), str) and account["name"]):
            problems.append(f"{path}.account.name: {_shown(account.get('name'))} is not a name")


def _verb(value: Any, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"verb: {_shown(value)} is not an object with an id")
        return
    _unknown(value, {"id", "display"}, "verb", problems)
    _iri(value.get("id"), "verb.id", problems)
    if "display" in value:
        _language_map(value["display"], "verb.display", problems)


def _object(value: Any, path: str, problems: list[str]) -> bool:
    """Check a statement's object; True if it is an Activity."""
    if not isinstance(value, Mapping):
        problems.append(f"{path}: {_shown(value)} is not an object")
        return False
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, path, problems)
        return True
    if kind in ("Agent", "Group"):
        _agent_or_group(value, path, problems)
    elif kind == "StatementRef":
        _unknown(value, {"objectType", "id"}, path, problems)
        _uuid(value.get("id"), f"{path}.id", problems)
    elif kind == "SubStatement":
        _unknown(value, SUBSTATEMENT_KEYS, path, problems)
        inner = value.get("object")
        if isinstance(inner, Mapping) and inner.get("objectType") == "SubStatement":
            problems.append(f"{path}.object: a SubStatement cannot hold another")
    else:
        problems.append(
            f"{path}.objectType: {_shown(kind)} is not one of Activity, Agent, Group, "
            "StatementRef, SubStatement"
        )
    return False


def _activity(value: Mapping, path: str, problems: list[str]) -> None:
    _unknown(value, {"objectType", "id", "definition"}, path, problems)
    _iri(value.get("id"), f"{path}.id", problems)
    definition = value.get("definition")
    if definition is None:
        return
    if not isinstance(definition, Mapping):
        problems.append(f"{path}.definition: is not an object")
        return
    _unknown(definition, DEFINITION_KEYS, f"{path}.definition", problems)
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], f"{path}.definition.{key}", problems)
    for key in ("type", "moreInfo"):
        if key in definition:
            _iri(definition[key], f"{path}.definition.{key}", problems)
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{path}.definition.extensions", problems)


def _result(value: Any, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"result: {_shown(value)} is not an object")
        return
    _unknown(value, RESULT_KEYS, "result", problems)
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            problems.append(f"result.{key}: {_shown(value[key])} is not true or false")
    if "response" in value and not isinstance(value["response"], str):
        problems.append(f"result.response: {_shown(value['response'])} is not a string")
    if "duration" in value and not (
        isinstance(value["duration"], str) and _DURATION.match(value["duration"])
    ):
        problems.append(
            f"result.duration: {_shown(value['duration'])} is not an ISO 8601 duration "
            "(e.g. PT402S)"
        )
    if "extensions" in value:
        _extensions(value["extensions"], "result.extensions", problems)
    if "score" in value:
        _score(value["score"], problems)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _score(score: Any, problems: list[str]) -> None:
    if not isinstance(score, Mapping):
        problems.append("result.score: is not an object")
        return
    _unknown(score, {"scaled", "raw", "min", "max"}, "result.score", problems)
    for key in ("scaled", "raw", "min", "max"):
        if key in score and not _number(score[key]):
            problems.append(f"result.score.{key}: {_shown(score[key])} is not a number")
    if _number(score.get("scaled")) and not -1 <= score["scaled"] <= 1:
        problems.append(f"result.score.scaled: {score['scaled']!r} is not within [-1, 1]")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if _number(low) and _number(high) and low > high:
        problems.append(f"result.score: min {low!r} is above max {high!r}")
    if _number(raw) and _number(low) and raw < low:
        problems.append(f"result.score.raw: {raw!r} is below min {low!r}")
    if _number(raw) and _number(high) and raw > high:
        problems.append(f"result.score.raw: {raw!r} is above max {high!r}")


def _context(value: Any, is_activity: bool, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"context: {_shown(value)} is not an object")
        return
    _unknown(value, CONTEXT_KEYS, "context", problems)
    if "registration" in value:
        _uuid(value["registration"], "context.registration", problems)
    if "instructor" in value:
        _agent_or_group(value["instructor"], "context.instructor", problems)
    if "team" in value:
        team = value["team"]
        if isinstance(team, Mapping) and team.get("objectType") != "Group":
            problems.append("context.team: is not a Group (objectType Group)")
        else:
            _agent_or_group(team, "context.team", problems)
    for key in ("revision", "platform"):
        if key in value:
            if not isinstance(value[key], str):
                problems.append(f"context.{key}: {_shown(value[key])} is not a string")
            if not is_activity:
                problems.append(f"context.{key}: allowed only when the object is an Activity")
    if "language" in value and not (
        isinstance(value["language"], str) and _LANGUAGE.match(value["language"])
    ):
        problems.append(f"context.language: {_shown(value['language'])} is not a language tag")
    if "statement" in value:
        _object(
            {**_as_mapping(value["statement"]), "objectType": "StatementRef"},
            "context.statement",
            problems,
        )
    if "extensions" in value:
        _extensions(value["extensions"], "context.extensions", problems)
    if "contextActivities" in value:
        _context_activities(value["contextActivities"], problems)


def _as_mapping(value: Any) -> dict:
    return dict(value) if isinstance(value, Mapping) else {"id": value}


def _context_activities(value: Any, problems: list[str]) -> None:
    path = "context.contextActivities"
    if not isinstance(value, Mapping):
        problems.append(f"{path}: is not an object")
        return
    _unknown(value, CONTEXT_ACTIVITY_KEYS, path, problems)
    for key, activities in value.items():
        if key not in CONTEXT_ACTIVITY_KEYS:
            continue
        items = activities if isinstance(activities, list) else [activities]
        for index, activity in enumerate(items):
            where = f"{path}.{key}[{index}]"
            if not isinstance(activity, Mapping) or activity.get("objectType", "Activity") != (
                "Activity"
            ):
                problems.append(f"{where}: is not an Activity")
            else:
                _activity(activity, where, problems)
