# Fazhi: one entry point for humans and CI. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

# uv from PyPI, installed into .tools/ when the machine has none.
UV_ON_PATH := $(shell command -v uv 2>/dev/null)
ifeq ($(UV_ON_PATH),)
UV := $(CURDIR)/.tools/bin/uv
UV_DEP := $(UV)
else
UV := $(UV_ON_PATH)
UV_DEP :=
endif

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
DATA_SERVICES := reconsideration mediation enforcement
MEMBERS := shared $(addprefix services/,$(DATA_SERVICES) gateway)
PYTEST_ARGS ?=
#: Where `make run`, `make migrate`, `make user` and `make client` keep the SQLite files and keys.
DATA_DIR ?= $(CURDIR)/var
# Absolute, so that the commands that run inside a service's folder use the same directory.
override DATA_DIR := $(abspath $(DATA_DIR))
#: The gateway's port under `make run`; the three services take the next three.
PORT ?= 8000

.PHONY: help install run demo test test-% e2e fuzz bench bench-data lint fmt migrate migrations-check user client identity clean

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9%_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet 'uv>=0.5,<1'

$(VENV)/.synced: $(UV_DEP) uv.lock pyproject.toml $(addsuffix /pyproject.toml,$(MEMBERS))
	$(UV) sync --all-packages --frozen
	@touch $@

install: $(VENV)/.synced ## install every member and the dev tools into .venv (uv, Python 3.11)

run: install ## migrate and start all four services on SQLite under DATA_DIR (default var/; gateway on PORT, default 8000, the services on the next three)
	$(BIN)/python deploy/local/stack.py run --data-dir "$(DATA_DIR)" --port $(PORT)

demo: install ## load the 通城县 2023 sample into a fresh stack (var/demo, gateway on 8100 or PORT) and print the Markdown report
	$(BIN)/python deploy/local/stack.py demo $(if $(filter command line,$(origin PORT)),--port $(PORT))

test: install ## unit and API tests of every member (SQLite; PostgreSQL too when FAZHI_TEST_POSTGRES_URL is set)
	@set -e; for m in $(MEMBERS); do \
	  echo "== $$m"; (cd $$m && $(BIN)/pytest -q $(PYTEST_ARGS) tests); \
	done

test-%: install ## tests of one member, e.g. make test-mediation
	cd $(if $(filter shared,$*),shared,services/$*) && $(BIN)/pytest -q $(PYTEST_ARGS) tests

e2e: install ## end-to-end: four real processes, the 通城县 2023 sample through the gateway, the report checked
	$(BIN)/pytest -q $(PYTEST_ARGS) tests/e2e

fuzz: install ## schemathesis against the four services in-process (SQLite; PostgreSQL when FAZHI_TEST_POSTGRES_URL is set)
	$(BIN)/pytest -q $(PYTEST_ARGS) tests/fuzz

bench: install ## the performance goals as same-run ratios (wrk, loopback; county data, G4 and the province scale on PostgreSQL when reachable; under 10 minutes; ARGS='--runs 3 --duration 5 --national'); see docs/performance.md
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || { echo "make bench needs wrk: apt-get install wrk"; exit 2; }
	$(BIN)/python deploy/bench/run.py $(ARGS)

bench-data: install ## synthetic disputes and applications through the services' bulk paths: ARGS='--scale county|province|national --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/fazhi_bench' (default SQLite in var/bench/)
	$(BIN)/python deploy/bench/data.py $(ARGS)

lint: install ## ruff format --check, ruff check, mypy
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy shared/shared $(foreach s,$(DATA_SERVICES) gateway,services/$(s)/$(s))

fmt: install ## ruff format + ruff check --fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(foreach s,$(DATA_SERVICES) gateway,migrate-$(s)) ## alembic upgrade head for every service with a database (var/ of the repository, or <SERVICE>_DATABASE_URL)

migrate-%: install ## alembic upgrade head for one service, e.g. make migrate-gateway (the identity database the user, client and identity commands need)
	@S=$$(echo $* | tr a-z A-Z); \
	d=$$(printenv $${S}_DATA_DIR || echo "$(DATA_DIR)"); \
	cd services/$* && env $${S}_DATA_DIR="$$d" $(BIN)/alembic upgrade head

migrations-check: install ## upgrade head then `alembic check` on scratch SQLite databases
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; set -e; for s in $(DATA_SERVICES) gateway; do \
	  S=$$(echo $$s | tr a-z A-Z); \
	  (cd services/$$s && env -u $${S}_DATABASE_URL $${S}_DATA_DIR=$$tmp $(BIN)/alembic upgrade head \
	    && env -u $${S}_DATABASE_URL $${S}_DATA_DIR=$$tmp $(BIN)/alembic check); \
	done

user: migrate-gateway ## create a staff user: make user ARGS='--username U --name N --role R --region-code 421222' (prints the password once; DATA_DIR=var/demo for the demo's stack)
	cd services/gateway && GATEWAY_DATA_DIR="$(DATA_DIR)" $(BIN)/python -m gateway.identity.cli create-user $(ARGS)

client: migrate-gateway ## register an integrating system: make client ARGS='--name N --scope mediation:read --region-code 421222'
	cd services/gateway && GATEWAY_DATA_DIR="$(DATA_DIR)" $(BIN)/python -m gateway.identity.cli create-client $(ARGS)

identity: migrate-gateway ## any identity command: make identity ARGS='list-users' (see ARGS='--help')
	cd services/gateway && GATEWAY_DATA_DIR="$(DATA_DIR)" $(BIN)/python -m gateway.identity.cli $(ARGS)

clean: ## remove .venv, .tools, var/ and caches
	rm -rf $(VENV) .tools var services/*/var .mypy_cache .ruff_cache
