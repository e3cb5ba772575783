"""Heading matching and precision/recall/F1, shared by the evaluation command and the tests."""

import re
from dataclasses import dataclass

NUMBERING = re.compile(r"^\s*(?:appendix\s+)?(?:\d{1,2}(?:\.\d{1,2})*|[a-z](?:\.\d{1,2})*)[.:]?\s+", re.IGNORECASE)
NON_WORD = re.compile(r"[\W_]+")
# Front and back matter that LaTeX outlines leave out (\section*); neither side is scored on them.
UNSCORED_KINDS = ("abstract", "references")
UNSCORED_TITLES = ("abstract", "references", "bibliography")


def title_key(title: str) -> str:
    """A title with its numbering, case, punctuation and spacing removed."""
    return NON_WORD.sub("", NUMBERING.sub("", title.strip()).lower())


@dataclass
class Score:
    predicted: int
    reference: int
    matched: int
    level_right: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def level_accuracy(self) -> float:
        return self.level_right / self.matched if self.matched else 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(
            self.predicted + other.predicted,
            self.reference + other.reference,
            self.matched + other.matched,
            self.level_right + other.level_right,
        )


def match_headings(predicted: list[dict], reference: list[dict]) -> tuple[Score, list[dict], list[dict]]:
    """One-to-one matching in document order: same title key, pages at most one apart.

    Items are dicts with title, level, page. Returns the score, unmatched predictions, unmatched references.
    """
    used: set[int] = set()
    level_right = 0
    unmatched_pred = []
    for item in predicted:
        key = title_key(item["title"])
        hit = next(
            (
                j
                for j, ref in enumerate(reference)
                if j not in used and title_key(ref["title"]) == key and abs(ref["page"] - item["page"]) <= 1
            ),
            None,
        )
        if hit is None:
            unmatched_pred.append(item)
            continue
        used.add(hit)
        level_right += reference[hit]["level"] == item["level"]
    missed = [ref for j, ref in enumerate(reference) if j not in used]
    return Score(len(predicted), len(reference), len(used), level_right), unmatched_pred, missed
