# The README's two commands: `make run` and `make test`.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8501
# Links in emails point at this server unless PUBLIC_BASE_URL says otherwise.
PUBLIC_BASE_URL ?= http://localhost:$(PORT)
export PUBLIC_BASE_URL
export PYTHONPATH := $(CURDIR)

.PHONY: run test lint format bench clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	@touch $@

## Serve the app on http://localhost:$(PORT) (embedded SQLite, demo data on first start).
run: $(VENV)/.runtime
	$(PYTHON) -m surveys init
	$(PYTHON) -m surveys demo --if-empty
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.address 0.0.0.0

## Install the test tools (system packages too, as root on Debian) and run every test.
test: $(VENV)/.dev
	@scripts/install-system-packages.sh
	$(PYTHON) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.dev
	@for bench in benchmarks/*_bench.py; do echo "== $$bench"; $(PYTHON) $$bench; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
