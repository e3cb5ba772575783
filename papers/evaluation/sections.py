"""Section-tree accuracy of the layout path: `python -m papers.evaluation.sections PAPERS_DIR [MORE_DIRS]`.

For each PDF in the folders, parses it with the outline ignored and compares the headings with a
reference: the PDF's embedded outline, or for a PDF without one the hand-made outline committed in
papers/tests/data (a JSON file whose "file" names the PDF). Prints precision, recall and F1 of
headings (title equal ignoring numbering, case and punctuation; page within one), the share of
matched headings at the right level, how many outline headings got their printed number back, and
parse time against PyMuPDF's bare page.get_text() over the same pages.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import pymupdf

from papers.evaluation.scoring import UNSCORED_KINDS, UNSCORED_TITLES, Score, match_headings, title_key
from papers.parsing import ParseError, parse_pdf

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def hand_made_outlines() -> dict[str, list[dict]]:
    outlines = {}
    for path in sorted(DATA.glob("*_outline.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        outlines[data["file"]] = data["sections"]
    return outlines


def reference_outline(pdf: Path, data: bytes, hand_made: dict[str, list[dict]]) -> tuple[list[dict], str]:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        toc = doc.get_toc()
    if toc:
        outline = [{"title": title, "level": level, "page": page} for level, title, page in toc]
        return [item for item in outline if title_key(item["title"]) not in UNSCORED_TITLES], "embedded outline"
    if pdf.name in hand_made:
        return hand_made[pdf.name], "hand-made outline"
    return [], ""


def bare_text_seconds(data: bytes) -> float:
    start = time.perf_counter()
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            page.get_text()
    return time.perf_counter() - start


def timed_parse(data: bytes, name: str, repeat: int):
    times, parsed = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        parsed = parse_pdf(data, filename=name, ignore_outline=True)
        times.append(time.perf_counter() - start)
    return parsed, statistics.median(times)


def scored(sections) -> list[dict]:
    return [
        {"number": s.number, "title": s.title, "level": s.level, "page": s.page}
        for s in sections
        if s.kind not in UNSCORED_KINDS
    ]


def line(name: str, score: Score) -> str:
    return (
        f"{name:28} P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  "
        f"level {score.level_accuracy:.3f}  ({score.matched}/{score.reference} matched, {score.predicted} predicted)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="Folders of PDFs (the reference reports, others).")
    parser.add_argument("--repeat", type=int, default=3, help="Parses per report; the median time is printed.")
    parser.add_argument("-v", "--verbose", action="store_true", help="List unmatched headings.")
    args = parser.parse_args(argv)
    pdfs = [pdf for folder in args.folders for pdf in sorted(folder.glob("*.pdf"))]
    if not pdfs:
        print(f"{' '.join(map(str, args.folders))}: no PDFs found", file=sys.stderr)
        return 2
    hand_made = hand_made_outlines()
    total = Score(0, 0, 0, 0)
    parse_total = bare_total = outline_total = 0.0
    pages_total = numbered = outline_entries = 0
    print("Layout path (--ignore-outline) against the reference outline")
    for pdf in pdfs:
        data = pdf.read_bytes()
        reference, source = reference_outline(pdf, data, hand_made)
        if not reference:
            print(f"{pdf.name}: no embedded or hand-made outline, skipped")
            continue
        try:
            parsed, seconds = timed_parse(data, pdf.name, args.repeat)
            start = time.perf_counter()
            with_outline = parse_pdf(data, filename=pdf.name)  # the default path, as ingest runs it
            outline_total += time.perf_counter() - start
        except ParseError as exc:
            print(f"{pdf.name}: {exc}", file=sys.stderr)
            return 1
        bare = statistics.median(bare_text_seconds(data) for _ in range(args.repeat))
        score, extra, missed = match_headings(scored(parsed.sections), reference)
        total += score
        parse_total += seconds
        bare_total += bare
        pages_total += parsed.pages
        print(line(pdf.name, score) + f"  [{source}]  parse {seconds:.3f} s, {parsed.pages} pages")
        if source == "embedded outline":
            entries = [s for s in with_outline.sections if s.kind not in UNSCORED_KINDS]
            outline_entries += len(entries)
            numbered += sum(1 for s in entries if s.number)
        if args.verbose:
            for item in extra:
                print(f"    extra   p{item['page']:<3} L{item['level']} {item['number']} {item['title']}")
            for item in missed:
                print(f"    missed  p{item['page']:<3} L{item['level']} {item['title']}")
    print(line("overall", total))
    if outline_entries:
        print(f"outline path: printed numbers recovered for {numbered}/{outline_entries} outline headings")
    ratio = parse_total / bare_total if bare_total else float("nan")
    print(
        f"parse time (median of {args.repeat}): {parse_total:.3f} s for {pages_total} pages "
        f"({pages_total / parse_total:.0f} pages/s); bare page.get_text() {bare_total:.3f} s; ratio {ratio:.2f}x"
    )
    default_ratio = outline_total / bare_total if bare_total else float("nan")
    print(f"default parse (outline where present, 1 run): {outline_total:.3f} s; ratio {default_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
