"""Fuzzing the order parser and `Twin.apply`: whatever text arrives, the answer is an
action or an `ActionError` naming what is wrong, never another exception (issue 11).

The normal suite runs a small budget; `pytest -m fuzz` runs at least 10,000 generated
and mutated cases each.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtwin import Twin
from medtwin.actions import KINDS, ActionError, parse_order

EXAMPLES = [text for model in KINDS.values() for text in (*model.examples, *model.refusals)]
NUMBERS = st.sampled_from(["0", "-1", "1e-6", "1e300", "nan", "inf", "1,000", ".5", "7"])


@st.composite
def mutated_orders(draw) -> str:
    """An accepted or refused example order with words and numbers swapped, dropped,
    duplicated or replaced by odd characters."""
    words = draw(st.sampled_from(EXAMPLES)).split()
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(words)))
        change = draw(st.sampled_from(["number", "drop", "repeat", "junk"]))
        if change == "number":
            words.insert(where, draw(NUMBERS))
        elif change == "drop" and words:
            words.pop(min(where, len(words) - 1))
        elif change == "repeat" and words:
            words.insert(where, words[min(where, len(words) - 1)])
        else:
            words.insert(where, draw(st.text(min_size=1, max_size=6)))
    return " ".join(words)


ORDERS = st.one_of(st.text(max_size=80), mutated_orders())


def _parse(text: str):
    try:
        return parse_order(text)
    except ActionError as error:
        assert str(error).strip(), "a refusal says what is wrong"
        return None


@settings(max_examples=300, deadline=None)
@given(ORDERS)
def test_any_text_is_an_action_or_a_clear_refusal(text):
    action = _parse(text)
    if action is not None:
        assert parse_order(action.order()) == action


@pytest.fixture(scope="module")
def resting() -> Twin:
    return Twin("standard-male", waveform_seconds=0.0)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated_orders())
def test_any_order_given_to_a_twin_is_applied_or_refused(resting, text):
    twin = resting.fork()
    try:
        twin.apply(text)
    except ActionError:
        assert len(twin.events) == 0
        return
    twin.advance(2.0)
    assert twin.time_s == 2.0


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(ORDERS)
def test_fuzz_the_parser(text):
    test_any_text_is_an_action_or_a_clear_refusal.hypothesis.inner_test(text)


@pytest.mark.fuzz
@settings(
    max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated_orders())
def test_fuzz_twin_apply(resting, text):
    twin = resting.fork()
    try:
        twin.apply(text)
    except ActionError:
        assert len(twin.events) == 0
