"""Reading note files: front matter, bad YAML and bad UTF-8 reported with their line."""

import pytest

from kg.notes.slugs import assign_slugs, slug_from, unique_slug
from kg.notes.source import NoteSourceError, body_offset, decode, parse, read


def test_front_matter_and_body():
    note = parse("---\ntitle: MLA\naliases: [多头潜在注意力, MLA 笔记]\ntags: hot, new\n---\n# Hi\n")
    assert note.get_str("title") == "MLA"
    assert note.get_list("aliases") == ["多头潜在注意力", "MLA 笔记"]
    assert note.get_list("tags") == ["hot", "new"]
    assert note.body == "# Hi\n" and note.body_line == 6
    assert body_offset(note.text) == note.body_offset


def test_no_front_matter_is_all_body():
    note = parse("# Title\n---\ntext")
    assert note.front_matter == {} and note.body == "# Title\n---\ntext"


@pytest.mark.parametrize("text, line", [
    ("---\ntitle: ok\ntags: [a, b\nlang: zh\n---\nbody", 4),
    ("---\ntitle: ok\n  bad: indent\n---\n", 3),
    ("---\ntitle: ok\nlang: zh\n", 1),  # never closed
    ("---\n- a list\n---\n", 2),
    ("---\ntitle: ok\naliases: {a: 1}\n---\n", 3),
])
def test_malformed_front_matter_names_its_line(text, line):
    with pytest.raises(NoteSourceError) as info:
        parse(text)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")


def test_bad_utf8_names_the_line_of_the_bad_byte():
    with pytest.raises(NoteSourceError) as info:
        read(b"---\ntitle: x\n---\nline four\n" + b"caf\xe9\n")
    assert info.value.line == 5 and "UTF-8" in str(info.value)


def test_bom_and_crlf_are_normalised():
    assert decode("\ufeff---\r\ntitle: x\r\n---\r\nhi".encode()) == "---\ntitle: x\n---\nhi"


def test_yaml_dates_fit_json():
    assert parse("---\ndate: 2024-05-01\n---\n").front_matter == {"date": "2024-05-01"}


def test_slug_rules():
    assert slug_from("RoPE 推导") == "rope-推导"
    slugs = assign_slugs({"README.md": "", "architecture/README.md": "", "rlhf/README.md": "",
                          "architecture/mla.md": "", "rlhf/grpo.md": "my-grpo"})
    assert slugs == {"README.md": "readme", "architecture/README.md": "architecture-readme",
                     "rlhf/README.md": "rlhf-readme", "architecture/mla.md": "mla", "rlhf/grpo.md": "my-grpo"}
    assert unique_slug("mla", {"mla", "mla-2"}.__contains__) == "mla-3"
