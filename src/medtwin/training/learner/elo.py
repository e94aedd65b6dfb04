"""The Elo rating of learners' skills and of cases' difficulty (Pelánek 2016).

Each attempt is a match between a learner's skill and a case (Pelánek R. Applications
of the Elo rating system in adaptive educational systems. Computers & Education
2016;98:169-179): the expected score is the logistic of skill minus difficulty (the
Rasch model's form),

    expected = 1 / (1 + exp(-(theta - d))),

and after a score `s` in [0, 1] the skill moves by `K (s - expected)` and the case's
difficulty by as much the other way. K shrinks with the number of updates `n` made so
far, `K = alpha / (1 + beta n)` (Pelánek 2016, section 2.2, the "uncertainty
function"), so that early attempts move a rating far and later ones fine-tune it.

A case trains several skills: each skill scored in an attempt updates that learner's
rating of it against the case's difficulty, and the case's difficulty moves once per
attempt by the mean of those surprises (each skill's `s - expected`), so a case
that trains three skills is not moved three times as fast. The ratings are a pure
function of the attempts in order: replaying the store gives the same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from medtwin.training.learner.evidence import Attempt

ALPHA = 1.0
BETA = 0.05
"""The uncertainty function's constants: the values of the geography practice system
Pelánek 2016 reports (alpha 1, beta 0.05)."""
MIDDLE_LEVEL = 3
LOGITS_PER_LEVEL = 0.5
"""A case's difficulty before any attempt: its declared level (1-5) as logits around
the middle level, (level - 3) x 0.5, so the easiest starts 1 logit below the middle
(an expected score of 0.73 for a new learner) and the hardest 1 above (0.27). This is
the case author's guess, which attempts then correct: a prior, not a measurement."""


def expected_score(theta: float, difficulty: float) -> float:
    """The expected score of skill `theta` on a case of `difficulty` (logits)."""
    return 1.0 / (1.0 + math.exp(-(theta - difficulty)))


def uncertainty(updates: int) -> float:
    """K after `updates` earlier updates (Pelánek 2016)."""
    return ALPHA / (1.0 + BETA * updates)


def prior_difficulty(level: int | None) -> float:
    return 0.0 if level is None else (level - MIDDLE_LEVEL) * LOGITS_PER_LEVEL


@dataclass(frozen=True)
class Step:
    """One update of a learner's skill: the attempt, the score, what was expected and
    the rating after it."""

    case: str
    timestamp: str
    score: float
    expected: float
    theta: float


@dataclass
class Rating:
    value: float = 0.0
    updates: int = 0
    history: list[Step] = field(default_factory=list)


@dataclass
class EloModel:
    """Skill ratings by (learner, skill), case difficulties by case name."""

    skills: dict[tuple[str, str], Rating] = field(default_factory=lambda: defaultdict(Rating))
    cases: dict[str, Rating] = field(default_factory=dict)
    attempts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    """How often each learner ran each case."""

    def learners(self) -> list[str]:
        return sorted({learner for learner, _ in self.attempts})

    def skill(self, learner: str, skill: str) -> Rating:
        """The learner's rating of `skill` (0 logits, no updates, if never scored)."""
        return self.skills.get((learner, skill)) or Rating()

    def learner_skills(self, learner: str) -> dict[str, Rating]:
        return {s: r for (who, s), r in sorted(self.skills.items()) if who == learner}

    def difficulty(self, case: str, declared_level: int | None = None) -> float:
        rating = self.cases.get(case)
        return prior_difficulty(declared_level) if rating is None else rating.value

    def update(self, attempt: Attempt) -> None:
        case = self.cases.setdefault(
            attempt.case, Rating(prior_difficulty(attempt.declared_difficulty))
        )
        self.attempts[(attempt.learner, attempt.case)] += 1
        surprises = []
        for skill, score in attempt.skills.items():
            rating = self.skills[(attempt.learner, skill)]
            expected = expected_score(rating.value, case.value)
            surprises.append(score - expected)
            rating.value += uncertainty(rating.updates) * (score - expected)
            rating.updates += 1
            rating.history.append(
                Step(attempt.case, attempt.timestamp, score, expected, rating.value)
            )
        if surprises:
            case.value -= uncertainty(case.updates) * sum(surprises) / len(surprises)
            case.updates += 1


def fit(attempts: Iterable[Attempt]) -> EloModel:
    """The ratings after replaying `attempts` in order."""
    model = EloModel()
    for attempt in attempts:
        model.update(attempt)
    return model
