"""Meal scenarios: a fixed day of meals from text, or random days, as carbs per minute.

Text: `"7:00 45g, 12:00 70g, 18:00 80g"` - comma-separated meals, each a clock time
H:MM (00:00–23:59) and grams of carbohydrate (above 0, at most `MAX_MEAL_G`). The same
meals are eaten every simulated day; a meal of N g is eaten within its minute.

Random days (`random_day`): breakfast, lunch and dinner at 7:00, 12:00 and 18:00 with a
standard deviation of 30 min, of 45, 70 and 80 g with a standard deviation of 10 g (the
sizes of the issue's example day). These are a modelling choice for a typical adult day,
not a fitted distribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from medtwin.glucose.parameters import GlucosePatientError

MIN_PER_DAY = 1440
MAX_MEAL_G = 300.0
"""The largest meal the parser accepts (a guard against typing 450 for 45, not physiology)."""
_MEAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s+(\d+(?:\.\d+)?)\s*g\s*$")
TYPICAL_DAY = ((7 * 60, 45.0), (12 * 60, 70.0), (18 * 60, 80.0))
RANDOM_TIME_SD_MIN = 30.0
RANDOM_SIZE_SD_G = 10.0


class MealError(GlucosePatientError):
    """A meal text that cannot be read."""


@dataclass(frozen=True)
class Meal:
    """`grams` of carbohydrate eaten at `minute` of the day (0–1439)."""

    minute: int
    grams: float

    def text(self) -> str:
        """The meal as the parser reads it."""
        return f"{self.minute // 60}:{self.minute % 60:02d} {self.grams:g}g"


def parse_clock(text: str, what: str) -> int:
    """Minutes since midnight of a clock time H:MM (00:00–23:59)."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise MealError(f"{what} {text.strip()!r}: the time must be H:MM from 0:00 to 23:59")
    return int(match[1]) * 60 + int(match[2])


def parse_meals(text: str) -> tuple[Meal, ...]:
    """The meals of `text` ("7:00 45g, 12:00 70g"), in time order; "" or "none": none."""
    if text.strip().lower() in ("", "none"):
        return ()
    meals = []
    for item in text.split(","):
        match = _MEAL.match(item)
        if not match:
            raise MealError(f"meal {item.strip()!r} is not understood: write a time and grams "
                            f"of carbohydrate, e.g. '7:00 45g'")  # fmt: skip
        minute = parse_clock(f"{match[1]}:{match[2]}", f"meal {item.strip()!r}:")
        grams = float(match[3])
        if not 0 < grams <= MAX_MEAL_G:
            raise MealError(f"meal {item.strip()!r}: {grams:g} g is not allowed, a meal is "
                            f"above 0 and at most {MAX_MEAL_G:g} g")  # fmt: skip
        meals.append(Meal(minute, grams))
    minutes = [meal.minute for meal in meals]
    if len(set(minutes)) != len(minutes):
        raise MealError(f"meals {text!r}: two meals at the same minute; give one with the sum")
    return tuple(sorted(meals, key=lambda meal: meal.minute))


def carbs_per_minute(meals: tuple[Meal, ...], days: int) -> np.ndarray:
    """Carbohydrate eaten in each minute of `days` days (g), the meals repeated daily."""
    carbs = np.zeros(days * MIN_PER_DAY)
    for day in range(days):
        for meal in meals:
            carbs[day * MIN_PER_DAY + meal.minute] += meal.grams
    return carbs


def random_day(rng: np.random.Generator) -> tuple[Meal, ...]:
    """One random day of three meals (see the module docstring), from `rng`."""
    meals = []
    for minute, grams in TYPICAL_DAY:
        at = int(np.clip(round(minute + RANDOM_TIME_SD_MIN * rng.standard_normal()), 0, 1439))
        size = float(max(5.0, round(grams + RANDOM_SIZE_SD_G * rng.standard_normal())))
        meals.append(Meal(at, size))
    return tuple(meals)
