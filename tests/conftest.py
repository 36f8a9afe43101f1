"""Shared test fixtures.  Figures are drawn with the Agg backend (no screen)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def fig():
    """A fresh figure of the lessons' widget size, closed after the test."""
    f = plt.figure(figsize=(10, 4.2))
    yield f
    plt.close(f)
