# radcourse — two commands: `make lab` opens the course, `make test` passes every test.
# Each target bootstraps .venv when it is missing and is quick on a second run (stamp files
# record what is installed; they are redone only when a lock file or pyproject.toml changes).

SHELL        := /bin/bash
PYTHON       ?= $(shell command -v python3.11 || command -v python3)
VENV         := .venv
PY           := $(VENV)/bin/python
PIP          := $(PY) -m pip --disable-pip-version-check -q
JUPYTER      := $(VENV)/bin/jupyter
COURSE_STAMP := $(VENV)/.radcourse-course
DEV_STAMP    := $(VENV)/.radcourse-dev
PYTEST_ARGS  ?=
ASSIGNMENT   ?=
SUBMISSIONS  ?=
GRADE_ARGS   ?=
LAB_ARGS     ?=
COURSE       ?= assessments

.PHONY: lab test bench student-edition grade formgrader datasets lock lint clean help

help:
	@echo "make lab              set up (first time) and open the course in JupyterLab"
	@echo "make test             set up with development tools and run every test"
	@echo "make bench            print the performance figures (ratios against baselines)"
	@echo "make student-edition  write dist/student/ (no answer keys, no hidden tests)"
	@echo "make grade ASSIGNMENT=id SUBMISSIONS=dir   autograde a cohort in parallel (GRADE_ARGS='--workers 4')"
	@echo "make formgrader       open nbgrader's formgrader on assessments/ to mark written answers"
	@echo "make datasets         regenerate datasets/ from the seeded generator"
	@echo "make lock             re-resolve requirements/*.lock and binder/requirements.txt"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), \
	  f"radcourse needs Python 3.11 (found {sys.version.split()[0]}); set PYTHON=/path/to/python3.11"'
	$(PYTHON) -m venv $(VENV)

# The PostgreSQL driver (pinned in dev.lock, no dependencies) lets lecturers keep the gradebook on
# a server (postgresql+psycopg2://...); Binder installs binder/requirements.txt and never gets it.
$(COURSE_STAMP): requirements/course.lock requirements/dev.lock pyproject.toml | $(PY)
	$(PIP) install -r requirements/course.lock
	$(PIP) install --no-deps "$$(grep -i '^psycopg2-binary==' requirements/dev.lock)"
	$(PIP) install --no-deps -e .
	$(JUPYTER) server extension enable --sys-prefix nbgrader.server_extensions.formgrader >/dev/null
	$(JUPYTER) labextension enable --level=sys_prefix @jupyter/nbgrader >/dev/null
	$(JUPYTER) labextension enable --level=sys_prefix @jupyter-widgets/jupyterlab-manager >/dev/null
	@touch $@

$(DEV_STAMP): requirements/dev.lock $(COURSE_STAMP)
	$(PIP) install -r requirements/dev.lock
	@touch $@

# On a machine with no display JupyterLab is started with --no-browser: it prints the URL
# (with its token) and serves until Ctrl+C. As root (containers, CI) it adds --allow-root.
lab: $(COURSE_STAMP)
	@$(PY) -m radcourse.data verify
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$(uname)" != "Darwin" ]; then \
	  echo "No display found: open the URL below in a browser on this machine."; \
	  NOBROWSER=--no-browser; fi; \
	if [ "$$(id -u)" = 0 ]; then ROOT=--allow-root; fi; \
	exec $(JUPYTER) lab $$NOBROWSER $$ROOT --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS) \
	  modules/START_HERE.ipynb

test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(DEV_STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

student-edition: $(COURSE_STAMP)
	$(PY) -m radcourse.tools.edition --out dist/student

# Exit status 3 means some submissions could not be graded; the summary names them, so make succeeds.
grade: $(COURSE_STAMP)
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade ASSIGNMENT=demo_orientation SUBMISSIONS=path/to/folder [GRADE_ARGS='--workers 4 --cell-timeout 60']"; exit 2; }
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m radcourse.grading $(ASSIGNMENT) \
	  --submissions "$(SUBMISSIONS)" --course "$(COURSE)" $(GRADE_ARGS); s=$$?; [ $$s -eq 0 -o $$s -eq 3 ]

# Formgrader reads nbgrader_config.py from the server's working folder, so it must start in the
# course folder (not the repository root, where `make lab` starts); it opens on /formgrader.
formgrader: $(COURSE_STAMP)
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$(uname)" != "Darwin" ]; then \
	  echo "No display found: open the URL below in a browser on this machine."; \
	  NOBROWSER=--no-browser; fi; \
	if [ "$$(id -u)" = 0 ]; then ROOT=--allow-root; fi; \
	cd "$(COURSE)" && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" exec "$(CURDIR)/$(JUPYTER)" lab \
	  $$NOBROWSER $$ROOT --ServerApp.root_dir="$$PWD" --LabApp.default_url=/formgrader $(LAB_ARGS)

datasets: $(COURSE_STAMP)
	$(PY) -m radcourse.data.build

lock: | $(PY)
	$(PY) -m radcourse.tools.lock
	@rm -f $(COURSE_STAMP) $(DEV_STAMP)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf dist test-output benchmarks/results .pytest_cache .ruff_cache
