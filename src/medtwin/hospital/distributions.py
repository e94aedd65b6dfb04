"""Service-time distributions of a hospital model, as data: `{distribution: lognormal, ...}`.

Each kind is a small pydantic model that validates its own parameters, knows its mean and
variance, and draws a block of samples from a seeded `numpy.random.Generator` (blocks, not
one call per patient, because a call into numpy costs more than the arithmetic).
Parameters are given the way the literature gives them: a lognormal by its mean and
variance (Nelson 2013, exercise 13), not by the mean and sd of its logarithm.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special, stats

PositiveMinutes = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeMinutes = Annotated[float, Field(ge=0, allow_inf_nan=False)]
MIN_TRUNCATED_MASS = 1e-6
"""Smallest share of a normal that a truncation may keep: below it the bounds are a typo."""


class _Distribution(BaseModel):
    """Every kind has `mean`, `variance` (minutes, minutes squared) and `sample(rng, size)`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Exponential(_Distribution):
    """Exponential with the given mean (minutes)."""

    distribution: Literal["exponential"]
    mean_min: PositiveMinutes = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_min

    @property
    def variance(self) -> float:
        return self.mean_min**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_min, size)


class Lognormal(_Distribution):
    """Lognormal given by its own mean and variance (minutes, minutes squared).

    The log-scale parameters follow from the lognormal moments
    E = exp(mu + s^2/2), Var = E^2 (exp(s^2) - 1) (Johnson, Kotz & Balakrishnan 1994,
    Continuous Univariate Distributions vol. 1, ch. 14): s^2 = ln(1 + Var/E^2),
    mu = ln E - s^2/2.
    """

    distribution: Literal["lognormal"]
    mean_min: PositiveMinutes = Field(alias="mean")
    variance_min2: PositiveMinutes = Field(alias="variance")

    @property
    def mean(self) -> float:
        return self.mean_min

    @property
    def variance(self) -> float:
        return self.variance_min2

    def log_parameters(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal."""
        sigma2 = math.log1p(self.variance_min2 / self.mean_min**2)
        return math.log(self.mean_min) - sigma2 / 2, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self.log_parameters()
        return rng.lognormal(mu, sigma, size)


class Gamma(_Distribution):
    """Gamma given by its mean and variance: shape = mean^2/var, scale = var/mean."""

    distribution: Literal["gamma"]
    mean_min: PositiveMinutes = Field(alias="mean")
    variance_min2: PositiveMinutes = Field(alias="variance")

    @property
    def mean(self) -> float:
        return self.mean_min

    @property
    def variance(self) -> float:
        return self.variance_min2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = self.mean_min**2 / self.variance_min2
        return rng.gamma(shape, self.variance_min2 / self.mean_min, size)


class TruncatedNormal(_Distribution):
    """A normal of the given mean and variance, kept within [minimum, maximum].

    Sampled exactly by inversion of the normal CDF over the kept range. `mean` and
    `variance` are those of the normal before truncation, as Nelson (2013) states the
    examination time (mean 16, variance 3, at least 0.5 minutes).
    """

    distribution: Literal["truncated_normal"]
    mean_min: Annotated[float, Field(allow_inf_nan=False)] = Field(alias="mean")
    variance_min2: PositiveMinutes = Field(alias="variance")
    minimum_min: NonNegativeMinutes = Field(0.0, alias="minimum")
    maximum_min: Annotated[float, Field(gt=0)] = Field(math.inf, alias="maximum")

    @model_validator(mode="after")
    def _bounds_keep_some_mass(self) -> TruncatedNormal:
        if self.maximum_min <= self.minimum_min:
            raise ValueError(
                f"maximum {self.maximum_min:g} must be above minimum {self.minimum_min:g}"
            )
        low, high = self._cdf_bounds()
        if high - low < MIN_TRUNCATED_MASS:
            raise ValueError(
                f"[{self.minimum_min:g}, {self.maximum_min:g}] keeps almost none of a normal "
                f"with mean {self.mean_min:g} and variance {self.variance_min2:g}"
            )
        return self

    def _cdf_bounds(self) -> tuple[float, float]:
        sd = math.sqrt(self.variance_min2)
        return (
            float(special.ndtr((self.minimum_min - self.mean_min) / sd)),
            float(special.ndtr((self.maximum_min - self.mean_min) / sd)),
        )

    def _frozen(self):
        sd = math.sqrt(self.variance_min2)
        a, b = (self.minimum_min - self.mean_min) / sd, (self.maximum_min - self.mean_min) / sd
        return stats.truncnorm(a, b, loc=self.mean_min, scale=sd)

    @property
    def mean(self) -> float:
        return float(self._frozen().mean())

    @property
    def variance(self) -> float:
        return float(self._frozen().var())

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        low, high = self._cdf_bounds()
        u = low + (high - low) * rng.random(size)
        draws = self.mean_min + math.sqrt(self.variance_min2) * special.ndtri(u)
        # ndtri's rounding may step a hair outside the bounds
        return np.clip(draws, self.minimum_min, self.maximum_min)


class Uniform(_Distribution):
    """Uniform between `low` and `high` minutes."""

    distribution: Literal["uniform"]
    low_min: NonNegativeMinutes = Field(alias="low")
    high_min: PositiveMinutes = Field(alias="high")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high_min <= self.low_min:
            raise ValueError(f"high {self.high_min:g} must be above low {self.low_min:g}")
        return self

    @property
    def mean(self) -> float:
        return (self.low_min + self.high_min) / 2

    @property
    def variance(self) -> float:
        return (self.high_min - self.low_min) ** 2 / 12

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low_min, self.high_min, size)


class Triangular(_Distribution):
    """Triangular with `low` <= `mode` <= `high` minutes."""

    distribution: Literal["triangular"]
    low_min: NonNegativeMinutes = Field(alias="low")
    mode_min: NonNegativeMinutes = Field(alias="mode")
    high_min: PositiveMinutes = Field(alias="high")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low_min <= self.mode_min <= self.high_min or self.low_min == self.high_min:
            raise ValueError(
                f"need low <= mode <= high with low < high; got {self.low_min:g}, "
                f"{self.mode_min:g}, {self.high_min:g}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low_min + self.mode_min + self.high_min) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low_min, self.mode_min, self.high_min
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low_min, self.mode_min, self.high_min, size)


class Fixed(_Distribution):
    """Always the same duration (minutes)."""

    distribution: Literal["fixed"]
    value_min: NonNegativeMinutes = Field(alias="value")

    @property
    def mean(self) -> float:
        return self.value_min

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value_min)


Duration = Annotated[
    Exponential | Lognormal | Gamma | TruncatedNormal | Uniform | Triangular | Fixed,
    Field(discriminator="distribution"),
]
DISTRIBUTION_KINDS = (
    "exponential", "lognormal", "gamma", "truncated_normal", "uniform", "triangular", "fixed",
)  # fmt: skip
