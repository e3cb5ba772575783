"""A note file's source: UTF-8 text, YAML front matter and the Markdown after it."""

from dataclasses import dataclass, field

import yaml

FRONT_MATTER_FENCE = "---"
# libyaml's loader when built with it: same safe subset, several times faster.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIST_FIELDS = ("aliases", "tags", "concepts")


class NoteSourceError(ValueError):
    """A note that cannot be read; `line` is 1-based in the file (0 when not known)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass
class NoteSource:
    text: str  # the whole file, front matter included
    front_matter: dict = field(default_factory=dict)
    body_offset: int = 0  # where the Markdown starts in `text`
    body_line: int = 1  # the 1-based line where the Markdown starts

    @property
    def body(self) -> str:
        return self.text[self.body_offset:]

    def get_str(self, name: str) -> str:
        value = self.front_matter.get(name)
        return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""

    def get_list(self, name: str) -> list[str]:
        value = self.front_matter.get(name)
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        if not isinstance(value, list):
            return []
        return [str(item).strip() for item in value if isinstance(item, str | int | float) and str(item).strip()]


def decode(data: bytes) -> str:
    """The bytes as text; bad UTF-8 raises NoteSourceError naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise NoteSourceError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)", line) from None
    if "\x00" in text:
        raise NoteSourceError("binary data (NUL bytes), not a Markdown file", text[:text.index("\x00")].count("\n") + 1)
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def parse(text: str) -> NoteSource:
    """Split `text` into front matter and Markdown; malformed front matter raises NoteSourceError with its line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
        return NoteSource(text=text)
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FRONT_MATTER_FENCE, "...")), None)
    if close is None:
        raise NoteSourceError("front matter opened with '---' is never closed", 1)
    raw = "\n".join(lines[1:close])
    try:
        data = yaml.load(raw, Loader=SafeLoader) if raw.strip() else {}  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        last = max(len(raw.rstrip("\n").split("\n")) - 1, 0)  # an error at the end is on the last line
        line = min(mark.line, last) + 2 if mark is not None else 1  # +1 for 1-based, +1 for the opening fence
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise NoteSourceError(f"malformed front matter ({problem})", line) from None
    if not isinstance(data, dict):
        raise NoteSourceError("front matter must be 'key: value' lines", 2)
    for name in ("title", "slug", "lang", "chapter"):
        if name in data and data[name] is not None and not isinstance(data[name], str | int | float):
            raise NoteSourceError(f"front matter '{name}' must be text", _line_of(lines, close, name))
    for name in LIST_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str | list):
            raise NoteSourceError(f"front matter '{name}' must be a list", _line_of(lines, close, name))
    body_offset = sum(len(line) + 1 for line in lines[:close + 1])
    return NoteSource(text=text, front_matter=_jsonable(data), body_offset=min(body_offset, len(text)),
                      body_line=close + 2)


def _line_of(lines: list[str], close: int, name: str) -> int:
    return next((i + 1 for i in range(1, close) if lines[i].startswith(f"{name}:")), 2)


def _jsonable(value):
    """YAML dates and other scalars become strings, so front matter fits a JSON field."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def body_offset(text: str) -> int:
    """Where the Markdown starts, without parsing the front matter (0 when there is none or it is unclosed)."""
    if not text.startswith(FRONT_MATTER_FENCE):
        return 0
    offset = 0
    for i, line in enumerate(text.split("\n")):
        offset += len(line) + 1
        if i == 0 and line.rstrip() != FRONT_MATTER_FENCE:
            return 0
        if i > 0 and line.rstrip() in (FRONT_MATTER_FENCE, "..."):
            return min(offset, len(text))
    return 0


def read(data: bytes) -> NoteSource:
    return parse(decode(data))
