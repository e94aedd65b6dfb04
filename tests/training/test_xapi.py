"""xAPI 1.0.3 statements of a run, their validation, reading them back, and the store.

The structure checked is the xAPI specification's, version 1.0.3 (ADL 2016, part two,
section 2.4); the verbs are ADL's and the MedBiquitous Virtual Patient profile's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.training import load_case
from medtwin.training.errors import CaseError
from medtwin.training.runner import run_case
from medtwin.training.scoring import score_run
from medtwin.training.xapi import vocabulary as v
from medtwin.training.xapi.reading import read_statements
from medtwin.training.xapi.statements import (
    Session,
    iso_duration,
    learner_agent,
    run_statements,
    to_json_lines,
)
from medtwin.training.xapi.store import DELIVERED, REJECTED, StatementStore, StoreConflictError
from medtwin.training.xapi.validation import statement_problems

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
CASE = "mobitz-ii-block"


def session(learner: str = "alice", start: datetime = START) -> Session:
    return Session(learner_agent(learner), start)


@pytest.fixture(scope="module")
def runs():
    """The bundled case's best and worst runs, with the coach giving hints."""
    loaded = load_case(CASE)
    found = {}
    for name in ("best", "worst"):
        result = run_case(loaded, loaded.case.trainees[name], name, "hints")
        found[name] = (loaded, result.log, score_run(loaded.case, result.log))
    return found


def verb(statement) -> str:
    return statement["verb"]["display"]["en-US"]


def test_a_run_gives_one_valid_statement_per_moment_in_order(runs):
    loaded, log, score = runs["worst"]
    statements = run_statements(loaded, log, score, session())
    assert all(statement_problems(s) == [] for s in statements)
    assert verb(statements[0]) == "initialized"
    assert statements[0]["object"]["definition"]["type"] == v.SIMULATION
    trainee = [e for e in log.of("action") if e["source"] == "trainee"]
    interacted = [s for s in statements if verb(s) == "interacted"]
    assert [s["result"]["response"] for s in interacted] == [e["order"] for e in trainee]
    for statement, entry in zip(interacted, trainee, strict=True):
        extensions = statement["result"]["extensions"]
        assert extensions[v.SIMULATION_TIME] == entry.time_s
        assert {"heart_rate", "mean_arterial_pressure", "spo2", "rhythm"} <= set(
            extensions[v.VITALS]
        )
    prompts = log.of("prompt")
    experienced = [s for s in statements if verb(s) == "experienced"]
    assert prompts and len(experienced) == len(prompts)
    assert [s["result"]["extensions"][v.extension("prompt")] for s in experienced] == [
        p["text"] for p in prompts
    ]
    assert all(s["context"]["instructor"]["name"] == "medtwin coach" for s in experienced)
    # the verdict closes the statements, and the missed critical action is 'ignored'
    assert verb(statements[-1]) == "failed" and statements[-1]["result"]["success"] is False
    ignored = [s for s in statements if verb(s) == "ignored"]
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in ignored] == ["atropine"]
    times = [s["timestamp"] for s in statements]
    assert times == sorted(times)
    assert all(
        {"id": v.VIRTUAL_PATIENT_PROFILE} in s["context"]["contextActivities"]["category"]
        for s in statements
    )


def test_the_objectives_scores_carry_their_skill_and_weight(runs):
    loaded, log, score = runs["best"]
    statements = run_statements(loaded, log, score, session())
    scored = [s for s in statements if verb(s) == "scored"]
    objective = loaded.case.objectives[0]
    assert [s["result"]["extensions"][v.SKILL] for s in scored] == ["arrhythmia-drugs"]
    assert scored[0]["result"]["score"]["scaled"] == score.objectives[0].score == 1.0
    assert scored[0]["result"]["extensions"][v.extension("weight")] == objective.weight
    assert verb(statements[-1]) == "passed" and statements[-1]["result"]["score"]["scaled"] == 1.0


def test_the_same_run_gives_the_same_bytes_and_another_learner_other_ids(runs):
    loaded, log, score = runs["best"]
    once = to_json_lines(run_statements(loaded, log, score, session()))
    again = to_json_lines(run_statements(loaded, log, score, session()))
    assert once == again
    other = run_statements(loaded, log, score, session("bob"))
    later = run_statements(loaded, log, score, session(start=START.replace(hour=10)))
    ids = {json.loads(line)["id"] for line in once.splitlines()}
    assert len(ids) == len(once.splitlines()), "ids are unique within a run"
    assert ids.isdisjoint(s["id"] for s in other)
    assert ids.isdisjoint(s["id"] for s in later)


def test_durations_are_iso_8601_at_any_size():
    assert iso_duration(402.0) == "PT402S"
    assert iso_duration(1.25) == "PT1.25S"
    assert iso_duration(1e6) == "PT1000000S"  # f"{1e6:g}" would be '1e+06'


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {
                "actor": {
                    "mbox": "mailto:a@b.org",
                    "account": {"homePage": "https://x", "name": "a"},
                }
            },
            "actor: an Agent needs exactly one of mbox, mbox_sha1sum, openid, account "
            "(given: mbox, account)",
        ),
        ({"verb": {"id": "passed"}}, "verb.id: 'passed' is not an absolute IRI"),
        ({"id": "not-a-uuid"}, "id: 'not-a-uuid' is not a UUID"),
        ({"timestamp": "2026-01-31T09:00:00"}, "timestamp: '2026-01-31T09:00:00' is not an ISO"),
        ({"result": {"score": {"scaled": 1.5}}}, "result.score.scaled: 1.5 is not within [-1, 1]"),
        ({"result": {"score": {"raw": 5, "max": 2}}}, "result.score.raw: 5 is above max 2"),
        ({"result": {"duration": "402 s"}}, "result.duration: '402 s' is not an ISO 8601 duration"),
        (
            {"object": {"objectType": "Agent", "mbox": "mailto:a@b.org"}},
            "context.platform: allowed only when the object is an Activity",
        ),
        ({"colour": "blue"}, "statement: colour not allowed here"),
    ],
)
def test_a_malformed_statement_is_refused_naming_the_field(runs, change, problem):
    loaded, log, score = runs["best"]
    statement = {**run_statements(loaded, log, score, session())[0], **change}
    problems = statement_problems(statement)
    assert any(p.startswith(problem) for p in problems), problems


def test_statements_read_back_as_written_and_bad_lines_are_named(runs, tmp_path):
    loaded, log, score = runs["best"]
    statements = run_statements(loaded, log, score, session())
    assert read_statements(to_json_lines(statements)) == statements
    text = to_json_lines(statements[:1]) + "{oops\n" + '{"verb": 3}\n' + "NaN\n"
    with pytest.raises(CaseError) as caught:
        read_statements(text, "x.jsonl")
    lines = caught.value.lines()
    assert lines[0].startswith("x.jsonl:2: not JSON")
    assert any(line.startswith("x.jsonl:3: actor: is missing") for line in lines)
    assert any(line.startswith("x.jsonl:4: not JSON") for line in lines)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["id", "actor", "verb", "object", "result", "context", "mbox", "account",
                         "objectType", "score", "scaled", "definition", "extensions", "member",
                         "timestamp", "registration", "instructor", "contextActivities"])
        | st.text(max_size=8),
        children,
        max_size=6,
    ),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON_VALUES, st.text(max_size=200)))
def test_any_line_is_read_or_refused_in_words(value):
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        statements = read_statements(text)
    except CaseError as error:
        assert error.problems and all(p.message.strip() for p in error.problems)
    else:
        assert all(statement_problems(s) == [] for s in statements)


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(st.one_of(JSON_VALUES, st.text(max_size=200)))
def test_fuzz_reading_statements(value):
    test_any_line_is_read_or_refused_in_words.hypothesis.inner_test(value)


def test_the_store_keeps_each_statement_once_and_refuses_a_changed_one(runs, tmp_path):
    loaded, log, score = runs["best"]
    statements = run_statements(loaded, log, score, session())
    with StatementStore(f"sqlite:///{tmp_path / 'x.db'}") as store:
        assert store.add(statements).stored == len(statements)
        again = store.add(statements)
        assert (again.stored, again.already) == (0, len(statements))
        changed = {**statements[0], "result": {"response": "something else"}}
        with pytest.raises(StoreConflictError, match=statements[0]["id"]):
            store.add([changed])
        assert store.count() == len(statements)
        assert store.statements() == statements, "read back in the order stored, unchanged"
        assert store.learners() == ["https://medtwin.invalid|alice"]


def test_the_outbox_holds_what_an_lrs_has_not_acknowledged(runs, tmp_path):
    loaded, log, score = runs["best"]
    statements = run_statements(loaded, log, score, session())
    with StatementStore(f"sqlite:///{tmp_path / 'x.db'}") as store:
        store.add(statements)
        one, other = "http://a.invalid/xAPI/", "http://b.invalid/xAPI/"
        first = store.outbox(one, 3)
        assert [s for _, s in first] == statements[:3]
        store.mark(one, [seq for seq, _ in first], DELIVERED)
        store.mark(one, [store.outbox(one, 1)[0][0]], REJECTED, "409: conflict")
        assert store.pending(one) == len(statements) - 4
        assert store.pending(other) == len(statements), "each LRS has its own outbox"
        assert store.rejected(one) == [(statements[3]["id"], "409: conflict")]
        assert store.retry_rejected(one) == 1 and store.pending(one) == len(statements) - 3


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_the_ventilators_alarms_are_the_engines_launches():
    """A learning record shows the alarms the learner met: in a ventilated bronchospasm
    the high airway pressure alarm sounds, and each start and end is a statement."""
    loaded = load_case("bronchospasm-ventilated")
    result = run_case(loaded, loaded.case.trainees["worst"], "worst", "off")
    statements = run_statements(loaded, result.log, score_run(loaded.case, result.log), session())
    alarms = [e for e in result.log.of("action") if e["source"] == "equipment"]
    launched = [s for s in statements if s["object"]["id"].endswith("/equipment/ventilator_alarm")]
    assert "ventilator alarm high airway pressure" in [e["order"] for e in alarms]
    assert [s["object"]["definition"]["name"]["en-US"] for s in launched] == [
        e["order"] for e in alarms
    ]
    assert all(s["actor"]["name"] == "medtwin engine" and verb(s) == "launched" for s in launched)


def test_case_run_writes_the_statements_and_stores_them(tmp_path):
    out, url = tmp_path / "out.jsonl", f"sqlite:///{tmp_path / 's.db'}"
    result = invoke(
        "case", "run", CASE, "--trainee", "best", "--report", str(tmp_path / "r.html"),
        "--xapi", str(out), "--learner", "mailto:alice@example.org",
        "--started-at", "2026-01-31T09:00:00Z", "--store", url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    statements = read_statements(out.read_text(encoding="utf-8"))
    assert {s["actor"]["mbox"] for s in statements} == {"mailto:alice@example.org"}
    assert statements[0]["timestamp"] == "2026-01-31T09:00:00.000Z"
    with StatementStore(url) as store:
        assert store.statements() == statements
    imported = invoke("xapi", "import", str(out), "--store", url)
    assert imported.exit_code == 0 and f"0 stored, {len(statements)} already there" in (
        imported.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--started-at", "yesterday"], "--started-at 'yesterday' is not an ISO 8601"),
        (["--started-at", "2026-01-31T09:00:00"], "has no time zone"),
        (["--learner", "mailto:nobody"], "--learner 'mailto:nobody' is not a mailto: address"),
        (["--store", "nosuchdb://x"], "--store 'nosuchdb://x': cannot open the statements store"),
    ],
)
def test_bad_learning_record_options_are_one_line(tmp_path, args, message):
    result = invoke("case", "run", CASE, "--xapi", str(tmp_path / "x.jsonl"), *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output
