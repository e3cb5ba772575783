# Mianjing Graph: `make run` sets up and serves; `make test` runs the suite.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PAPERS_DIR ?= data/papers
HOST ?= 127.0.0.1
PORT ?= 8000
SHARED_PAPERS ?= ../shared/papers

export PAPERS_DIR

.PHONY: run test lint venv secret migrate load serve eval-sections eval-trace bench bench-ingest bench-pages clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

data/secret_key:
	mkdir -p data
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

secret: data/secret_key

run: venv secret
	SECRET_KEY=$$(cat data/secret_key) $(PY) manage.py migrate --noinput
	SECRET_KEY=$$(cat data/secret_key) $(PY) manage.py collectstatic --noinput --verbosity 0
	SECRET_KEY=$$(cat data/secret_key) $(PY) manage.py ingest --pdf-only content "$(PAPERS_DIR)"
	@echo "Serving Mianjing Graph on http://$(HOST):$(PORT)/"
	SECRET_KEY=$$(cat data/secret_key) $(VENV)/bin/gunicorn kg.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

# Tests run on every core (pytest-xdist); PYTEST_ARGS adds options, e.g. PYTEST_ARGS="-k trace".
test: venv
	SECRET_KEY=test-only-not-secret $(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

eval-sections: venv
	SECRET_KEY=eval-only $(PY) -m papers.evaluation.sections $(SHARED_PAPERS)

eval-trace: venv
	SECRET_KEY=eval-only $(PY) -m kg.trace.evaluation ../shared/eval/trace_dev.jsonl $(SHARED_PAPERS)

bench-ingest: venv
	SECRET_KEY=bench-only $(PY) -m papers.evaluation.bench_ingest $(SHARED_PAPERS)

bench-pages: venv
	SECRET_KEY=bench-only $(PY) -m kg.timings

bench: venv
	SECRET_KEY=bench-only $(PY) -m kg.bench $(SHARED_PAPERS)

clean:
	rm -rf $(VENV) staticfiles
