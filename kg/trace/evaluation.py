"""Measure tracing on a question set: recall@1, recall@3, MRR@10, per language, and time.

    python -m kg.trace.evaluation ../shared/eval/trace_dev.jsonl ../shared/papers

Builds a throwaway SQLite database, loads content/ and the papers through the one ingest
entry point, traces every question and scores the section results against the gold
[paper_key, section_title] pairs (see the eval set's README). A plain BM25 over the
sections' own text and heading runs in the same process as the baseline. Writes
bench-results/trace.json.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Paper-specific questions written for this package (not from any eval set), golds from the
# reports' outlines: a second check of the same kind as the dev set.
OWN_QUESTIONS = Path(__file__).with_name("own_questions.jsonl")


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def strip_number(title: str) -> str:
    return re.sub(r"^\s*(?:[A-Z]|\d+)(?:\.\d+)*\.?\s+", "", title or "")


def is_gold(result: dict, gold: list) -> bool:
    paper = result["paper"]
    names = norm(paper["title"]) + " " + norm(paper["filename"])
    title = norm(strip_number(result["section"]["title"]))
    return any(norm(key) in names and norm(strip_number(section)) == title for key, section in gold)


def score(items: list[dict], ranked: list[list[dict]]) -> dict:
    """recall@1, recall@3 and MRR@10 of section results, overall and per language."""
    rows = []
    for item, results in zip(items, ranked, strict=True):
        sections = [r for r in results if r["kind"] == "section"][:10]
        rank = next((i + 1 for i, r in enumerate(sections) if is_gold(r, item["gold"])), None)
        rows.append((item.get("lang", "en"), rank))

    return _summaries(rows)


def bm25_baseline(question: str, top: int = 10) -> list[dict]:
    """Plain BM25 over each section's heading and text, the question's own terms only."""
    from kg.corpus import section_counts
    from kg.text import tokenize
    from kg.trace.index import get_index
    from papers.models import Section

    index = get_index()
    docs = [d for d in index.docs if d.kind == "section"]
    n = len(docs) or 1
    bodies = dict(section_counts(Section.objects.filter(pk__in=[d.pk for d in docs])))
    bags = [Counter(bodies.get(d.pk, {})) + Counter(tokenize(d.title)) for d in docs]
    lengths = [sum(bag.values()) for bag in bags]
    avg = sum(lengths) / n or 1.0
    df = Counter(term for bag in bags for term in bag)
    terms = set(tokenize(question))
    scores = []
    for i, bag in enumerate(bags):
        value = 0.0
        for term in terms:
            tf = bag.get(term, 0)
            if tf:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                value += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[i] / avg))
        scores.append((value, i))
    scores.sort(key=lambda s: (-s[0], s[1]))
    out = []
    for value, i in scores[:top]:
        if value <= 0:
            break
        paper = index.papers[docs[i].paper_id]
        out.append({"kind": "section", "paper": {"title": paper.title, "filename": paper.filename},
                    "section": {"number": docs[i].number, "title": docs[i].title}})
    return out


def bank_check() -> dict:
    """The bank's own questions against their curated sections, traced without using those
    links: a second, larger check written by other hands than the eval set."""
    from kg.models import Question
    from kg.trace.tracing import trace_question

    items, ranked = [], []
    for question in Question.objects.prefetch_related("sections__paper").order_by("pk"):
        gold = [[s.paper.slug, s.paper.title, s.key] for s in question.sections.all()]
        if not gold:
            continue
        results = trace_question(question.text, use_curated=False).results
        items.append({"lang": question.lang, "gold": gold})
        ranked.append(results)
    rows = []
    for item, results in zip(items, ranked, strict=True):
        keys = [(r["paper"]["slug"], r["section"]["key"]) for r in results if r["kind"] == "section"][:10]
        gold = {(slug, key) for slug, _, key in item["gold"]}
        rows.append((item["lang"], next((i + 1 for i, k in enumerate(keys) if k in gold), None)))
    return _summaries(rows)


def _summaries(rows: list[tuple[str, int | None]]) -> dict:
    def summary(selected):
        n = len(selected) or 1
        return {
            "n": len(selected),
            "recall@1": round(sum(1 for _, r in selected if r == 1) / n, 3),
            "recall@3": round(sum(1 for _, r in selected if r and r <= 3) / n, 3),
            "mrr@10": round(sum(1 / r for _, r in selected if r) / n, 3),
        }

    out = {"all": summary(rows)}
    for lang in sorted({lang for lang, _ in rows}):
        out[lang] = summary([row for row in rows if row[0] == lang])
    out["ranks"] = [rank for _, rank in rows]
    return out


def own_check() -> dict:
    from kg.trace.tracing import trace_question

    items = [json.loads(line) for line in OWN_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return score(items, [trace_question(item["q"]).results for item in items])


def run(items: list[dict]) -> dict:
    from kg.trace.index import get_index
    from kg.trace.tracing import trace_question

    started = time.perf_counter()
    get_index()
    build_seconds = time.perf_counter() - started
    trace_question(items[0]["q"])  # warm the per-process caches (dictionary, jieba)
    ranked, times = [], []
    for item in items:
        t0 = time.perf_counter()
        result = trace_question(item["q"], top=10)  # exactly what `manage.py trace --json` returns
        times.append((time.perf_counter() - t0) * 1000)
        ranked.append(result.as_dict()["results"])
    baseline = [bm25_baseline(item["q"]) for item in items]
    times_sorted = sorted(times)
    p95 = times_sorted[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    return {
        "trace": score(items, ranked),
        "baseline_bm25": score(items, baseline),
        "time_ms": {"median": round(statistics.median(times), 2), "p95": round(p95, 2)},
        "index_build_s": round(build_seconds, 2),
        "bank_curated": bank_check(),
        "own_questions": own_check(),
        "questions": len(items),
    }


def report(figures: dict, out=sys.stdout) -> None:
    for name in ("trace", "baseline_bm25", "own_questions", "bank_curated"):
        block = figures[name]
        label = {"bank_curated": "bank questions vs their curated sections (links not used)",
                 "own_questions": "own paper-specific questions (kg/trace/own_questions.jsonl)"}.get(name, name)
        print(f"{label}:", file=out)
        for lang in [k for k in block if k not in ("ranks",)]:
            b = block[lang]
            print(f"  {lang:4} n={b['n']:3}  recall@1 {b['recall@1']:.3f}  recall@3 {b['recall@3']:.3f}  "
                  f"MRR@10 {b['mrr@10']:.3f}", file=out)
    t = figures["time_ms"]
    print(f"time per question (warm index): median {t['median']:.1f} ms, p95 {t['p95']:.1f} ms; "
          f"index build {figures['index_build_s']:.2f} s", file=out)


def setup_database(tmp: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/trace-eval.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kg.settings")
    os.environ.setdefault("MEDIA_ROOT", f"{tmp}/media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load(papers: Path) -> list:
    from kg.ingest import ingest_paths

    # The PDFs only: a papers folder may hold a README that is no note of ours.
    results = ingest_paths([ROOT / "content", *sorted(papers.glob("*.pdf"))])
    failed = [r for r in results if r.failed]
    for r in failed:
        print("ingest:", r.line(), file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, help="JSON lines: id, lang, q, gold")
    parser.add_argument("papers", type=Path, help="folder of the reference PDFs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "trace.json")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each question's rank")
    args = parser.parse_args(argv)
    if not args.questions.is_file():
        print(f"error: no question file at {args.questions}", file=sys.stderr)
        return 2
    if not args.papers.is_dir():
        print(f"error: no papers folder at {args.papers}", file=sys.stderr)
        return 2
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="trace-eval-") as tmp:
        setup_database(tmp)
        load(args.papers)
        figures = run(items)
    report(figures)
    if args.verbose:
        for item, rank, base in zip(items, figures["trace"]["ranks"], figures["baseline_bm25"]["ranks"],
                                    strict=True):
            print(f"  {item['id']} {item['lang']} rank {rank} (bm25 {base})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
