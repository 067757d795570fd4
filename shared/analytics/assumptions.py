"""Capital-market assumptions: the expected return, volatility and correlation of each asset class.

The defaults are nominal, annual, US-dollar figures, rounded and deliberately unremarkable, of the
kind large asset managers publish as long-horizon (10-20 year) capital-market assumptions (e.g.
J.P. Morgan's Long-Term Capital Market Assumptions, Vanguard's and BlackRock's outlooks, 2024-2025
editions), with volatilities and correlations in line with the history of broad indices (global
equity, US aggregate bonds, REITs, a broad commodity index, T-bills, diversified hedge funds). They
are planning inputs, not forecasts; pass your own `CapitalMarketAssumptions` to change them.
"""

from typing import Self

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from shared.analytics.results import Result
from shared.analytics.taxonomy import ASSET_CLASSES
from shared.schemas import AssetClass

FloatArray = npt.NDArray[np.float64]


class ClassAssumption(Result):
    expected_return: float = Field(gt=-1, description="Arithmetic mean annual return (0.07 = 7%).")
    volatility: float = Field(ge=0, description="Standard deviation of annual returns.")


class CapitalMarketAssumptions(Result):
    classes: dict[AssetClass, ClassAssumption] = Field(description="One entry per asset class.")
    correlations: tuple[tuple[float, ...], ...] = Field(
        description="Correlation matrix of annual returns, rows and columns in the order of "
        "AssetClass: equity, fixed_income, real_estate, commodities, cash, alternatives."
    )
    source: str

    @model_validator(mode="after")
    def _complete_and_consistent(self) -> Self:
        missing = set(ASSET_CLASSES) - self.classes.keys()
        if missing:
            raise ValueError(f"assumptions missing for {', '.join(sorted(missing))}")
        matrix = np.array(self.correlations, dtype=float)
        size = len(ASSET_CLASSES)
        if matrix.shape != (size, size):
            raise ValueError(f"the correlation matrix must be {size} x {size}")
        if not np.allclose(matrix, matrix.T) or not np.allclose(np.diag(matrix), 1):
            raise ValueError("the correlation matrix must be symmetric with ones on the diagonal")
        if np.linalg.eigvalsh(matrix).min() <= 0:
            raise ValueError("the correlation matrix must be positive definite")
        return self

    def without_volatility(self) -> Self:
        """The same means with no randomness: every path follows the deterministic one."""
        calm = {
            name: ClassAssumption(expected_return=c.expected_return, volatility=0)
            for name, c in self.classes.items()
        }
        return self.model_copy(update={"classes": calm, "source": f"{self.source}; volatility 0"})

    def log_parameters(self) -> tuple[FloatArray, FloatArray]:
        """Mean and standard deviation of log(1 + return) per class, in AssetClass order.

        Returns are lognormal (a year can lose at most everything) with the arithmetic mean and
        volatility above; the correlations are applied to the log returns, a close approximation.
        """
        mean = np.array([self.classes[name].expected_return for name in ASSET_CLASSES])
        volatility = np.array([self.classes[name].volatility for name in ASSET_CLASSES])
        log_variance = np.log1p((volatility / (1 + mean)) ** 2)
        return np.log1p(mean) - log_variance / 2, np.sqrt(log_variance)


DEFAULT_ASSUMPTIONS = CapitalMarketAssumptions(
    classes={
        "equity": ClassAssumption(expected_return=0.070, volatility=0.160),
        "fixed_income": ClassAssumption(expected_return=0.045, volatility=0.055),
        "real_estate": ClassAssumption(expected_return=0.065, volatility=0.170),
        "commodities": ClassAssumption(expected_return=0.045, volatility=0.160),
        "cash": ClassAssumption(expected_return=0.030, volatility=0.010),
        "alternatives": ClassAssumption(expected_return=0.060, volatility=0.090),
    },
    correlations=(
        # equity, fixed_income, real_estate, commodities, cash, alternatives
        (1.00, 0.10, 0.70, 0.35, 0.00, 0.60),
        (0.10, 1.00, 0.25, -0.05, 0.20, 0.15),
        (0.70, 0.25, 1.00, 0.25, 0.00, 0.50),
        (0.35, -0.05, 0.25, 1.00, 0.05, 0.35),
        (0.00, 0.20, 0.00, 0.05, 1.00, 0.00),
        (0.60, 0.15, 0.50, 0.35, 0.00, 1.00),
    ),
    source="Rounded long-horizon capital-market assumptions (asset-manager publications, "
    "2024-2025) and historical index volatilities and correlations",
)
