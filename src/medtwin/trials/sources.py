"""The works a trial uses, as full references (the trial's `Twin.citations`).

A glucose trial cites, for every arm, what a run of that arm's scenario uses
(`glucose.simulation.run_sources`: model and patients, measures, controller, sensor and
pump), the patient generator's source for a generated cohort, and the intervals'. A
cardiopulmonary trial cites what a twin given the trial's orders cites
(`citations.citations_for`: the engine's parameters and every drug ordered, with its
default PK model), the hypotension threshold's source and the intervals'.
"""

from __future__ import annotations

from medtwin.glucose.generator import SOURCES as GENERATOR_SOURCES
from medtwin.glucose.meals import parse_meals
from medtwin.glucose.simulation import Scenario, run_sources
from medtwin.trials import cardio_arm, summary
from medtwin.trials.spec import CardioTrial, GlucoseTrial, Trial


def trial_citations(trial: Trial) -> list[str]:
    """The full references of the sources `trial` uses, sorted."""
    from medtwin.citations import bibliography  # the drug library behind it: on use

    works = bibliography()
    keys = list(summary.SOURCES)
    if isinstance(trial, GlucoseTrial):
        keys += _glucose_keys(trial)
        return sorted({works[key].reference for key in keys})
    keys += cardio_arm.SOURCES
    return sorted({works[key].reference for key in keys} | set(_cardio_citations(trial)))


def _glucose_keys(trial: GlucoseTrial) -> list[str]:
    meals = None if trial.meals.strip().lower() == "random" else parse_meals(trial.meals)
    keys = list(GENERATOR_SOURCES) if trial.cohort.generated is not None else []
    for arm in trial.arms:
        keys += run_sources(Scenario(meals=meals, days=trial.days, controller=arm.controller,
                                     sensor=arm.sensor, pump=arm.pump))  # fmt: skip
    return keys


def _cardio_citations(trial: CardioTrial) -> list[str]:
    from medtwin import generate_population
    from medtwin.actions import parse_order
    from medtwin.citations import citations_for

    orders = [*trial.at_start, *(arm.vasopressor for arm in trial.arms if arm.vasopressor)]
    drugs = {name: None for text in orders if (name := getattr(parse_order(text), "drug", None))}
    # Generated adults carry no chronic conditions: every patient cites the same works.
    return citations_for(generate_population(1, seed=trial.seed)[0], drugs)
