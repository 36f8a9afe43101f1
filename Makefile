# Setup is one command: `make lab` for the lessons, `make test` for the suite.
# Both create .venv when it is missing and refresh it when the requirements
# change: `make lab` installs only what the lessons need (requirements.txt),
# `make test` adds the test tools (requirements-dev.txt).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LAB_STAMP  := $(VENV)/.installed-lab
TEST_STAMP := $(VENV)/.installed-test
HTML_STAMP := $(VENV)/.installed-html
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: lab test test-lib test-notebooks test-browser test-install bench execute nav workbook html reset clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(LAB_STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements.txt
	touch $@

$(TEST_STAMP): $(LAB_STAMP) requirements-dev.txt requirements-html.txt
	$(PIP) -r requirements-dev.txt
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

## The whole suite: unit, property and doctests of softmax_lib, nbval over every
## notebook, static and offline-HTML checks, and the browser tests (skipped with
## a message if Chromium is missing). The plain-install check is `make test-install`.
test: $(TEST_STAMP)
	$(BIN)/python -m pytest

## Only the library (fast: no browser, and not the slow runs of every workbook lesson).
test-lib: $(TEST_STAMP)
	$(BIN)/python -m pytest softmax_lib tests -m "not browser and not install and not slow" --ignore=tests/test_browser.py

## Only nbval over the notebooks (or one: make test-notebooks NB=notebooks/01-intuition.ipynb).
test-notebooks: $(TEST_STAMP)
	$(BIN)/python -m pytest $(or $(NB),notebooks)

## Only the JupyterLab + headless Chromium tests.
test-browser: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/test_browser.py tests/test_browser_workbook.py -v -s

## A fresh venv, `pip install -r requirements.txt` alone, then every lesson through
## `jupyter nbconvert --execute` (PY=python3.12 to try another Python).
test-install: $(TEST_STAMP)
	SOFTMAX_INSTALL_PYTHON=$(or $(PY),$(PYTHON)) $(BIN)/python -m pytest -m install tests/test_plain_install.py -v -s

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

## Restore the stored lessons, book and workbook. Notebooks you changed (your answers,
## edits, new outputs) are first copied to my-work/<date-time>/, so nothing you wrote is lost.
reset:
	@changed="$$(git diff --name-only -- notebooks/ workbook/)"; \
	if [ -z "$$changed" ]; then echo "notebooks/ and workbook/ are as stored: nothing to restore."; exit 0; fi; \
	dest="my-work/$$(date +%Y%m%d-%H%M%S)"; \
	for f in $$changed; do mkdir -p "$$dest/$$(dirname "$$f")"; cp "$$f" "$$dest/$$f"; done; \
	git checkout -- notebooks/ workbook/ && \
	echo "Restored the stored lessons:" $$changed && \
	echo "Your versions are in $$dest/ (git ignores my-work/)."

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts html
