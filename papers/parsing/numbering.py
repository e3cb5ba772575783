"""Section numbers: the printed pattern (`3`, `3.2`, `A.1.1`, `Appendix B`) and how numbers follow each other.

Headings found on the pages are checked as a chain: `4.3` must follow `4.2` or `4`, `A` may open
the appendix after the last chapter. The best chain through the candidates is a longest-path
search, so a stray match (a bold list item, a table cell) cannot break the sequence.
"""

import re

HEADING = re.compile(
    r"^(?:(?:Appendix|APPENDIX)\s+(?P<app>[A-Z](?:\.\d{1,2}){0,3})|(?P<num>\d{1,2}(?:\.\d{1,2}){0,4}|[A-Z](?:\.\d{1,2}){0,4}))"
    # The title starts with a letter, or a figure fused to one ("3D Parallelism", "128K Context").
    r"(?P<dot>[.:])?\s+(?P<title>(?:[^\W\d_]|\d+[^\W\d_]).*)$"
)

def parts(number: str) -> list:
    return [int(p) if p.isdigit() else p for p in number.split(".")]


def _successor(prev, cur) -> float | None:
    """Score of `cur` following `prev` at the same depth: 1 for the next, less for a small skip."""
    if isinstance(prev, int) and isinstance(cur, int):
        step = cur - prev
    elif isinstance(prev, str) and isinstance(cur, str):
        step = ord(cur) - ord(prev)
    else:
        return None
    return {1: 1.0, 2: 0.4}.get(step)


def transition(prev: list, cur: list) -> float | None:
    """How well heading number `cur` follows `prev` (None: impossible)."""
    depth = len(cur)
    new_chapter = _successor(prev[0], cur[0]) or (isinstance(prev[0], int) and cur[0] == "A")
    if depth > 1 and cur[0] != prev[0] and all(c == 1 for c in cur[1:]) and new_chapter:
        return 0.5  # "3.1" or "A.1" right after "2.4": the new chapter has no heading line of its own
    if depth > len(prev) + 1:
        return None
    if depth == len(prev) + 1:
        if cur[:-1] != prev:
            return None
        return {1: 1.0, "A": 1.0, 2: 0.4}.get(cur[-1])
    if cur[: depth - 1] != prev[: depth - 1]:
        return None
    if depth == 1 and isinstance(prev[0], int) and cur[0] == "A":
        return 1.0  # the appendix starts
    return _successor(prev[depth - 1], cur[-1])


def _start_score(cur: list) -> float | None:
    if cur in ([1], ["A"]):
        return 1.0
    if len(cur) == 1 and isinstance(cur[0], int) and cur[0] <= 3:
        return 0.3
    if len(cur) > 1 and all(c == 1 for c in cur[1:]) and cur[0] in (1, "A"):
        return 0.5  # "1.1" first: the chapter heading itself is unnumbered or missed
    return None


def best_chain(numbers: list[str], weights: list[float] | None = None) -> tuple[list[int], float]:
    """The highest-scoring subsequence whose numbers follow each other as section numbers do.

    Each step scores how well the number follows (1 for the next, less for a skip), times the
    heading's weight (how prominently it is set). Returns the indices and the score.
    """
    n = len(numbers)
    weights = weights or [1.0] * n
    nums = [parts(number) for number in numbers]
    score: list[float] = [0.0] * n
    back: list[int] = [-1] * n
    for j in range(n):
        start = _start_score(nums[j])
        score[j], back[j] = (start * weights[j], -1) if start is not None else (float("-inf"), -1)
        for i in range(j):
            if score[i] == float("-inf"):
                continue
            step = transition(nums[i], nums[j])
            if step is not None and score[i] + step * weights[j] > score[j]:
                score[j], back[j] = score[i] + step * weights[j], i
    if not n or max(score) == float("-inf"):
        return [], 0.0
    j = max(range(n), key=lambda k: (score[k], k))
    best = score[j]
    chain = []
    while j != -1:
        chain.append(j)
        j = back[j]
    return chain[::-1], best
