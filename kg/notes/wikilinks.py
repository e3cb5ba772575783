"""[[Wikilinks]]: parsing, and resolution as Obsidian resolves them.

Syntax (content/README.md): `[[target]]`, `[[target|display]]`, `[[target#heading]]`,
`![[image.png]]`, paper sections `[[DeepSeek-V2 §2.1.2]]`, and `[[concept:slug]]` for a
concept even where a note shares its name.

Resolution order for a plain target: a note by path (shortest unambiguous path: the file
name alone when it is unique, else the folder part that tells it apart; a same-folder note
wins, then the shortest path), by slug, title or alias; then a concept by slug or any name.
A note wins over a concept of the same name, except that a note never links to itself by
its own name (`[[MLA]]` inside the MLA note means the concept).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]{1,500}?)\]\]")
SECTION_SIGN = "§"
CONCEPT_PREFIX = "concept:"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.S)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class WikiLink:
    raw: str
    target: str
    anchor: str
    display: str
    start: int
    end: int
    embed: bool = False

    @property
    def text(self) -> str:
        """What the reader sees."""
        if self.display:
            return self.display
        target = self.target[len(CONCEPT_PREFIX):] if self.target.lower().startswith(CONCEPT_PREFIX) else self.target
        return f"{target} › {self.anchor}" if self.anchor and target else target or self.anchor

    @property
    def is_section(self) -> bool:
        return SECTION_SIGN in self.target


def parse_inner(inner: str) -> tuple[str, str, str]:
    """`target#anchor|display` -> (target, anchor, display); `\\|` (inside tables) is a pipe too."""
    target, _, display = inner.replace("\\|", "|").partition("|")
    target, _, anchor = target.partition("#")
    return target.strip(), anchor.strip(), display.strip()


def mask_code(text: str) -> str:
    """`text` with fenced and inline code blanked out (same length), so links in code are not links."""
    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", " ", m.group())

    return _INLINE_CODE.sub(blank, _FENCE.sub(blank, text))


def find_wikilinks(text: str) -> list[WikiLink]:
    """Every wikilink outside code, in order, with offsets into `text`."""
    links = []
    for m in WIKILINK.finditer(mask_code(text)):
        target, anchor, display = parse_inner(text[m.start(2):m.end(2)])
        if target or anchor:
            raw = text[m.start():m.end()]
            links.append(WikiLink(raw, target, anchor, display, m.start(), m.end(), bool(m.group(1))))
    return links


def heading_id(text: str) -> str:
    """The id given to a heading, and the anchor `[[note#heading]]` points at."""
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return re.sub(r"\s+", "-", text) or "section"


def compact(text: str) -> str:
    """Lowercase letters and digits only: how a paper short name is compared with a title."""
    return _NOT_ALNUM.sub("", text.lower())


def may_name_paper(target: str, *, title: str, filename: str) -> bool:
    """Whether the § reference `target` ("DeepSeek-V2 §2.1") could resolve into this paper:
    its short name matches the title or file name as `Resolver.paper_for` matches them."""
    if SECTION_SIGN not in target:
        return False
    key = compact(target.partition(SECTION_SIGN)[0])
    return bool(key) and (key in compact(title) or key in compact(filename.rsplit(".", 1)[0]))


@dataclass(frozen=True)
class NoteRef:
    id: int
    slug: str
    path: str  # source path without .md ("" for notes written in the web editor)
    title: str
    aliases: tuple[str, ...]
    url: str


@dataclass(frozen=True)
class ConceptRef:
    id: int
    slug: str
    names: tuple[str, ...]
    url: str


@dataclass(frozen=True)
class PaperRef:
    id: int
    title: str
    filename: str


@dataclass(frozen=True)
class SectionRef:
    id: int
    number: str
    key: str
    title: str
    url: str
    label: str


@dataclass(frozen=True)
class Resolution:
    kind: str  # "note", "concept", "section" or "" when broken
    id: int | None = None
    url: str = ""
    label: str = ""
    reason: str = ""  # why it is broken

    @property
    def broken(self) -> bool:
        return not self.kind


@dataclass
class Resolver:
    notes: list[NoteRef] = field(default_factory=list)
    concepts: list[ConceptRef] = field(default_factory=list)
    papers: list[PaperRef] = field(default_factory=list)
    sections_of: Callable[[int], list[SectionRef]] = lambda paper_id: []

    def __post_init__(self):
        self._by_name: dict[str, list[NoteRef]] = {}
        self._by_key: dict[str, list[NoteRef]] = {}
        for note in self.notes:
            if note.path:
                self._by_name.setdefault(note.path.lower().rsplit("/", 1)[-1], []).append(note)
            for key in {note.slug.lower(), note.title.casefold(), *(a.casefold() for a in note.aliases)}:
                self._by_key.setdefault(key, []).append(note)
        self._concept_exact: dict[str, ConceptRef] = {}
        self._concept_folded: dict[str, ConceptRef] = {}
        for concept in self.concepts:
            self._concept_exact.setdefault(concept.slug, concept)
        for concept in self.concepts:
            for name in concept.names:
                self._concept_exact.setdefault(name.strip(), concept)
                self._concept_folded.setdefault(" ".join(name.casefold().split()), concept)
        self._sections: dict[int, list[SectionRef]] = {}
        self._paper_names: list[tuple[str, str, PaperRef]] | None = None
        self._paper_for: dict[str, PaperRef | None] = {}

    def resolve(self, link: WikiLink, *, source: NoteRef | None = None) -> Resolution:
        target = link.target
        if not target:  # [[#heading]]: a heading of this very note
            return Resolution("note", source.id, f"#{heading_id(link.anchor)}", source.title) if source else \
                Resolution("", reason="a heading link outside a note")
        if link.is_section:
            return self.resolve_section(target)
        if target.lower().startswith(CONCEPT_PREFIX):
            return self._concept(target[len(CONCEPT_PREFIX):]) or Resolution("", reason="no such concept")
        note, reason = self._note(target, source)
        if note is not None and not (source is not None and note.id == source.id and self._concept(target)):
            url = note.url + (f"#{heading_id(link.anchor)}" if link.anchor else "")
            return Resolution("note", note.id, url, note.title)
        concept = self._concept(target)
        if concept is not None:
            return concept
        return Resolution("", reason=reason or "no note or concept of that name")

    def may_name_a_note(self, target: str) -> bool:
        """Whether a link to `target` could resolve to one of this resolver's notes (give it
        just one note to ask which links an edit of that note can change)."""
        if SECTION_SIGN in target or target.lower().startswith(CONCEPT_PREFIX) or not target.strip():
            return False
        return self._note(target, None)[0] is not None

    def _note(self, target: str, source: NoteRef | None) -> tuple[NoteRef | None, str]:
        path = target.strip().strip("/").lower().removesuffix(".md")
        name = path.rsplit("/", 1)[-1]
        candidates = [n for n in self._by_name.get(name, []) if n.path.lower() == path
                      or n.path.lower().endswith("/" + path)]
        if len(candidates) > 1:
            folder = source.path.rsplit("/", 1)[0] if source and "/" in source.path else None
            same = [n for n in candidates if folder is not None and n.path.rsplit("/", 1)[0] == folder]
            if len(same) == 1:
                return same[0], ""
            depth = min(n.path.count("/") for n in candidates)
            shortest = [n for n in candidates if n.path.count("/") == depth]
            if len(shortest) == 1:
                return shortest[0], ""
            return None, "ambiguous: " + ", ".join(sorted(n.path for n in shortest)[:3])
        if candidates:
            return candidates[0], ""
        by_key = self._by_key.get(target.strip().casefold(), [])
        if len(by_key) > 1:
            by_key = [n for n in by_key if n.slug.lower() == target.strip().lower()] or by_key[:1]
        return (by_key[0], "") if by_key else (None, "")

    def _concept(self, target: str) -> Resolution | None:
        target = target.strip()
        concept = self._concept_exact.get(target) or self._concept_folded.get(" ".join(target.casefold().split()))
        if concept is None:
            return None
        return Resolution("concept", concept.id, concept.url, concept.names[0] if concept.names else concept.slug)

    def resolve_section(self, target: str) -> Resolution:
        """`DeepSeek-V2 §2.1.2` (or `§ Introduction`) -> the section, or why not."""
        short, _, part = target.partition(SECTION_SIGN)
        short, part = short.strip(), part.strip()
        paper = self.paper_for(short)
        if paper is None:
            return Resolution("", reason=f"no paper matching {short!r}" if short else "no paper named before §")
        section = self.section_in(paper.id, part)
        if section is None:
            return Resolution("", reason=f"no section {part!r} in {paper.title[:60]}")
        return Resolution("section", section.id, section.url, section.label)

    def paper_for(self, short: str) -> PaperRef | None:
        key = compact(short)
        if not key:
            return None
        # Relinking resolves every § link of every note: compact each paper once, and each name once.
        if key in self._paper_for:
            return self._paper_for[key]
        if self._paper_names is None:
            self._paper_names = [(compact(p.title), compact(p.filename.rsplit(".", 1)[0]), p) for p in self.papers]
        scored = []
        for title, stem, paper in self._paper_names:
            if key in title or key in stem:
                # A name at the start of the title or file name is a better match than one inside it.
                scored.append((not (title.startswith(key) or stem.startswith(key)), len(title), paper.id, paper))
        found = self._paper_for[key] = min(scored)[3] if scored else None
        return found

    def section_in(self, paper_id: int, part: str) -> SectionRef | None:
        if paper_id not in self._sections:
            self._sections[paper_id] = self.sections_of(paper_id)
        sections = self._sections[paper_id]
        wanted = part.strip().rstrip(".")
        for test in (
            lambda s: s.number and s.number.rstrip(".") == wanted,
            lambda s: s.key == wanted,
            lambda s: s.title.casefold() == wanted.casefold(),
            lambda s: compact(s.title) == compact(wanted) and compact(wanted) != "",
        ):
            found = [s for s in sections if test(s)]
            if found:
                return found[0]
        return None
