# Two commands on a fresh machine: `make demo` and `make test`. Both install what they need.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export SELFCARE_CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo test lint bench chromium docs clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests; never a browser download at test time.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; }

demo: install
	$(VENV)/bin/selfcare demo

# Branch coverage of src/selfcare, printed after the tests (lines and branches missed), and
# the 25 slowest tests (CI must stay under 30 minutes on 2 cores). Two worker processes, a
# test file to each at a time (`--dist loadfile`: module fixtures such as a Spark cluster or a
# served app stay in one process); every test has its own database schema or SQLite file, so
# they may run side by side. TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= 2
test: install chromium
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --cov --cov-report=term-missing --durations=25

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The tracked bench/results/*.json are the figures the README quotes; a run replaces them on
# purpose (review with `git diff bench/results`, keep or `git checkout bench/results`).
bench: install
	@echo "make bench: writes new results over the tracked bench/results/*.json (git diff bench/results to compare, git checkout bench/results to keep the old)"
	$(PY) -m bench.run
	@git diff --stat -- bench/results 2>/dev/null || true

# The docs site: Sphinx reads docs/*.md (MyST); warnings (broken links, orphan pages) fail it.
docs: install
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "docs: open docs/_build/html/index.html"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache selfcare-demo docs/_build
