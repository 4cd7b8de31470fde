# The two commands of the README. Both set up everything first (scripts/setup.sh).
.PHONY: setup demo test bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/hme-rpa demo

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python bench/queue.py
