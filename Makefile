# Two commands do all the setup: `make lab` and `make test`.
# Both create .venv from the requirements files when it is missing or older
# than them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-lib test-notebooks test-browser bench execute nav clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## Open JupyterLab on the contents page (--allow-root only when run as root, e.g. in a container).
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00-index.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

## The whole suite: unit, property and doctests of softmax_lib, nbval over every
## notebook, and the browser tests (skipped with a message if Chromium is missing).
test: $(STAMP)
	$(BIN)/python -m pytest

## Only the library (fast).
test-lib: $(STAMP)
	$(BIN)/python -m pytest softmax_lib tests -m "not browser" --ignore=tests/test_browser.py

## Only nbval over the notebooks (or one: make test-notebooks NB=notebooks/01-intuition.ipynb).
test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(or $(NB),notebooks)

## Only the JupyterLab + headless Chromium tests.
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/test_browser.py -v -s

## Speed of softmax against scipy and a bare np.exp pass (prints ratios).
bench: $(STAMP)
	$(BIN)/python tools/bench.py

## Re-execute notebooks in place with outputs and widget state stored
## (all, or one: make execute NB=notebooks/01-intuition.ipynb).
execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NB)

## Rewrite the navigation cells only.
nav: $(STAMP)
	$(BIN)/python tools/navigation.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
