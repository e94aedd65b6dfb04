"""The learner model (Elo, Pelánek 2016), the next case, and progress per skill.

Pelánek R. Applications of the Elo rating system in adaptive educational systems.
Computers & Education 2016;98:169-179: expected score 1 / (1 + e^-(theta - d)), and
theta += K (score - expected), d -= K (score - expected), K = alpha / (1 + beta n).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.training import bundled_cases, load_case
from medtwin.training.learner.elo import ALPHA, BETA, fit
from medtwin.training.learner.evidence import Attempt, attempts
from medtwin.training.learner.paths import CaseInfo, LearnerError, next_case
from medtwin.training.runner import run_case
from medtwin.training.scoring import score_run
from medtwin.training.xapi.statements import Session, learner_agent, run_statements
from medtwin.training.xapi.store import StatementStore

ALICE = "https://medtwin.invalid|alice"


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def attempt(case: str, skills: dict[str, float], at: int, level: int = 3, who: str = ALICE):
    return Attempt(who, case, f"r{at}", f"2026-01-31T09:{at:02d}:00.000Z", True, level, skills)


def test_every_bundled_objective_trains_a_skill_shared_across_cases():
    skills: Counter[str] = Counter()
    for name in bundled_cases():
        case = load_case(name).case
        assert all(o.skill for o in case.objectives), name
        skills.update({o.skill for o in case.objectives})
    assert {"airway", "defibrillation", "vasopressors", "fluid-resuscitation"} <= set(skills)
    shared = [skill for skill, cases in skills.items() if cases >= 2]
    assert len(skills) <= 16 and len(shared) >= 9, skills


def test_an_attempt_moves_the_skill_up_and_the_case_down_by_the_surprise():
    model = fit([attempt("a", {"x": 1.0}, 0)])
    assert model.skill(ALICE, "x").value == pytest.approx(ALPHA * 0.5)
    assert model.difficulty("a") == pytest.approx(-ALPHA * 0.5)
    # the second update: K = alpha / (1 + beta), against the new difficulty
    model.update(attempt("a", {"x": 0.0}, 1))
    expected = logistic(0.5 - (-0.5))
    assert model.skill(ALICE, "x").value == pytest.approx(0.5 - ALPHA / (1 + BETA) * expected)
    assert model.difficulty("a") == pytest.approx(-0.5 + ALPHA / (1 + BETA) * expected)


def test_a_case_starts_at_its_declared_level_and_moves_once_per_attempt():
    model = fit([attempt("hard", {"x": 1.0, "y": 0.0}, 0, level=5)])
    start = 1.0  # level 5: one logit above the middle
    surprise_x, surprise_y = 1 - logistic(-start), 0 - logistic(-start)
    assert model.skill(ALICE, "x").value == pytest.approx(surprise_x)
    assert model.skill(ALICE, "y").value == pytest.approx(surprise_y)
    assert model.difficulty("hard") == pytest.approx(start - (surprise_x + surprise_y) / 2)
    assert model.cases["hard"].updates == 1
    assert model.difficulty("unseen", 1) == -1.0


CATALOGUE = {
    "easy-x": CaseInfo("easy-x", "Easy X", frozenset({"x"}), 1),
    "hard-x": CaseInfo("hard-x", "Hard X", frozenset({"x"}), 5),
    "middle-y": CaseInfo("middle-y", "Middle Y", frozenset({"y"}), 3),
}


def test_the_next_case_trains_the_weakest_skill_at_the_target_success():
    model = fit([attempt("middle-y", {"y": 1.0}, 0), attempt("hard-x", {"x": 0.0}, 1, level=5)])
    weak = model.skill(ALICE, "x").value
    assert weak < 0 < model.skill(ALICE, "y").value
    pick = next_case(model, ALICE, CATALOGUE, target=0.85)
    assert pick.skill == "x" and pick.case.name == "easy-x"
    assert pick.expected == pytest.approx(logistic(weak - model.difficulty("easy-x", 1)))
    # aiming low picks the hard case instead
    assert next_case(model, ALICE, CATALOGUE, target=0.1).case.name == "hard-x"
    assert next_case(model, ALICE, CATALOGUE, skill="y").case.name == "middle-y"
    with pytest.raises(LearnerError, match=r"--skill 'z' is not trained .*\(skills: x, y\)"):
        next_case(model, ALICE, CATALOGUE, skill="z")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """A store with alice's best then worst run of one case, and bob's best run."""
    url = f"sqlite:///{tmp_path_factory.mktemp('learner') / 'store.db'}"
    loaded = load_case("mobitz-ii-block")
    runs = {}
    for script in ("best", "worst"):
        result = run_case(loaded, loaded.case.trainees[script], script, "off")
        runs[script] = (result.log, score_run(loaded.case, result.log))
    with StatementStore(url) as store:
        for who, script, hour in (
            ("alice", "best", 9),
            ("alice", "worst", 10),
            ("bob", "best", 11),
        ):
            session = Session(learner_agent(who), datetime(2026, 1, 31, hour, tzinfo=UTC))
            store.add(run_statements(loaded, *runs[script], session))
    return url


def test_the_model_is_replayed_from_the_stored_results(store_url):
    with StatementStore(store_url) as store:
        found = attempts(store.statements())
    assert [(a.learner.split("|")[1], a.skills, a.passed) for a in found] == [
        ("alice", {"arrhythmia-drugs": 1.0}, True),
        ("alice", {"arrhythmia-drugs": 0.0}, False),
        ("bob", {"arrhythmia-drugs": 1.0}, True),
    ]
    model = fit(found)
    d0 = (load_case("mobitz-ii-block").case.difficulty - 3) * 0.5  # its declared level
    theta = 1 - logistic(-d0)
    d1 = d0 - theta
    theta2 = theta + ALPHA / (1 + BETA) * (0 - logistic(theta - d1))
    assert model.skill(ALICE, "arrhythmia-drugs").value == pytest.approx(theta2)
    assert model.cases["mobitz-ii-block"].updates == 3, "bob's run moved the case too"


def invoke(*args: str):
    return CliRunner().invoke(app, ["learner", *args], env={"COLUMNS": "200"})


def test_progress_shows_mastery_per_skill_and_plots_it_the_same_each_time(store_url, tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    result = invoke("progress", "alice", "--store", store_url, "--plot", str(first))
    assert result.exit_code == 0, result.output
    with StatementStore(store_url) as store:
        theta = fit(attempts(store.statements())).skill(ALICE, "arrhythmia-drugs").value
    row = next(line for line in result.output.splitlines() if "arrhythmia-drugs" in line)
    assert f"{logistic(theta):.0%}" in row and f"{theta:+.2f}" in row
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    invoke("progress", "alice", "--store", store_url, "--plot", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_next_names_the_case_that_fits_the_weakest_skill_best(store_url):
    result = invoke("next", "alice", "--store", store_url)
    assert result.exit_code == 0, result.output
    name = result.output.split("next for alice: ")[1].split()[0]
    skill = result.output.split("skill ")[1].split(":")[0]
    with StatementStore(store_url) as store:
        model = fit(attempts(store.statements()))
    theta = model.skill(ALICE, "arrhythmia-drugs").value
    assert theta < 0 and skill == "arrhythmia-drugs", "scored below a skill never scored (0)"
    fits = {}
    for case_name in bundled_cases():
        case = load_case(case_name).case
        if skill in {o.skill for o in case.objectives}:
            expected = logistic(theta - model.difficulty(case_name, case.difficulty))
            fits[case_name] = abs(expected - 0.85)
    assert len(fits) >= 2 and name == min(fits, key=fits.get)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["next", "carol"], "LEARNER 'carol' has no complete run in"),
        (["next", "alice", "--case", "no-such-case"], "--case 'no-such-case': no such case file"),
        (["next", "alice", "--skill", "juggling"], "--skill 'juggling' is not trained"),
        (["progress", "alice", "--plot", "/no/such/folder/p.png"], "folder /no/such/folder"),
        (["next", "alice", "--store", "nosuchdb://x"], "cannot open the statements store"),
    ],
)
def test_bad_input_is_one_line_naming_it(store_url, args, message):
    if "--store" not in args:
        args = [*args, "--store", store_url]
    result = invoke(*args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output


ARGUMENT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(learner=ARGUMENT, skill=st.none() | ARGUMENT)
def test_any_learner_and_skill_give_an_answer_or_one_line(store_url, learner, skill):
    args = ["next", learner, "--store", store_url] + ([] if skill is None else ["--skill", skill])
    result = invoke(*args)
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.fuzz
@settings(
    max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(learner=ARGUMENT, skill=st.none() | ARGUMENT)
def test_fuzz_the_learner_arguments(store_url, learner, skill):
    test_any_learner_and_skill_give_an_answer_or_one_line.hypothesis.inner_test(
        store_url, learner, skill
    )
