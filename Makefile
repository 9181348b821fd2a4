# Two commands do all set-up: `make book` (build the site) and `make test` (run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.10
UV := $(VENV)/.uv/bin/uv
JAAR ?=
BASIS ?= /
WORKERS ?=
PARAMETERS ?=
TESTPROCESSES ?= logical

JAAR_ARG := $(if $(JAAR),--jaar $(JAAR))
WORKERS_ARG := $(if $(WORKERS),--workers $(WORKERS))
PARAMETERS_ARG := $(if $(PARAMETERS),--parameters $(PARAMETERS))

.PHONY: book pdf validate test clean lock bench nieuw-jaar voorbeeld-registraties voorbeeld bench-registraties

# The venv is rebuilt when the lock file or the package metadata changes. uv installs the lock (downloads in
# parallel, bytecode on every core: about 18 s where pip takes 50 s); it lives beside the environment, not in
# it. Where uv cannot be had, pip makes the same install.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	{ $(PY) -m pip install --quiet --disable-pip-version-check --target $(VENV)/.uv uv==$(UV_VERSION) \
	  && $(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements.lock; } \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

book: $(STAMP)
	$(PY) -m jaarverslag build $(JAAR_ARG) --basis $(BASIS) $(WORKERS_ARG) $(PARAMETERS_ARG)

# The board's PDF per year (also made by `make book` whenever Debian's chromium is installed).
pdf: $(STAMP)
	$(PY) -m jaarverslag build $(JAAR_ARG) --basis $(BASIS) $(WORKERS_ARG) $(PARAMETERS_ARG) --pdf

validate: $(STAMP)
	$(PY) -m jaarverslag validate $(JAAR_ARG)

# Start a report year from empty templates of every table: make nieuw-jaar JAAR=2022 (never overwrites).
nieuw-jaar: $(STAMP)
	@test -n "$(JAAR)" || { echo "Geef het jaar op, bijvoorbeeld: make nieuw-jaar JAAR=2022" >&2; exit 2; }
	$(PY) -m jaarverslag nieuw-jaar --jaar $(JAAR)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n $(TESTPROCESSES)

clean:
	rm -rf _build site site.*

# Re-resolve the direct dependencies into requirements.lock (needs the package registry).
lock: $(STAMP)
	rm -rf _build/lock-venv
	$(PYTHON) -m venv _build/lock-venv
	_build/lock-venv/bin/pip install --quiet -r requirements.in
	_build/lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	$(PY) -c "from pathlib import Path; from jaarverslag.build.environment import schrijf; schrijf(Path('.'))"
	rm -rf _build/lock-venv

# Cold, no-change and one-table builds against Jupyter Book's own execution (a script, not a test).
bench: $(STAMP)
	$(PY) -m jaarverslag.build.bench

# Synthetic record files calibrated to a year's typed tables, written into data/<jaar>/registraties/ (never committed).
voorbeeld-registraties: $(STAMP)
	@test -n "$(JAAR)" || { echo "Geef het jaar op, bijvoorbeeld: make voorbeeld-registraties JAAR=2021" >&2; exit 2; }
	$(PY) -m jaarverslag.data.synthetic --jaar $(JAAR)

# A project copy in _build/voorbeeld/ whose 2021 (or JAAR) is fed by synthetic registrations, published to
# _build/voorbeeld/site/; data/ and site/ stay as they are.
voorbeeld: $(STAMP)
	$(PY) -m jaarverslag.build.voorbeeld $(if $(JAAR),--jaar $(JAAR)) --basis $(BASIS) $(WORKERS_ARG)

# National-size synthetic year: DuckDB derivation against plain pandas, time and peak memory (a script, not a test).
bench-registraties: $(STAMP)
	$(PY) -m jaarverslag.build.bench_registrations
