"""The next case for a learner: the weakest skill, at the difficulty that fits it.

- The weakest skill is the lowest rated of the skills the candidate cases train (a
  skill never scored is rated 0, the middle); ties go to the skill scored less often,
  then by name.
- Among the cases that train it, the one whose expected score for the learner is
  closest to the target success rate is next (ties: the case they ran less often, then
  by name). The default target, 0.85, is the "eighty-five per cent rule" for learning
  at the best rate (Wilson RC, Shenhav A, Straccia M, Cohen JD. The eighty five percent
  rule for optimal learning. Nat Commun 2019;10:4646: an error rate of about 15.87 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medtwin.training.learner.elo import EloModel, expected_score

TARGET_SUCCESS = 0.85


@dataclass(frozen=True)
class CaseInfo:
    """What a candidate case trains and its declared level."""

    name: str
    title: str
    skills: frozenset[str]
    level: int


@dataclass(frozen=True)
class Recommendation:
    case: CaseInfo
    skill: str
    theta: float
    difficulty: float
    expected: float
    runs: int
    """How often the learner ran this case before."""


class LearnerError(ValueError):
    """A learner, skill or case the model does not know."""


def next_case(
    model: EloModel,
    learner: str,
    catalogue: Mapping[str, CaseInfo],
    target: float = TARGET_SUCCESS,
    skill: str | None = None,
) -> Recommendation:
    """The case for `learner` to run next (see the module's docstring)."""
    skills = sorted({s for info in catalogue.values() for s in info.skills})
    if not skills:
        raise LearnerError("the candidate cases train no skill (their objectives name none)")
    if skill is None:
        skill = min(
            skills,
            key=lambda s: (model.skill(learner, s).value, model.skill(learner, s).updates, s),
        )
    elif skill not in skills:
        raise LearnerError(
            f"--skill {skill!r} is not trained by any candidate case (skills: {', '.join(skills)})"
        )
    theta = model.skill(learner, skill).value
    options = []
    for info in catalogue.values():
        if skill not in info.skills:
            continue
        difficulty = model.difficulty(info.name, info.level)
        expected = expected_score(theta, difficulty)
        runs = model.attempts.get((learner, info.name), 0)
        options.append((abs(expected - target), runs, info.name, info, difficulty, expected))
    _, runs, _, info, difficulty, expected = min(options, key=lambda o: o[:3])
    return Recommendation(info, skill, theta, difficulty, expected, runs)
