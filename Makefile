# Kenes — the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install install-dev lint typecheck messages compile-messages serve clean bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Kenes needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

# Runtime dependencies, pinned with hashes.
$(VENV)/.base-installed: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/base.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/kenes build-embedder --optional
	touch $@

# Everything, including test and lint tools.
$(VENV)/.dev-installed: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/kenes build-embedder --optional
	touch $(VENV)/.base-installed $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: accessibility checks with axe-core will be skipped"; fi

demo: install
	KENES_DEBUG=1 $(BIN)/kenes migrate --noinput
	KENES_DEBUG=1 $(BIN)/kenes seed-demo
	KENES_DEBUG=1 $(BIN)/kenes runserver --noreload $(HOST):$(PORT)

serve: install
	KENES_DEBUG=1 $(BIN)/kenes runserver $(HOST):$(PORT)

test: install-dev node_modules/.installed
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/mypy src/kenes
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

typecheck: install-dev
	$(BIN)/mypy src/kenes

# Re-extract msgids (needs GNU gettext) and compile the catalogs (pure Python, polib).
messages: install-dev
	cd src/kenes && ../../$(BIN)/kenes makemessages -l kk -l ru -l en --no-obsolete --no-location
	$(MAKE) compile-messages

compile-messages: install
	$(BIN)/kenes compile-catalogs

lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements/base.lock -q
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements/dev.lock -q

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
