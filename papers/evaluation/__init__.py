"""Commands that print the parser's figures: `python -m papers.evaluation.sections PAPERS_DIR`."""
