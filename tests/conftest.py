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


@pytest.fixture(scope="session")
def static_site(tmp_path_factory):
    """``make html``'s site (tools/build_html.py), built once for the session
    (tests/test_static_html.py and tests/test_contrast.py read it)."""
    import build_html

    out = tmp_path_factory.mktemp("site")
    build_html.build(out)
    return out
