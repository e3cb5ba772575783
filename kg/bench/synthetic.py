"""A realistic synthetic library for benchmarks: papers, sections, mentions, notes, questions.

Proportions follow the bundled content (about 50 sections a paper, a handful of concepts
per section, notes in Chinese with English terms, questions in both languages), and the
same seed always gives the same library.
"""

import hashlib
import random
from dataclasses import dataclass

from django.db import transaction

from kg.models import Concept, Mention, Note, NoteLink, Question
from kg.versioning import content_changed
from papers.models import Paper, Section

FILLER_EN = (
    "model training data token layer expert routing gate loss gradient batch sequence context memory "
    "throughput latency parameter scale benchmark accuracy reward policy sample inference cache head "
    "dimension projection compression precision kernel communication pipeline stage node bandwidth "
    "objective distribution alignment reasoning evaluation baseline ablation result table figure"
).split()
FILLER_ZH = (
    "模型 训练 数据 推理 显存 参数 损失 梯度 注意力机制 专家 路由 负载 均衡 奖励 策略 采样 "
    "蒸馏 上下文 长度 精度 通信 流水线 效率 实验 结果 面试 追问 原理 公式 推导 代码 实现"
).split()
SECTION_TITLES = (
    "Introduction", "Architecture", "Training Data", "Pre-Training", "Post-Training", "Evaluation",
    "Ablation Studies", "Inference and Deployment", "Infrastructure", "Discussion", "Limitations", "Conclusion",
)


@dataclass
class SyntheticLibrary:
    papers: int
    sections: int
    mentions: int
    notes: int
    questions: int
    note_links: int = 0


def _sentence(rng: random.Random, concepts: list[Concept], *, zh: bool) -> str:
    words = rng.choices(FILLER_ZH if zh else FILLER_EN, k=rng.randint(8, 16))
    concept = rng.choice(concepts)
    words.insert(rng.randrange(len(words)), (concept.name_zh or concept.name) if zh else concept.name)
    if concept.acronym:
        words.insert(rng.randrange(len(words)), concept.acronym)
    return ("".join(words) + "。") if zh else (" ".join(words).capitalize() + ".")


def _paragraphs(rng: random.Random, concepts: list[Concept], *, zh: bool, sentences: int) -> str:
    return " ".join(_sentence(rng, concepts, zh=zh) for _ in range(sentences))


def _paper_name(seed: int, i: int) -> str:
    """How notes cite a synthetic paper (`[[Synthetic-7-12 Report §2.1]]`): unique as a prefix of its title."""
    return f"Synthetic-{seed}-{i} Report"


@transaction.atomic
def library_synthesize(*, papers: int, notes: int, seed: int = 1, sections_per_paper: int = 50) -> SyntheticLibrary:
    """Add a synthetic library on top of the loaded vocabulary (which must exist).

    Like the bundled content, each note cites a handful of sections, notes and concepts with
    resolved wikilinks, and each question is about one to three concepts, has a note and,
    one time in two, a curated section.
    """
    rng = random.Random(seed)
    concepts = list(Concept.objects.order_by("slug"))
    if not concepts:
        raise ValueError("no concepts loaded: run `manage.py ingest content` first")
    if Paper.objects.filter(slug__startswith=f"synthetic-{seed}-").exists():
        raise ValueError(f"a synthetic library with seed {seed} exists already: choose another --seed")
    paper_rows = []
    for i in range(papers):
        digest = hashlib.sha256(f"synthetic-{seed}-{i}".encode()).hexdigest()
        topic = rng.choice(concepts)
        paper_rows.append(Paper(
            slug=f"synthetic-{seed}-{i}", title=f"{_paper_name(seed, i)}: On {topic.name}", authors=["A. Author"],
            filename=f"synthetic-{seed}-{i}.pdf", sha256=digest, page_count=sections_per_paper // 2 + 5,
            parser_version="synthetic", outline_source="layout",
        ))
    Paper.objects.bulk_create(paper_rows, batch_size=500)
    paper_rows = list(Paper.objects.filter(slug__startswith=f"synthetic-{seed}-").order_by("id"))

    # A section is about a few concepts, named again and again; drawing each sentence's concept
    # from the whole vocabulary gave ~14 mentions a section against ~6 in the real reports.
    section_rows, section_topics = [], []
    for paper in paper_rows:
        for order in range(sections_per_paper):
            topic = rng.sample(concepts, k=min(len(concepts), rng.randint(2, 6)))
            section_topics.append(topic)
            major, minor = divmod(order, 5)
            number = f"{major + 1}" if minor == 0 else f"{major + 1}.{minor}"
            page = 1 + order // 2
            section_rows.append(Section(
                paper=paper, order=order, number=number, key=number, level=1 if minor == 0 else 2,
                title=f"{rng.choice(SECTION_TITLES)} {order}", page_start=page, page_end=page + 1,
                heading_page=page, heading_bbox=[72, 100, 300, 114],
                text=_paragraphs(rng, topic, zh=False, sentences=rng.randint(15, 35)),
            ))
    Section.objects.bulk_create(section_rows, batch_size=2000)
    sections = list(Section.objects.filter(paper__slug__startswith=f"synthetic-{seed}-")
                    .order_by("paper_id", "order").values_list("id", "paper_id", "number"))
    paper_index = {paper.pk: i for i, paper in enumerate(paper_rows)}

    mention_rows = []
    for (section_id, _paper_id, _number), topic in zip(sections, section_topics, strict=True):
        for concept in topic:
            mention_rows.append(Mention(
                concept=concept, section_id=section_id, count=rng.randint(1, 12), first_offset=rng.randint(0, 500),
                defines=rng.random() < 0.05, score=rng.random(), context="synthetic context",
            ))

    note_rows, planned_links = [], []
    for i in range(notes):
        zh = rng.random() < 0.7
        topic = rng.sample(concepts, k=min(len(concepts), rng.randint(6, 15)))
        sentences = [_sentence(rng, topic, zh=zh) for _ in range(rng.randint(8, 20))]
        links = []
        for _ in range(rng.randint(3, 10) if papers or i else 0):
            roll = rng.random()
            if roll < 0.15 or (not sections and not i):
                concept = rng.choice(concepts)
                links.append((f"concept:{concept.slug}", "concept", concept.pk))
            elif roll < 0.5 and i:
                other = rng.randrange(i)
                links.append((f"synthetic-{seed}-note-{other}", "note", other))
            elif sections:
                section_id, paper_id, number = rng.choice(sections)
                links.append((f"{_paper_name(seed, paper_index[paper_id])} §{number}", "section", section_id))
        body, offset = [], 0
        for at, sentence in enumerate(sentences):
            for target, kind, ref in links[at::len(sentences)]:
                planned_links.append((i, offset + len(sentence) + 1, target, kind, ref, sentence))
                sentence = f"{sentence} [[{target}]]"
            body.append(sentence)
            offset += len(sentence) + 1
        note_rows.append(Note(
            slug=f"synthetic-{seed}-note-{i}", title=f"合成笔记 {seed}-{i}" if zh else f"Synthetic note {seed}-{i}",
            body=" ".join(body), lang="zh" if zh else "en", source_path=f"synthetic-{seed}/{i}.md",
            chapter_id=rng.choice(concepts).chapter_id,
        ))
    Note.objects.bulk_create(note_rows, batch_size=1000)
    note_ids = list(Note.objects.filter(slug__startswith=f"synthetic-{seed}-note-").order_by("id")
                    .values_list("id", flat=True))
    link_rows = []
    for i, position, target, kind, ref, sentence in planned_links:
        link_rows.append(NoteLink(
            source_id=note_ids[i], target_text=target, position=position, context=sentence[:500],
            target_concept_id=ref if kind == "concept" else None,
            target_note_id=note_ids[ref] if kind == "note" else None,
            target_section_id=ref if kind == "section" else None,
        ))
    NoteLink.objects.bulk_create(link_rows, batch_size=5000)
    linked = {(note_ids[i], ref) for i, _p, _t, kind, ref, _s in planned_links if kind == "concept"}
    for note_id in note_ids:
        for concept in rng.sample(concepts, k=min(len(concepts), rng.randint(2, 5))):
            mention_rows.append(Mention(
                concept=concept, note_id=note_id, count=rng.randint(1, 6), first_offset=rng.randint(0, 300),
                explicit=(note_id, concept.pk) in linked, score=rng.random(), context="synthetic context",
            ))
    Mention.objects.bulk_create(mention_rows, batch_size=5000)

    question_rows, question_concepts, question_sections = [], [], []
    for i in range(notes):
        zh = rng.random() < 0.6
        about = rng.sample(concepts, k=min(len(concepts), rng.randint(1, 3)))
        concept = about[0]
        text = (f"{concept.name_zh or concept.name} 的原理是什么？（合成 {seed}-{i}）" if zh
                else f"How does {concept.name} work? (synthetic {seed}-{i})")
        cited = rng.choice(sections) if sections and rng.random() < 0.5 else None
        refs = [f"{_paper_name(seed, paper_index[cited[1]])} §{cited[2]}"] if cited else []
        question_rows.append(Question(text=text, lang="zh" if zh else "en", tags=["high-frequency"],
                                      chapter_id=concept.chapter_id, note_id=rng.choice(note_ids), section_refs=refs))
        question_concepts.append(about)
        question_sections.append(cited[0] if cited else None)
    Question.objects.bulk_create(question_rows, batch_size=2000)
    # PostgreSQL and SQLite both return the new ids from a bulk insert.
    question_ids = [q.pk for q in question_rows]
    Question.concepts.through.objects.bulk_create(
        [Question.concepts.through(question_id=qid, concept_id=c.pk)
         for qid, about in zip(question_ids, question_concepts, strict=True) for c in about], batch_size=5000)
    Question.sections.through.objects.bulk_create(
        [Question.sections.through(question_id=qid, section_id=sid)
         for qid, sid in zip(question_ids, question_sections, strict=True) if sid], batch_size=5000)
    content_changed()
    return SyntheticLibrary(len(paper_rows), len(sections), len(mention_rows), len(note_rows), len(question_rows),
                            len(link_rows))
