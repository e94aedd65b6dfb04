"""Every bundled case tests itself: its best path passes with the patient alive, its worst
path fails with exactly the gates its script expects. As the physiology improves, a case
whose scripts stop giving their outcome fails here.

The physiology behind each outcome is the engine's, validated elsewhere against its
sources (tests/test_arrest.py, test_pneumothorax.py, test_haemorrhage.py, test_asthma.py,
test_rescue.py, test_rhythms.py); the cases' own guidelines are cited in each case file.
"""

from __future__ import annotations

import pytest

from medtwin.training import bundled_cases, load_case
from medtwin.training.runlog import RunLog
from medtwin.training.runner import run_case
from medtwin.training.scoring import score_run

CASES = sorted(bundled_cases())
REQUIRED = {
    "vf-arrest",
    "tension-pneumothorax",
    "haemorrhagic-shock",
    "opioid-overdose",
    "acute-severe-asthma",
    "oesophageal-intubation",
    "complete-heart-block",
    "mobitz-ii-block",
    "svt-adenosine",
    "pulseless-vt",
    "traumatic-pea-arrest",
    "post-induction-hypotension",
    "deteriorating-ward-patient",
    "bronchospasm-ventilated",
    "tension-pneumothorax-ventilated",
    "endobronchial-intubation",
}


def test_the_library_holds_the_cases_of_the_brief_each_with_sources_and_both_scripts():
    assert REQUIRED <= set(CASES)
    assert len(CASES) >= 15, "the issue asks for at least 15 cases"
    for name in CASES:
        case = load_case(name).case
        assert case.name == name
        assert case.sources
        assert {"best", "worst"} <= set(case.trainees)
        assert case.trainees["best"].expect.passes
        assert not case.trainees["worst"].expect.passes
        assert case.trainees["worst"].expect.critical_errors, "a worst path names its failures"


@pytest.fixture(scope="module", params=CASES)
def runs(request):
    loaded = load_case(request.param)
    results = {}
    for trainee in ("best", "worst"):
        result = run_case(loaded, loaded.case.trainees[trainee], trainee)
        results[trainee] = (result, score_run(loaded.case, result.log))
    return loaded, results


def test_the_best_path_passes_and_the_patient_lives(runs):
    _, results = runs
    result, score = results["best"]
    assert score.gate_failures == ()
    assert score.passed, (score.total, score.pass_score)
    assert score.alive
    assert result.log.end["outcome"] == "good"
    assert not result.log.of("refused"), "the best path's orders are all given"


def test_the_worst_path_fails_with_the_expected_critical_errors(runs):
    loaded, results = runs
    _, score = results["worst"]
    expect = loaded.case.trainees["worst"].expect
    assert not score.passed
    assert set(score.gate_failures) == set(expect.critical_errors)
    if expect.alive is not None:
        assert score.alive == expect.alive
    assert score.total < results["best"][1].total


def test_a_run_scored_again_from_its_written_log_scores_the_same(runs):
    loaded, results = runs
    result, score = results["worst"]
    again = RunLog.from_json_lines(result.log.to_json_lines())
    assert score_run(loaded.case, again) == score


def test_the_same_case_script_and_seed_give_the_same_log_bit_for_bit():
    loaded = load_case("vf-arrest")
    first = run_case(loaded, loaded.case.trainees["best"], "best").log.to_json_lines()
    second = run_case(loaded, loaded.case.trainees["best"], "best").log.to_json_lines()
    assert first == second
