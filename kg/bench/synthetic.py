"""A realistic synthetic library for benchmarks: papers, sections, mentions, notes, questions.

Proportions follow the bundled content (about 50 sections a paper, a handful of concepts
per section, notes in Chinese with English terms, questions in both languages), and the
same seed always gives the same library.
"""

import hashlib
import random
from dataclasses import dataclass

from django.db import transaction

from kg.models import Concept, Mention, Note, Question
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


def _sentence(rng: random.Random, concepts: list[Concept], *, zh: bool) -> str:
    words = rng.choices(FILLER_ZH if zh else FILLER_EN, k=rng.randint(8, 16))
    concept = rng.choice(concepts)
    words.insert(rng.randrange(len(words)), (concept.name_zh or concept.name) if zh else concept.name)
    if concept.acronym:
        words.insert(rng.randrange(len(words)), concept.acronym)
    return ("".join(words) + "。") if zh else (" ".join(words).capitalize() + ".")


def _paragraphs(rng: random.Random, concepts: list[Concept], *, zh: bool, sentences: int) -> str:
    return " ".join(_sentence(rng, concepts, zh=zh) for _ in range(sentences))


@transaction.atomic
def library_synthesize(*, papers: int, notes: int, seed: int = 1, sections_per_paper: int = 50) -> SyntheticLibrary:
    """Add a synthetic library on top of the loaded vocabulary (which must exist)."""
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
            slug=f"synthetic-{seed}-{i}", title=f"Synthetic Report {i}: On {topic.name}", authors=["A. Author"],
            filename=f"synthetic-{i}.pdf", sha256=digest, page_count=sections_per_paper // 2 + 5,
            parser_version="synthetic", outline_source="layout",
        ))
    Paper.objects.bulk_create(paper_rows, batch_size=500)
    paper_rows = list(Paper.objects.filter(slug__startswith=f"synthetic-{seed}-").order_by("id"))

    section_rows = []
    for paper in paper_rows:
        for order in range(sections_per_paper):
            major, minor = divmod(order, 5)
            number = f"{major + 1}" if minor == 0 else f"{major + 1}.{minor}"
            page = 1 + order // 2
            section_rows.append(Section(
                paper=paper, order=order, number=number, key=number, level=1 if minor == 0 else 2,
                title=f"{rng.choice(SECTION_TITLES)} {order}", page_start=page, page_end=page + 1,
                heading_page=page, heading_bbox=[72, 100, 300, 114],
                text=_paragraphs(rng, concepts, zh=False, sentences=rng.randint(10, 25)),
            ))
    Section.objects.bulk_create(section_rows, batch_size=2000)
    section_ids = list(
        Section.objects.filter(paper__slug__startswith=f"synthetic-{seed}-").values_list("id", flat=True)
    )

    mention_rows = []
    for section_id in section_ids:
        for concept in rng.sample(concepts, k=min(len(concepts), rng.randint(2, 6))):
            mention_rows.append(Mention(
                concept=concept, section_id=section_id, count=rng.randint(1, 12), first_offset=rng.randint(0, 500),
                defines=rng.random() < 0.05, score=rng.random(), context="synthetic context",
            ))
    Mention.objects.bulk_create(mention_rows, batch_size=5000)

    note_rows = []
    for i in range(notes):
        zh = rng.random() < 0.7
        note_rows.append(Note(
            slug=f"synthetic-{seed}-note-{i}", title=f"合成笔记 {i}" if zh else f"Synthetic note {i}",
            body=_paragraphs(rng, concepts, zh=zh, sentences=rng.randint(8, 20)), lang="zh" if zh else "en",
            source_path=f"synthetic/{i}.md",
        ))
    Note.objects.bulk_create(note_rows, batch_size=1000)

    question_rows = []
    for i in range(notes):
        zh = rng.random() < 0.6
        concept = rng.choice(concepts)
        text = (f"{concept.name_zh or concept.name} 的原理是什么？（合成 {seed}-{i}）" if zh
                else f"How does {concept.name} work? (synthetic {seed}-{i})")
        question_rows.append(Question(text=text, lang="zh" if zh else "en", tags=["high-frequency"]))
    Question.objects.bulk_create(question_rows, batch_size=2000)
    content_changed()
    return SyntheticLibrary(len(paper_rows), len(section_ids), len(mention_rows), len(note_rows), len(question_rows))
