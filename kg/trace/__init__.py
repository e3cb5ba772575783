"""Trace interview questions to the paper sections and notes that answer them.

How a question is traced (`tracing.trace_question`, the one entry point):

1. query.py — the question becomes units: concepts named by any alias (the linking
   matcher), English words (stemmed), Chinese words (jieba) with English renderings from
   CC-CEDICT and a small ML glossary (lexicon.py). Reports named in the question ("DeepSeek-V3",
   or "R1" alone) are a paper signal, not words. Each unit's alternatives are phrases that
   must match whole.
2. rank.py — BM25 of the units over each section's text, heading (x3) and ancestors'
   headings; plus how much the section is about the recognised concepts (Mention rows,
   normalised per concept, with a share for related concepts); times the share of the
   question the text covers (coordination); plus sections curated for similar bank
   questions (neighbours.py); sections of reports the question does not name weigh less.
   Sections and notes are normalised separately and interleaved by score.
3. tracing.py — a bank question's curated and confirmed sections come first, rejected ones
   go; the question is answerable when it names a concept or report of the library, or
   when the best texts cover most of it and one sentence or heading holds most of it.
4. evidence.py — the one to three sentences that cover most of the question, with pages.

The index (index.py) is built in process from the rows and cached on the content version.
`python -m kg.trace.evaluation` (make eval-trace) measures it against a plain BM25.
"""
