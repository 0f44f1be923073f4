# Two commands: `make run` (set up, seed the demo data, start the dashboard) and `make test`.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test setup seed lint format clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# uv compiles the libraries' bytecode as it installs them (pyproject.toml); the project's own
# packages are compiled here, so that no command compiles source as it starts.
setup: $(UV)
	$(UV) sync --frozen --quiet
	$(UV) run --frozen python -m compileall -q metrics dashboard

seed: setup
	$(UV) run --frozen python -m metrics seed

# dashboard/serve.py: the app with its security headers; in local mode (the default) it refuses
# any HOST that is not a loopback address before opening the port.
run: seed
	$(UV) run --frozen python -m dashboard.serve --server.address $(HOST) --server.port $(PORT)

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

test: lint
	$(UV) run --frozen python -m metrics check
	$(UV) run --frozen pytest

format: setup
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

clean:
	rm -rf $(TOOLS) .venv var .pytest_cache .ruff_cache
