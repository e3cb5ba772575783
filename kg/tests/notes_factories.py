"""Small factories for the notes and linking tests: concepts, vaults on disk, papers with sections."""

from pathlib import Path

from kg.models import Concept
from papers.models import Paper, Section


def make_concept(slug: str, name: str, *, acronym: str = "", name_zh: str = "", aliases=()) -> Concept:
    return Concept.objects.create(slug=slug, name=name, acronym=acronym, name_zh=name_zh, aliases=list(aliases))


def standard_concepts() -> dict[str, Concept]:
    return {c.slug: c for c in [
        make_concept("mla", "Multi-head Latent Attention", acronym="MLA", name_zh="多头潜在注意力"),
        make_concept("mha", "Multi-Head Attention", acronym="MHA", name_zh="多头注意力"),
        make_concept("attention", "Attention", name_zh="注意力"),
        make_concept("moe", "Mixture of Experts", acronym="MoE", name_zh="混合专家", aliases=["Mixture-of-Experts"]),
        make_concept("kv-cache", "KV cache", name_zh="KV 缓存", aliases=["key-value cache"]),
        make_concept("grpo", "Group Relative Policy Optimization", acronym="GRPO"),
    ]}


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def note_text(title: str, body: str = "", **front) -> str:
    lines = [f"title: {title}"] + [f"{k}: {v}" for k, v in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def make_paper(title: str = "DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model",
               *, slug: str = "deepseek-v2", filename: str = "DeepSeek_V2.pdf",
               sections=(("2.1.2", "Low-Rank Key-Value Joint Compression", "text"),)) -> Paper:
    paper = Paper.objects.create(slug=slug, title=title, filename=filename, sha256=slug.ljust(64, "0"),
                                 page_count=10, parser_version="test")
    for order, (number, section_title, text) in enumerate(sections):
        Section.objects.create(paper=paper, order=order, number=number, key=number or f"s{order}",
                               title=section_title, level=number.count(".") + 1 if number else 1,
                               page_start=1, page_end=1, heading_page=1, text=text)
    return paper


def ingest_vault(root: Path):
    from kg.ingest import collect
    from kg.services.notes import notes_ingest_folder

    return notes_ingest_folder(root=root, files=collect(root, ".md"))
