"""A learner's progress: each skill's rating as a table and as a plot (PNG).

What is shown for a skill is its expected score on a case of middle difficulty (level
3, 0 logits): the logistic of the rating, in [0, 1], read against a case's default
pass score (0.6, `scoring.pass_score` of the case format).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medtwin.training.learner.elo import EloModel, expected_score
from medtwin.training.model import Scoring

PASS_SCORE = Scoring().pass_score


@dataclass(frozen=True)
class SkillProgress:
    skill: str
    mastery: float
    """Expected score on a middle case."""
    theta: float
    updates: int
    last_score: float
    trend: float
    """Mastery now less mastery before the last update."""


def progress(model: EloModel, learner: str) -> list[SkillProgress]:
    rows = []
    for skill, rating in model.learner_skills(learner).items():
        before = rating.history[-2].theta if len(rating.history) > 1 else 0.0
        mastery = expected_score(rating.value, 0.0)
        rows.append(
            SkillProgress(
                skill,
                mastery,
                rating.value,
                rating.updates,
                rating.history[-1].score,
                mastery - expected_score(before, 0.0),
            )
        )
    return sorted(rows, key=lambda row: (row.mastery, row.skill))


def plot_progress(model: EloModel, learner: str, title: str, path: Path) -> None:
    """Each skill's expected score on a middle case after each of its updates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=100)
    for skill, rating in model.learner_skills(learner).items():
        points = [0.5] + [expected_score(step.theta, 0.0) for step in rating.history]
        axis.plot(range(len(points)), points, marker="o", label=skill)
    axis.axhline(PASS_SCORE, color="grey", linestyle="--", linewidth=1, label="pass score")
    axis.set_ylim(0, 1)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_xlabel("runs that scored the skill")
    axis.set_ylabel("expected score, middle case")
    axis.set_title(title)
    axis.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize="small")
    figure.tight_layout()
    figure.savefig(path, format="png", metadata={"Software": None})
    plt.close(figure)
