"""Trace interview questions to the paper sections and notes that answer them.

Signals (query, concepts, index), fusion (rank), evidence and the entry point
`trace_question` (tracing); `python -m kg.trace.evaluation` measures it.
"""
