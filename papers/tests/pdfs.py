"""A small writer of report-like PDFs for parser tests, built with PyMuPDF.

Text is set line by line with the base-14 fonts (Times for body, Times-Bold for headings), so each
test controls exactly what the parser sees: sizes, weights, columns, running heads, footnotes.
"""

import pymupdf

BODY = "tiro"
BOLD = "tibo"


class ReportWriter:
    def __init__(self, *, header: str = "", page_numbers: bool = True, columns: int = 1, size: float = 10):
        self.doc = pymupdf.open()
        self.header = header
        self.page_numbers = page_numbers
        self.columns = columns
        self.size = size
        self.width, self.height, self.margin, self.gutter = 595.0, 842.0, 72.0, 24.0
        self.page = None
        self.column = 0
        self.y = 0.0
        self.footnotes: list[str] = []
        self.new_page()

    # layout -------------------------------------------------------------------------------
    @property
    def column_width(self) -> float:
        usable = self.width - 2 * self.margin
        return (usable - self.gutter * (self.columns - 1)) / self.columns

    @property
    def x(self) -> float:
        return self.margin + self.column * (self.column_width + self.gutter)

    def new_page(self) -> None:
        self._finish_page()
        self.page = self.doc.new_page(width=self.width, height=self.height)
        self.column = 0
        self.y = self.margin + 20
        number = self.doc.page_count
        if self.header:
            self.page.insert_text((self.margin, 40), self.header, fontname=BODY, fontsize=8)
        if self.page_numbers:
            self.page.insert_text((self.width / 2 - 3, self.height - 30), str(number), fontname=BODY, fontsize=9)

    def _finish_page(self) -> None:
        if self.page is None or not self.footnotes:
            return
        y = self.height - 60 - 11 * len(self.footnotes)
        for note in self.footnotes:
            marker, text = note.split(" ", 1)
            self.page.insert_text((self.margin, y), marker, fontname=BODY, fontsize=5.5)
            self.page.insert_text((self.margin + 5, y), text, fontname=BODY, fontsize=8)
            y += 11
        self.footnotes = []

    def next_column(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.margin + 20
        else:
            self.new_page()

    def _room(self, needed: float) -> None:
        if self.y + needed > self.height - self.margin - 40:
            self.next_column()

    def _line(self, x: float, text: str, font: str, size: float) -> None:
        self.page.insert_text((x, self.y), text, fontname=font, fontsize=size)

    def _wrap(self, words: list[str], font: str, size: float, width: float) -> list[str]:
        lines, current = [], ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and pymupdf.get_text_length(trial, fontname=font, fontsize=size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    # content ------------------------------------------------------------------------------
    def title(self, title: str, authors: str, *, arxiv: str = "") -> None:
        self.y += 10
        self.page.insert_text((self.margin + 40, self.y), title, fontname=BOLD, fontsize=17)
        self.y += 26
        self.page.insert_text((self.margin + 80, self.y), authors, fontname=BODY, fontsize=11)
        self.y += 30
        if arxiv:
            stamp = f"arXiv:{arxiv}v1 [cs.CL] 1 Jan 2025"
            self.page.insert_text((20, 500), stamp, fontname=BODY, fontsize=9, rotate=90)

    def heading(self, number: str, title: str, *, size: float = 13, split: bool = False, regular_number=False) -> None:
        """A heading; `split` sets the number as its own text run apart from the title, `regular_number` unbolded."""
        self._room(3 * size)
        self.y += size
        if number and (split or regular_number):
            self._line(self.x, number, BODY if regular_number else BOLD, size)
            self._line(self.x + 2.2 * size, title, BOLD, size)
        else:
            self._line(self.x, f"{number} {title}".strip(), BOLD, size)
        self.y += size * 0.9

    def paragraph(self, text: str, *, lead: str = "", hyphenate: tuple[str, str] | None = None) -> None:
        """Body text; `lead` is a bold run-in lead ("Thinking Budget."); `hyphenate` breaks a word at a line end."""
        size, width = self.size, self.column_width
        lines = self._wrap(text.split(), BODY, size, width - (50 if lead else 0))
        if hyphenate:
            lines = [f"Before the break we need some words {hyphenate[0]}-", f"{hyphenate[1]} after the break.", *lines]
        self._room(size * 1.3 * 2)
        self.y += size * 0.4
        for i, line in enumerate(lines):
            self._room(size * 1.3)
            x = self.x
            if i == 0 and lead:
                self._line(x, lead, BOLD, size)
                x += pymupdf.get_text_length(lead + " ", fontname=BOLD, fontsize=size)
            self._line(x, line, BODY, size)
            self.y += size * 1.3

    def caption(self, text: str) -> None:
        self._room(30)
        self.y += 6
        self._line(self.x, text, BODY, self.size - 1)
        self.y += 16

    def table(self, rows: list[list[str]], *, bold_first_column: bool = True) -> None:
        """A table with a bold header row and, by default, bold first-column cells."""
        self._room(14 * len(rows) + 10)
        cell = self.column_width / len(rows[0])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                font = BOLD if r == 0 or (c == 0 and bold_first_column) else BODY
                self._line(self.x + c * cell, value, font, self.size - 1)
            self.y += 12
        self.y += 6

    def equation(self, text: str, number: int) -> None:
        self._room(24)
        self.y += 6
        self._line(self.x + 120, text, BODY, self.size)
        self._line(self.x + self.column_width - 20, f"({number})", BODY, self.size)
        self.y += 16

    def footnote(self, marker: str, text: str) -> None:
        self.footnotes.append(f"{marker} {text}")

    def references(self, entries: list[str], *, title: str = "References") -> None:
        self.heading("", title)
        for entry in entries:
            self.paragraph(entry)

    def set_outline(self, toc: list[list]) -> None:
        self.doc.set_toc(toc)

    def tobytes(self) -> bytes:
        self._finish_page()
        return self.doc.tobytes()


LOREM = (
    "Large language models are trained on many tokens and then aligned with human preferences. "
    "We describe the data, the architecture and the training recipe, and we report the results "
    "of careful evaluations on public benchmarks, together with ablations of each design choice."
)


def simple_report(**options) -> ReportWriter:
    """A one-column report with numbered headings on three levels and the usual distractors."""
    w = ReportWriter(header="Example Technical Report", **options)
    w.title("An Example Technical Report", "Alice Zhang, Bob Li and Carol Wang")
    w.heading("", "Abstract", size=12)
    w.paragraph(LOREM)
    w.heading("1", "Introduction")
    w.paragraph(LOREM)
    w.paragraph(LOREM, lead="Thinking Budget.")
    w.heading("2", "Architecture")
    w.paragraph(LOREM)
    w.heading("2.1", "Attention Layers", size=11)
    w.paragraph(LOREM, hyphenate=("architec", "tures"))
    w.equation("y = W x + b", 3)
    w.table([["Model", "Layers", "Heads"], ["1 Small", "12", "8"], ["2 Large", "48", "32"]])
    w.caption("Table 1: Model sizes of the two variants.")
    w.heading("2.1.1", "Rotary Position Embedding", size=10)
    w.paragraph(LOREM)
    w.footnote("1", "https://example.com/code")
    w.new_page()
    w.heading("3", "Pre-training")
    w.paragraph(LOREM * 2)
    w.heading("3.1", "Data", size=11)
    w.paragraph(LOREM)
    w.heading("3.2", "Hyper-Parameters", size=11)
    w.paragraph(LOREM)
    w.heading("4", "Conclusion")
    w.paragraph(LOREM)
    w.references(["A. Author. A paper about models. arXiv preprint, 2024.", "B. Author. Another paper. 2023."])
    w.new_page()
    w.heading("", "Appendix")
    w.heading("A", "Contributions")
    w.paragraph(LOREM)
    w.heading("A.1", "Core Contributors", size=11)
    w.paragraph(LOREM)
    return w


# The outline simple_report() would carry if its headings were bookmarked (titles only, as LaTeX writes them).
SIMPLE_OUTLINE = [
    [1, "Introduction", 1],
    [1, "Architecture", 1],
    [2, "Attention Layers", 1],
    [3, "Rotary Position Embedding", 1],
    [1, "Pre-training", 2],
    [2, "Data", 2],
    [2, "Hyper-Parameters", 2],
    [1, "Conclusion", 2],
    [1, "Contributions", 3],
    [2, "Core Contributors", 3],
]
