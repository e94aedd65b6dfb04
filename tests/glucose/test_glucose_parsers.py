"""Meal and plan texts: what they read, what they refuse, and fuzzing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin.glucose.meals import Meal, MealError, carbs_per_minute, parse_meals
from medtwin.glucose.plans import PlanError, parse_plan


def test_meals_of_the_issue_example():
    meals = parse_meals("7:00 45g, 12:00 70g, 18:00 80g")
    assert meals == (Meal(420, 45.0), Meal(720, 70.0), Meal(1080, 80.0))
    carbs = carbs_per_minute(meals, days=2)
    assert carbs.sum() == 2 * 195 and carbs[1440 + 720] == 70


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00 45g", "0:00 to 23:59"),
        ("7:00 0g", "above 0 and at most 300"),
        ("7:00 45", "is not understood"),
        ("7:00 45g, 7:00 10g", "same minute"),
    ],
)
def test_bad_meals_are_refused_naming_the_meal(text, message):
    with pytest.raises(MealError, match=message):
        parse_meals(text)


def test_plans():
    plan = parse_plan("bolus 6 U at 12:00, bolus 2.5 U at 15:30")
    assert plan.boluses == ((720, 6.0), (930, 2.5))
    assert parse_plan("none").boluses == ()
    with pytest.raises(PlanError, match="at most 75 U"):
        parse_plan("bolus 80 U at 12:00")
    with pytest.raises(PlanError, match="'bolus 6 at 12:00' is not understood"):
        parse_plan("bolus 6 at 12:00")


@given(
    st.lists(
        st.tuples(st.integers(0, 1439), st.integers(1, 300)),
        min_size=1,
        max_size=6,
        unique_by=lambda meal: meal[0],
    )
)
@settings(max_examples=50, deadline=None)
def test_meal_text_round_trips(meals):
    text = ", ".join(Meal(minute, float(grams)).text() for minute, grams in meals)
    assert parse_meals(text) == tuple(
        sorted((Meal(m, float(g)) for m, g in meals), key=lambda meal: meal.minute)
    )


@given(st.text(alphabet="0123456789:, gUatbolusnre.-", max_size=40))
@settings(max_examples=150, deadline=None)
def test_any_text_parses_or_is_refused_with_a_message(text):
    for parse, error in ((parse_meals, MealError), (parse_plan, PlanError)):
        try:
            parse(text)
        except error as refused:
            assert str(refused)


@pytest.mark.fuzz
@given(st.text(max_size=80))
@settings(max_examples=3000, deadline=None)
def test_any_unicode_parses_or_is_refused(text):
    for parse, error in ((parse_meals, MealError), (parse_plan, PlanError)):
        try:
            parse(text)
        except error as refused:
            assert str(refused)
