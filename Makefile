# Setup is one command: `make lab` for the lessons, `make test` for the suite.
# Both create .venv when it is missing and refresh it when the requirements
# change: `make lab` installs only what the lessons need (requirements.txt),
# `make test` adds the test tools (requirements-dev.txt).
# Both first check the Python (tools/check_python.py): on one older than 3.11 they stop with
# one line, "Python 3.11 or newer is needed (found 3.10)", before pip runs.
# Another Python: `make lab PYTHON=python3.12` (after `make clean` if .venv exists).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LAB_STAMP  := $(VENV)/.installed-lab
TEST_STAMP := $(VENV)/.installed-test
# Teachers' tools (JupyterHub, nbgitpuller, nbgrader) live in their own venv, so
# that `make lab`'s JupyterLab stays the learners' one.
TEACHER_VENV  := .venv-teacher
TEACHER_STAMP := $(TEACHER_VENV)/.installed
HTML_STAMP := $(VENV)/.installed-html
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: lab test test-lib test-notebooks test-browser test-cpus test-hub test-install lint bench execute nav workbook html reset clean

$(BIN)/python:
	@$(PYTHON) tools/check_python.py
	$(PYTHON) -m venv $(VENV)

$(LAB_STAMP): requirements.txt pyproject.toml | $(BIN)/python
	@$(BIN)/python tools/check_python.py
	$(PIP) -r requirements.txt
	touch $@

$(TEST_STAMP): $(LAB_STAMP) requirements-dev.txt requirements-html.txt
	$(PIP) -r requirements-dev.txt
	touch $@

$(TEACHER_STAMP): requirements.txt requirements-teacher.txt pyproject.toml
	$(PYTHON) -m venv $(TEACHER_VENV)
	$(TEACHER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-teacher.txt
	touch $@

# The static site's typesetter (latex2mathml) on top of the lessons' stack; pip only.
$(HTML_STAMP): $(LAB_STAMP) requirements-html.txt
	$(PIP) -r requirements-html.txt
	touch $@

## Open JupyterLab on the contents page. The URL it prints opens notebooks/00-index.ipynb
## (--allow-root only when run as root, e.g. in a container).
lab: $(LAB_STAMP)
	@echo "Starting JupyterLab: open the http://127.0.0.1:... URL printed below (it opens notebooks/00-index.ipynb). Stop with Ctrl+C."
	@# The course's Jupyter settings: open 00-index, no news pop-ups (see jupyter-config/README.md).
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	    $(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

## The whole suite: ruff (lint and format check), then unit, property and doctests of softmax_lib, nbval over every
## notebook, static and offline-HTML checks, the browser tests (skipped with
## a message if Chromium is missing) and the JupyterHub test (needs
## configurable-http-proxy: npm install -g configurable-http-proxy).
## The plain-install check is `make test-install`.
test: $(TEST_STAMP) $(TEACHER_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## Only the library (fast: no browser, nothing marked slow, 40 examples per property test
## instead of `make test`'s 200, on every core with pytest-xdist). Under a minute on 2 cores.
test-lib: $(TEST_STAMP)
	SOFTMAX_HYPOTHESIS_EXAMPLES=$${SOFTMAX_HYPOTHESIS_EXAMPLES:-40} $(BIN)/python -m pytest softmax_lib tests -m "not browser and not install and not slow and not hub" --ignore=tests/test_browser.py -n auto --maxprocesses 8 --dist worksteal

## A real JupyterHub with five learners: nbgitpuller link, the heaviest lesson run by
## all at once, every lesson's peak memory (tables in test-artifacts/hub/). Needs
## configurable-http-proxy (npm install -g configurable-http-proxy).
test-hub: $(TEST_STAMP) $(TEACHER_STAMP)
	$(BIN)/python -m pytest -m hub tests/test_hub.py -v -s

## Only nbval over the notebooks (or one: make test-notebooks NB=notebooks/01-intuition.ipynb).
test-notebooks: $(TEST_STAMP)
	$(BIN)/python -m pytest $(or $(NB),notebooks)

## Strict nbval of every notebook under other CPU code paths: OpenBLAS's generic (Prescott)
## kernels with NumPy's AVX-512 loops off, and OpenBLAS's Haswell kernels (tools/nbval_cpus.py;
## CPUS="skylakex" or another list to choose).
test-cpus: $(TEST_STAMP)
	$(BIN)/python tools/nbval_cpus.py $(CPUS)

## Only the JupyterLab + headless Chromium tests.
test-browser: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/test_browser.py tests/test_browser_workbook.py -v -s

## The install routes, in one fresh venv (PY=python3.12 to try another Python): a notebook host
## (ipykernel, nbconvert) plus the course as a package, every lesson executed from a folder
## outside the repository; then `pip install -r requirements.txt` on top. Slow; run by .ci/run.
test-install: $(TEST_STAMP)
	SOFTMAX_INSTALL_PYTHON=$(or $(PY),$(PYTHON)) $(BIN)/python -m pytest -m install tests/test_package_install.py -v -s

## ruff's lint and format checks (configured in pyproject.toml); `make test` runs them first.
lint: $(TEST_STAMP)
	@status=0; $(BIN)/ruff check . || status=1; $(BIN)/ruff format --check . || status=1; exit $$status

## Speed of softmax against scipy and a bare np.exp pass (prints ratios).
bench: $(TEST_STAMP)
	$(BIN)/python tools/bench.py

## Re-execute notebooks in place with outputs and widget state stored
## (all, or one: make execute NB=notebooks/01-intuition.ipynb); then the workbook.
execute: $(TEST_STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)
	$(BIN)/python tools/workbook.py

## Rewrite the navigation cells only (and the workbook, which copies them).
nav: $(TEST_STAMP)
	$(BIN)/python tools/navigation.py
	$(BIN)/python tools/workbook.py

## Write workbook/ (the lessons to do, no outputs, a stop at each Predict) from the book
## in notebooks/. Edit the book, never the workbook; `python tools/workbook.py --check` lists what is stale.
workbook: $(TEST_STAMP)
	$(BIN)/python tools/workbook.py

## A static site of every lesson in html/ (reads offline, maths typeset; open html/index.html).
html: $(HTML_STAMP)
	$(BIN)/python tools/build_html.py html

## Restore the stored lessons, book and workbook, so that `git pull` works. Changed notebooks
## (your answers, edits staged or not, new outputs) are first copied, and files git does not
## track in notebooks/ and workbook/ moved, to a new my-work/<date-time>/ folder, so nothing
## you wrote is lost (tools/reset.py).
reset:
	@$(PYTHON) tools/reset.py

clean:
	rm -rf $(VENV) $(TEACHER_VENV) .pytest_cache test-artifacts html
