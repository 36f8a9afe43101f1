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


@pytest.fixture(scope="module")
def moved_view():
    """``moved_view(ViewClass, figsize, **kwargs)``: one view per module, as ``live_figure`` has it:
    built once, laid out on its first draw, then frozen.  A test of many slider positions moves
    this one view and draws each position, instead of building and laying out a figure for each."""
    made, figs = {}, []

    def get(view_class, figsize=(10, 4.2), **kwargs):
        key = (view_class, figsize, tuple(sorted(kwargs.items())))
        if key not in made:
            f = plt.figure(figsize=figsize)
            figs.append(f)
            made[key] = view_class(f, **kwargs)
            f.canvas.draw()
            f.set_layout_engine("none")
        return made[key]

    yield get
    for f in figs:
        plt.close(f)


@pytest.fixture(scope="session")
def static_site(tmp_path_factory):
    """``make html``'s site (tools/build_html.py), built once for the session
    (tests/test_static_html.py and tests/test_contrast.py read it)."""
    import build_html

    out = tmp_path_factory.mktemp("site")
    build_html.build(out)
    return out


# `make test-lib` (-m "not slow ...") must stay under a minute on 2 cores (issue 19): whole files
# that build the HTML site, start JupyterLab, render every lesson's widgets pixel by pixel or time
# real kernels are `slow`, as are the single tests named here.  `make test` runs them all.
SLOW_FILES = {
    "test_static_html.py",  # builds the whole static site
    "test_shipping.py",  # starts JupyterLab, builds and installs
    "test_widgets_render.py",  # every lesson's widgets drawn and compared pixel by pixel
    "test_live_redraw.py",  # the same, after a slider moves
    "test_notebook7.py",
    "test_contrast.py",
}
SLOW_TESTS = {
    "test_the_teachers_copy_answers_every_exercise_right",  # runs every lesson's solutions
    "test_in_a_real_kernel_the_learner_sees_prints_and_the_kernel_stays_usable",  # a real kernel
    "test_the_default_limit_is_three_seconds_and_says_so",  # waits out the 3 s limit
    "test_main_redraw_measures_one_lesson",  # times a lesson's redraws
    "test_the_cli_prints_the_nbgitpuller_link",  # two interpreters
    "test_check_reports_stale_missing_and_extra",  # regenerates the workbook
    "test_check_exits_non_zero_when_stale",
    "test_number_and_choice_checkers_survive_any_answer",  # 50 MB answers
    "test_every_stored_lesson_would_get_the_cells",  # rewrites every lesson
    "test_lesson_08s_grid_search_finds_the_librarys_argmin",  # lesson 08's grid search
    "test_fit_temperature_finds_the_minimum_of_the_nll",  # a fine grid search
    "test_training_legend_sits_in_an_empty_corner",  # lesson 03's training run
    "test_check_fit_temperature_accepts_the_reference_and_the_library",  # lesson 08's checker on its data
    "test_check_fit_temperature_rejects_each_mistake_with_its_own_hint",
    "test_the_notebook_model_is_overconfident_and_temperature_scaling_helps",
    "test_temperature_view",
    "test_bootstrap_temperature_is_seeded_and_brackets_the_fit",
    "test_temperature_widget_redraws_and_builds_once",
    "test_cells_carry_what_nbgrader_needs",  # builds every lesson's class edition
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = getattr(item, "originalname", None) or item.name.split("[")[0]
        if item.path.name in SLOW_FILES or name in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
