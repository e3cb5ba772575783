"""The plain data a parse produces: what `parse_pdf --json`, ingest and tests share."""

from dataclasses import asdict, dataclass, field


class ParseError(Exception):
    """A PDF that cannot be parsed; the message is one line saying why."""


@dataclass
class ParsedSection:
    number: str  # printed number: "2.1.2", "A.1", "" when unnumbered
    title: str  # heading text without its number
    level: int  # 1 for top level
    page: int  # 1-based page of the heading
    page_end: int  # 1-based last page of the section's text
    # Heading box on `page` in PDF points, PyMuPDF page space (origin top-left, y down); None if not located.
    bbox: tuple[float, float, float, float] | None
    text: str = ""  # clean body text, captions included, footnotes apart
    footnotes: str = ""
    kind: str = "body"  # body, abstract, references, appendix


@dataclass
class ParsedPaper:
    title: str
    authors: list[str]
    abstract: str
    arxiv_id: str
    pages: int
    sections: list[ParsedSection] = field(default_factory=list)
    outline_source: str = "outline"  # "outline" or "layout"

    def to_json(self, *, with_text: bool = False) -> dict:
        sections = []
        for section in self.sections:
            item = {"number": section.number, "title": section.title, "level": section.level, "page": section.page}
            if with_text:
                item.update(asdict(section))
            sections.append(item)
        return {
            "title": self.title,
            "authors": self.authors,
            "abstract": self.abstract,
            "arxiv_id": self.arxiv_id,
            "pages": self.pages,
            "outline_source": self.outline_source,
            "sections": sections,
        }
