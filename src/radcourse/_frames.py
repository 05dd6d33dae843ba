"""Small checks on pandas frames shared by the course's analysis modules."""

from __future__ import annotations

import pandas as pd


def require_columns(frame, columns, what: str = "frame") -> None:
    """Raise a ``ValueError`` naming what is wrong: not a DataFrame, missing columns, or empty."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} has no column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))} (columns present: "
            f"{', '.join(map(str, frame.columns))})"
        )
    if len(frame) == 0:
        raise ValueError(f"{what} is empty")


def group_order(column: pd.Series) -> list:
    """Observed groups: category order for a categorical column, else sorted (or as found)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        observed = set(column.unique())
        return [g for g in column.cat.categories if g in observed]
    values = list(pd.unique(column))
    try:
        return sorted(values)
    except TypeError:  # mixed types that cannot be compared: keep the order they appear in
        return values
