# The two commands of the README. Both set up everything first (scripts/setup.sh).
.PHONY: setup demo test test-fast bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/hme-rpa demo

test: setup
	.venv/bin/python -m pytest

# The inner loop while changing code: no browser, no PostgreSQL, nothing slow (about a minute).
test-fast: setup
	.venv/bin/python -m pytest -m "not slow and not browser and not postgres"

bench: setup
	.venv/bin/python bench/queue_load.py
