# relais_analysis: every target installs what it needs into .venv/ first.
# `make help` lists the targets.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2024
DATA   ?= data/demo
# The package's bytecode, written once: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines), every
# process (test workers, Jupyter kernels, each report notebook after a kernel reset) would otherwise compile
# the package's modules again (about 0.2-0.4 s each). Only changed modules are compiled; __pycache__ is gitignored.
BYTECODE = $(BIN)/python -m compileall -q relais_analysis

.DEFAULT_GOAL := help
.PHONY: help install test report validate demo reference contract vendor lab benchmark clean

help: ## Show this help
	@echo "relais_analysis - make targets:"
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -c "from relais_analysis.report.build import ensure_kernel; ensure_kernel()"
	touch $(STAMP)

install: $(STAMP) ## Create .venv/ and install the project with its test extras

test: $(STAMP) ## Run the whole test suite (pytest, one worker per core: pytest-xdist)
	@$(BYTECODE)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

report: $(STAMP) ## Build the annual report on the bundled demo data (YEAR=2024, DATA=data/demo)
	@$(BYTECODE)
	$(BIN)/relais report --year $(YEAR) --data $(DATA) --out reports

validate: $(STAMP) ## Validate a data folder (DATA=data/demo) and write its rejection report
	$(BIN)/relais validate $(DATA) --report reports/interne/rejets.csv

demo: $(STAMP) ## Regenerate the synthetic demo data in data/demo
	$(BIN)/relais demo data/demo

reference: $(STAMP) ## Rebuild data/reference from ../shared/reference (needs the raw files)
	$(BIN)/python scripts/build_reference.py

contract: $(STAMP) ## Regenerate data/datapackage.json from relais_analysis/intake/schema.py
	$(BIN)/python -c "from relais_analysis.intake.schema import write_datapackage; write_datapackage('data/datapackage.json')"

vendor: $(STAMP) ## Re-vendor the JavaScript/CSS used by offline maps (needs npm)
	$(BIN)/python scripts/vendor_assets.py

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab notebooks/

benchmark: $(STAMP) ## Run the benchmarks (prints figures; not part of the tests)
	@$(BYTECODE)
	$(BIN)/python benchmarks/bench_ingest_reach.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_protection.py
	$(BIN)/python benchmarks/bench_outcomes.py

clean: ## Remove generated reports and caches (keeps .venv/)
	rm -rf reports/20* reports/interne .pytest_cache .hypothesis
