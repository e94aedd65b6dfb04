"""A trial lists the works it uses: its arms' twins and orders, and its statistics."""

from medtwin import pharmacology
from medtwin.citations import bibliography
from medtwin.trials import load_trial, trial_citations
from medtwin.trials.commands import bundled_trials


def _reference(key):
    return bibliography()[key].reference


def test_bundled_trials_cite_their_arms_orders_and_intervals():
    trials = bundled_trials()
    glucose = trial_citations(load_trial(trials["controllers-t1d"]))
    assert {_reference("steil2006"), _reference("walsh2006pumping"),
            _reference("altman1991")} <= set(glucose)  # fmt: skip
    assert _reference("walsh2013") not in glucose
    cardio = trial_citations(load_trial(trials["vasopressors-post-induction"]))
    assert {_reference("ursino1998"), _reference("walsh2013"), _reference("altman1991")} <= set(
        cardio
    )
    assert _reference("steil2006") not in cardio
    for given in ("propofol", "phenylephrine", "ephedrine"):
        assert set(pharmacology.drug(given).sources) <= set(cardio)
    assert not set(pharmacology.drug("norepinephrine").sources) & set(cardio)
