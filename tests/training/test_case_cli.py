"""`medtwin case ...` at the terminal, the coach, and the what-if replay."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.training import bundled_cases, load_case
from medtwin.training.runlog import RunLog, records
from medtwin.training.runner import CaseRun, run_case
from medtwin.training.whatif import what_if


def invoke(*args: str):
    return CliRunner().invoke(app, ["case", *args], env={"COLUMNS": "100"})


def test_list_names_gives_one_bundled_case_a_line():
    result = invoke("list", "--names")
    assert result.exit_code == 0
    assert result.output.split() == sorted(bundled_cases())


def test_validate_exits_1_with_every_problem_located(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ntitle: Bad\ndifficulty: 9\n", encoding="utf-8")
    result = invoke("validate", "vf-arrest", str(path))
    assert result.exit_code == 1
    assert "vf-arrest: valid" in result.output
    assert f"{path}:3: difficulty = 9 is not allowed" in result.output
    assert f"{path}:1: objectives is missing" in result.output


@pytest.fixture(scope="module")
def worst_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    log, report = folder / "run.jsonl", folder / "debrief.html"
    result = invoke(
        "run",
        "vf-arrest",
        "--trainee",
        "worst",
        "--log",
        str(log),
        "--report",
        str(report),
        "--coach",
        "full",
    )
    return result, log, report


def test_a_failing_run_exits_1_and_writes_its_log_and_an_offline_report(worst_run):
    result, log, report = worst_run
    assert result.exit_code == 1
    assert (
        "FAIL" in result.output and "gates failed: death, missed:cpr, missed:defib" in result.output
    )
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page and "Expected actions" in page and "Debrief points" in page
    assert not re.search(r"(src|href)=['\"]https?:", page), "nothing is fetched from elsewhere"
    assert RunLog.from_json_lines(log.read_text()).start["trainee"] == "worst"


def test_a_passing_run_exits_0_and_a_trainee_file_is_read(tmp_path):
    script = tmp_path / "me.yaml"
    script.write_text(
        "- {at: 5 s, order: start CPR rate 110 depth 5.5 cm}\n"
        "- {at: 60 s, order: stop CPR}\n- {at: 61 s, order: defibrillate 200 J}\n"
        "- {phase: rosc, after: 10 s, order: bag-valve-mask rate 10 volume 500 mL FiO2 1}\n",
        encoding="utf-8",
    )
    assert invoke("run", "vf-arrest", "--trainee", "best").exit_code == 0
    result = invoke("run", "vf-arrest", "--trainee", str(script))
    assert "missed" in result.output  # ventilation came after its window
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {at: 5 s, order: start CPR rate 300}\n", encoding="utf-8")
    refused = invoke("run", "vf-arrest", "--trainee", str(bad))
    assert refused.exit_code == 2 and "rate_per_min = 300.0 is not allowed" in refused.output


def test_score_reads_the_log_alone(worst_run):
    _, log, _ = worst_run
    result = invoke("score", str(log))
    assert (
        result.exit_code == 1 and "gates failed: death, missed:cpr, missed:defib" in result.output
    )


def test_the_coach_prompts_from_the_rules_and_from_the_look_ahead(worst_run):
    _, log, _ = worst_run
    prompts = {
        entry["rule"]: entry for entry in RunLog.from_json_lines(log.read_text()).of("prompt")
    }
    assert prompts["due:cpr"].time_s == 30.0  # half-way through its 1-minute window
    assert prompts["late:cpr"].time_s == 61.0
    ahead = prompts["ahead:rhythm is asystole"]
    assert ahead["text"].startswith(
        "If nothing changes, the fibrillation fades to asystole in about"
    )
    asystole = next(
        e
        for e in RunLog.from_json_lines(log.read_text()).of("action")
        if e["order"] == "rhythm asystole"
    )
    assert ahead.time_s < asystole.time_s, "the look-ahead said it before it happened"


def test_what_if_replays_the_run_exactly_then_forks_it(worst_run):
    _, log_path, _ = worst_run
    loaded = load_case("vf-arrest")
    log = RunLog.from_json_lines(log_path.read_text())
    result = what_if(loaded, log, 60.0, "defibrillate 200 J")

    def lines(run_log):
        return [e.to_json() for e in run_log if e.type not in ("start", "prompt")]

    assert lines(result.original.log) == lines(log), "the replay is the run, bit for bit"
    assert result.original_score.gate_failures == ("death", "missed:cpr", "missed:defib")
    assert result.changed_score.alive and "missed:defib" not in result.changed_score.gate_failures
    shock = [e for e in result.changed.log.of("action") if e["order"] == "defibrillate 200 J"]
    assert [e.time_s for e in shock] == [60.0] and shock[0]["note"] == "what-if"


def test_whatif_command_writes_both_courses(worst_run, tmp_path):
    _, log, _ = worst_run
    report = tmp_path / "whatif.html"
    result = invoke(
        "whatif",
        str(log),
        "--at",
        "1 min",
        "--action",
        "defibrillate 200 J",
        "--report",
        str(report),
    )
    assert result.exit_code == 0, result.output
    assert "as it was: FAIL" in result.output and "patient alive" in result.output
    assert report.read_text().count("<svg") == 6
    assert invoke("whatif", str(log), "--at", "99 min", "--action", "extubate").exit_code == 2


def test_a_fork_goes_on_independently_and_the_log_gives_plain_records():
    loaded = load_case("vf-arrest")
    run = CaseRun(loaded, loaded.case.trainees["best"], "best")
    run.run(until_s=50)
    fork = run.fork()
    fork.give("defibrillate 200 J")
    assert run_case(loaded, loaded.case.trainees["best"], "best").log.to_json_lines() == (
        run.run().log.to_json_lines()
    )
    rows = records(fork.run().log)
    assert rows[0]["type"] == "start" and all("time_s" in row for row in rows)
