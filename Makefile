# kg — two commands set everything up:  make run   (venv, install, build the sample)   make test   (run the suite)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := kg/data/sample/inner_mongolia_daily_2021-02-22_p3.txt
SAMPLE_DATE := 2021-02-22
SAMPLE_PUBLICATION := 内蒙古日报
# Debian packages the test suite needs (headless browser for the view, CJK fonts for screenshots, Virtuoso and
# Apache Jena's TDB2 tools as independent triple stores for the load tests).
APT_PACKAGES := chromium chromium-driver fonts-wqy-microhei virtuoso-opensource libapache-jena-java

.PHONY: run test lint install install-dev system-deps sample docs bench bench-big eval train train-neural crf-decode-check clean

run: install sample
	@echo "The sample's graph is in output/ (graph.ttl, .nq, .trig, .jsonld, .graphml, .gexf)."
	@echo "Next: open output/graph.html in a browser, or try  .venv/bin/kg query output/ posts  (README.md, 'A short tour')."

# Recipes print nothing but errors, so that `make run` ends with where the outputs are. pip -qq keeps its warnings
# about this machine's index settings quiet; setuptools' note that an editable install of a package with a mapped
# folder (ontology/ -> kg/ontology) uses an import finder is informational and filtered by its message only.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install -qq

$(BIN)/python:
	@echo "creating $(VENV) and installing kg (a few minutes the first time) ..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@$(PIP) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	@echo "installing the test dependencies ..."
	@$(PIP) -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Builds the sample page into output/ (git-ignored). tests/test_golden.py compares the sample's graph with
# tests/cases/sample_page/expected.ttl: after an intended change, copy output/graph.ttl there and review the diff.
sample: install
	@echo "building output/ from $(SAMPLE) ..."
	@$(BIN)/kg build $(SAMPLE) -o output --date $(SAMPLE_DATE) --publication $(SAMPLE_PUBLICATION) --quiet

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "warning: missing Debian packages:$$missing (tests that need them are skipped)"; fi; \
	fi

# Regenerates the ontology documentation (examples from ontology/docs/examples.trig), the JSON-LD context and the
# screenshots of the sample's view in docs/ (headless Chromium: Debian's chromium and chromium-driver). Tests check
# that the first two are current.
SHOT_ENTITY := 乌海市
docs: install-dev sample
	@$(BIN)/python -m kg.store.ontodoc
	@$(BIN)/python -c "from kg.publish.export import context_path, context_file_text; context_path().write_text(context_file_text(), encoding='utf-8')"
	@$(BIN)/python -m kg.view.browser output/graph.html docs/view.png
	@$(BIN)/python -m kg.view.browser output/graph.html docs/view_map.png --select $(SHOT_ENTITY) --tab map
	@echo "docs: ontology/docs/ontology.md, ontology/context.jsonld, docs/view.png and docs/view_map.png"

# ruff (lint and format) and mypy over kg/, with the settings of pyproject.toml; silent when all is well.
lint: install-dev
	@$(BIN)/ruff check -q kg
	@$(BIN)/ruff format -q --check kg
	@out=$$($(BIN)/mypy kg 2>&1) || { echo "$$out"; exit 1; }

# -q and -rfE: a line of dots and the summary (failures and errors named; skips counted, -ra lists why).
test: install-dev system-deps lint
	@$(BIN)/python -m pytest -q -rfE

# Rebuilds the shipped CRF taggers (kg/data/ner/crf.* and lac_crf.*: model + JSON card, and lac_crf's char_clusters.tsv) from ../shared/data; about 40 minutes.
train: install-dev
	$(BIN)/python bench/train_ner.py

# Rebuilds the neural tagger (kg/data/ner/neural.onnx, neural.json, neural_lexicon.tsv.gz) from ../shared/data with
# torch (the 'train' extra, installed here); an epoch takes 10-20 minutes on two shared cores.
train-neural: install-dev
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python bench/train_neural.py

# Scores the crf, lac, lac_crf and neural taggers on the held-out sets of ../shared/data (figures in
# bench/results/ner.md), then kg end to end on ../shared/data/news_dev (bench/results/news_dev.md).
eval: install-dev
	$(BIN)/python bench/eval_ner.py
	$(BIN)/python -m kg.nlp.relation_eval --sample
	$(BIN)/python bench/news_dev.py --markdown bench/results/news_dev.md --json bench/results/news_dev.json

# Builds the People's Daily January 1998 archive at 25/50/100 % with 1 and 2 workers (bench/results.md), then times
# the HTML view at 100/1,000/5,000 nodes (bench/results/view_bench.json) and each tagger's characters per CPU-second
# (bench/results/tagger_speed.json). Needs ../shared/data; about 17 minutes.
bench: install-dev system-deps
	$(BIN)/python bench/run.py
	$(BIN)/python bench/view_bench.py --json bench/results/view_bench.json
	$(BIN)/python bench/tagger_speed.py --json bench/results/tagger_speed.json
	$(BIN)/python bench/dask_bench.py --rounds 2 --json bench/results/dask.json --markdown bench/results/dask.md

# Builds one 25 MiB and one 100 MiB text file made of People's Daily articles with the crf tagger, by the local pool
# and by a Dask LocalCluster (2 workers each), sampling the peak PSS of the client, of each worker and of all processes
# (bench/results/big_file.json). Needs ../shared/data; about an hour.
bench-big: install-dev
	$(BIN)/python bench/big_file.py --sizes 25 100 --ner crf --engine local --json bench/results/big_file.json
	$(BIN)/python bench/big_file.py --sizes 25 100 --ner crf --engine dask --json bench/results/big_file.json

# python-crfsuite against kg's numpy decoding of both CRFs (kg/nlp/tag/linear_crf.py) on the NER sets, the sample page
# and generated text: every count of differences must be 0 (bench/results/crf_decode_check.json). Needs
# ../shared/data; about 5 minutes.
crf-decode-check: install-dev
	$(BIN)/python bench/crf_decode_check.py --json bench/results/crf_decode_check.json

clean:
	rm -rf build dist *.egg-info .pytest_cache
