"""Small factories for graph, page and API tests: each makes one row with sensible defaults."""

import hashlib
from itertools import count

from kg.models import Chapter, Concept, ConceptRelation, Mention, Note, NoteLink, Question
from kg.versioning import content_changed
from papers.models import Paper, Section

_seq = count(1)


def chapter(**kw) -> Chapter:
    n = next(_seq)
    kw.setdefault("slug", f"chapter-{n}")
    kw.setdefault("number", n)
    kw.setdefault("title", f"Chapter {n}")
    return Chapter.objects.create(**kw)


def concept(slug: str | None = None, **kw) -> Concept:
    slug = slug or f"concept-{next(_seq)}"
    kw.setdefault("name", slug.replace("-", " ").title())
    kw.setdefault("summary", f"Summary of {kw['name']}.")
    c = Concept.objects.create(slug=slug, **kw)
    content_changed()
    return c


def relation(source: Concept, target: Concept, type: str = "related-to") -> ConceptRelation:
    r = ConceptRelation.objects.create(source=source, target=target, type=type)
    content_changed()
    return r


def paper(slug: str | None = None, **kw) -> Paper:
    slug = slug or f"paper-{next(_seq)}"
    kw.setdefault("title", slug.replace("-", " ").title())
    kw.setdefault("filename", f"{slug}.pdf")
    kw.setdefault("sha256", hashlib.sha256(slug.encode()).hexdigest())
    kw.setdefault("page_count", 10)
    kw.setdefault("parser_version", "test")
    p = Paper.objects.create(slug=slug, **kw)
    content_changed()
    return p


def section(paper: Paper, number: str = "", title: str = "A section", **kw) -> Section:
    order = kw.pop("order", None)
    if order is None:
        order = paper.sections.count()
    kw.setdefault("key", number or f"s{order}")
    kw.setdefault("level", number.count(".") + 1 if number else 1)
    kw.setdefault("page_start", 1)
    kw.setdefault("page_end", kw["page_start"])
    kw.setdefault("heading_page", kw["page_start"])
    kw.setdefault("heading_bbox", [72, 72, 300, 90])
    s = Section.objects.create(paper=paper, order=order, number=number, title=title, **kw)
    content_changed()
    return s


def mention(concept: Concept, *, section: Section | None = None, note: Note | None = None, **kw) -> Mention:
    kw.setdefault("count", 1)
    kw.setdefault("score", float(kw["count"]))
    kw.setdefault("context", f"… about {concept.name} …")
    m = Mention.objects.create(concept=concept, section=section, note=note, **kw)
    content_changed()
    return m


def note(slug: str | None = None, **kw) -> Note:
    slug = slug or f"note-{next(_seq)}"
    kw.setdefault("title", slug.replace("-", " ").title())
    kw.setdefault("body", f"# {kw['title']}\n\nSome text.")
    n = Note.objects.create(slug=slug, **kw)
    content_changed()
    return n


def notelink(source: Note, *, position: int = 0, **kw) -> NoteLink:
    kw.setdefault("target_text", "x")
    kw.setdefault("context", "a sentence with a link")
    link = NoteLink.objects.create(source=source, position=position, **kw)
    content_changed()
    return link


def question(text: str | None = None, *, concepts=(), sections=(), **kw) -> Question:
    kw.setdefault("lang", "en")
    q = Question.objects.create(text=text or f"Question {next(_seq)}?", **kw)
    q.concepts.set(concepts)
    q.sections.set(sections)
    content_changed()
    return q


def small_library() -> dict:
    """Two papers, MLA defined in both, GRPO in a third, notes and questions: enough for every page."""
    arch = chapter(slug="architecture", title="Architecture", title_zh="模型结构")
    rl = chapter(slug="rlhf", title="Alignment", title_zh="对齐")
    mha = concept("mha", name="Multi-Head Attention", acronym="MHA", name_zh="多头注意力", chapter=arch)
    mla = concept("mla", name="Multi-head Latent Attention", acronym="MLA", name_zh="多头潜在注意力",
                  aliases=["Multi-Head Latent Attention"], chapter=arch,
                  summary="MLA compresses keys and values into a low-rank latent vector to shrink the KV cache.")
    kv = concept("kv-cache", name="KV cache", name_zh="KV 缓存", chapter=arch)
    ppo = concept("ppo", name="Proximal Policy Optimization", acronym="PPO", chapter=rl)
    grpo = concept("grpo", name="Group Relative Policy Optimization", acronym="GRPO", name_zh="组相对策略优化",
                   chapter=rl, summary="GRPO drops the critic and uses group scores as the baseline.")
    relation(mla, mha, "improves-on")
    relation(mla, kv, "related-to")
    relation(grpo, ppo, "variant-of")
    v2 = paper("deepseek-v2", title="DeepSeek-V2: A Strong, Economical, and Efficient MoE Language Model")
    v3 = paper("deepseek-v3", title="DeepSeek-V3 Technical Report")
    v2_arch = section(v2, "2", "Architecture", page_start=6)
    v2_mla = section(v2, "2.1", "Multi-Head Latent Attention: Boosting Inference Efficiency", parent=v2_arch,
                     page_start=6, page_end=8, text="MLA uses low-rank key-value joint compression. The KV cache "
                     "shrinks compared with MHA. 多头潜在注意力 reduces memory.")
    v3_arch = section(v3, "2", "Architecture", page_start=6)
    v3_mla = section(v3, "2.1.1", "Multi-Head Latent Attention", parent=v3_arch, level=3, page_start=7,
                     text="For attention, DeepSeek-V3 adopts the MLA architecture. The KV cache is small.")
    v3_grpo = section(v3, "5.2.2", "Group Relative Policy Optimization", level=3, page_start=30,
                      text="GRPO foregoes the critic model, estimating the baseline from group scores instead of PPO.")
    mention(mla, section=v2_mla, count=5, defines=True, score=0.9)
    mention(mla, section=v3_mla, count=3, defines=True, score=0.8)
    mention(kv, section=v2_mla, count=2, score=0.3)
    mention(kv, section=v3_mla, count=1, score=0.2)
    mention(mha, section=v2_mla, count=1, score=0.1)
    mention(grpo, section=v3_grpo, count=4, defines=True, score=0.9)
    mention(ppo, section=v3_grpo, count=1, score=0.2)
    mla_note = note("mla-note", title="MLA：多头潜在注意力", lang="zh", chapter=arch,
                    body="MLA 把 KV 压缩成低秩潜在向量。见 [[mla]] 与 [[DeepSeek-V2 §2.1]]。")
    grpo_note = note("grpo-note", title="GRPO 为什么不需要 critic", lang="zh", chapter=rl,
                     body="GRPO 用组内得分作为基线，因此不需要 critic。")
    mention(mla, note=mla_note, count=2, explicit=True, defines=True, score=1.0)
    mention(grpo, note=grpo_note, count=2, explicit=True, defines=True, score=1.0)
    notelink(mla_note, position=20, target_text="mla", target_concept=mla, context="见 [[mla]] 与 DeepSeek-V2 §2.1")
    notelink(mla_note, position=30, target_text="DeepSeek-V2 §2.1", target_section=v2_mla, context="DeepSeek-V2 §2.1")
    notelink(grpo_note, position=5, target_text="mla-note", target_note=mla_note, context="参见 MLA 笔记")
    q1 = question("MLA 如何减少 KV cache？", lang="zh", chapter=arch, tags=["high-frequency"], concepts=[mla, kv],
                  note=mla_note, sections=[v2_mla])
    q2 = question("Why does GRPO not need a critic?", lang="en", chapter=rl, tags=["hot"], concepts=[grpo, ppo],
                  note=grpo_note)
    return {"mla": mla, "mha": mha, "kv": kv, "grpo": grpo, "ppo": ppo, "v2": v2, "v3": v3, "v2_mla": v2_mla,
            "v3_mla": v3_mla, "v3_grpo": v3_grpo, "mla_note": mla_note, "grpo_note": grpo_note, "q1": q1, "q2": q2,
            "arch": arch, "rl": rl}
