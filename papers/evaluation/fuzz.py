"""A fuzz corpus of hostile PDFs, and a run of the ingest service over it.

    python -m papers.evaluation.fuzz [--variants 300] [--reference ../shared/papers]

The corpus: mutated and truncated variants of small generated PDFs (seeded, so a failure
can be replayed), plus a decompression bomb, a cyclic outline, a huge page count, an HTML
page named .pdf and, when a reference report is at hand, mutations of a real report. Each
goes through `paper_ingest_bytes` (into a throwaway SQLite database when run from the
command line); the run counts accepted and rejected files, crashes of this process (none
can be counted, since a crash ends the run), hangs (past the time limit plus a margin) and
rejections without a clear one-line reason.
"""

import argparse
import random
import re
import struct
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

Variant = tuple[str, bytes]


def seeds() -> list[bytes]:
    """Small, valid PDFs to mutate: outline and none, one and several pages, an image."""
    from papers.tests.pdf_factory import make_pdf, scanned_pdf

    return [
        make_pdf(),
        make_pdf(outline=False, pages=1),
        make_pdf(pages=3, title="Another Model: A Report"),
        scanned_pdf(),
    ]


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One random mutation of `data`, named for the report."""
    kind = rng.choice(["truncate", "flip", "delete", "duplicate", "insert", "numbers", "keywords", "splice"])
    buf = bytearray(data)
    n = len(buf)
    if kind == "truncate":
        return kind, bytes(buf[: rng.randrange(1, n)])
    if kind == "flip":
        for _ in range(rng.randint(1, 40)):
            buf[rng.randrange(n)] = rng.randrange(256)
        return kind, bytes(buf)
    if kind == "delete":
        start = rng.randrange(n)
        return kind, bytes(buf[:start] + buf[start + rng.randint(1, 2000):])
    if kind == "duplicate":
        start = rng.randrange(n)
        piece = buf[start: start + rng.randint(1, 4000)]
        at = rng.randrange(n)
        return kind, bytes(buf[:at] + piece * rng.randint(1, 5) + buf[at:])
    if kind == "insert":
        at = rng.randrange(n)
        return kind, bytes(buf[:at] + rng.randbytes(rng.randint(1, 500)) + buf[at:])
    if kind == "numbers":  # object numbers, offsets, lengths and counts: where parsers trust the file
        text = data.decode("latin-1")
        numbers = list(re.finditer(r"\d+", text))
        for match in rng.sample(numbers, min(len(numbers), rng.randint(1, 20))):
            value = rng.choice(["0", "-1", "4294967296", "99999999999", str(rng.randrange(10**6))])
            text = text[: match.start()] + value.ljust(len(match.group())) + text[match.end():]
        return kind, text.encode("latin-1")
    if kind == "keywords":
        words = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"/Root", b"/Pages", b"/Kids", b"R"]
        for _ in range(rng.randint(1, 6)):
            old, new = rng.choice(words), rng.choice(words)
            buf = bytearray(bytes(buf).replace(old, new, rng.randint(1, 3)))
        return kind, bytes(buf)
    other = seeds_cache()[rng.randrange(len(seeds_cache()))]
    cut, cut2 = rng.randrange(n), rng.randrange(len(other))
    return "splice", bytes(buf[:cut]) + other[cut2:]


_SEEDS: list[bytes] = []


def seeds_cache() -> list[bytes]:
    if not _SEEDS:
        _SEEDS.extend(seeds())
    return _SEEDS


def corpus(*, variants: int = 300, seed: int = 0, reference: Path | None = None) -> Iterator[Variant]:
    """The generated variants, then the special cases, then mutations of `reference` (a PDF)."""
    rng = random.Random(seed)
    bases = seeds_cache()
    for index in range(variants):
        kind, data = mutate(bases[index % len(bases)], rng)
        yield f"mutant-{index:03d}-{kind}.pdf", data
    yield "decompression-bomb.pdf", decompression_bomb()
    yield "cyclic-outline.pdf", cyclic_outline()
    yield "huge-page-count.pdf", huge_page_count()
    yield "html-page.pdf", b"<!DOCTYPE html><html><body><h1>Just a moment...</h1></body></html>"
    if reference is not None:
        data = reference.read_bytes()
        rng = random.Random(seed + 1)
        yield f"{reference.stem}-truncated.pdf", data[: len(data) * 2 // 3]
        for index in range(3):
            kind, mutant = mutate(data, rng)
            yield f"{reference.stem}-mutant-{index}-{kind}.pdf", mutant


def decompression_bomb(megabytes: int = 256) -> bytes:
    """A page whose 2 KB content stream inflates to `megabytes` of whitespace."""
    from papers.tests.pdf_factory import raw_pdf

    chunk = b" " * (1 << 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor starts afresh, so every 1 MB block is the same
    # bytes: the stream is built by repetition instead of compressing a gigabyte.
    block = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    end = raw.flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(chunk, adler)
    stream = b"\x78\xda" + block * megabytes + end + struct.pack(">I", adler)
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ])


def cyclic_outline() -> bytes:
    """An outline whose items point back at themselves and their parent."""
    from papers.tests.pdf_factory import make_pdf

    doc = pymupdf.open(stream=make_pdf(), filetype="pdf")
    catalog = doc.pdf_catalog()
    outlines = int(doc.xref_get_key(catalog, "Outlines")[1].split()[0])
    first = int(doc.xref_get_key(outlines, "First")[1].split()[0])
    doc.xref_set_key(first, "Next", f"{first} 0 R")
    doc.xref_set_key(first, "First", f"{outlines} 0 R")
    doc.xref_set_key(outlines, "Last", f"{first} 0 R")
    data = doc.tobytes()
    doc.close()
    return data


def huge_page_count() -> bytes:
    """A page tree that claims a hundred million pages (it holds one)."""
    from papers.tests.pdf_factory import raw_pdf

    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 100000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (1 Introduction) Tj ET\nendstream",
    ])


@dataclass
class FuzzReport:
    tried: int = 0
    accepted: int = 0
    rejected: int = 0
    hangs: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"fuzz: {self.tried} inputs, {self.accepted} accepted, {self.rejected} rejected, "
            f"0 crashes of the calling process, {len(self.hangs)} hangs, {len(self.unclear)} unclear errors "
            f"({self.seconds:.1f} s; slowest {self.slowest[0]:.2f} s: {self.slowest[1]})"
        ]
        for reason, count in self.reasons.most_common():
            out.append(f"  {count:4d}  {reason}")
        return out


def reason_class(detail: str) -> str:
    """The reason without its file-specific particulars, for counting."""
    detail = re.sub(r"\(.*\)", "(...)", detail)
    return re.sub(r"\d+", "N", detail)[:90]


def run(variants: Iterator[Variant], ingest: Callable[[str, bytes], object], *, time_limit: float) -> FuzzReport:
    """Feed every variant to `ingest` (returns an IngestResult); count what happened."""
    report = FuzzReport()
    started = time.monotonic()
    for name, data in variants:
        report.tried += 1
        t0 = time.monotonic()
        result = ingest(name, data)
        spent = time.monotonic() - t0
        report.slowest = max(report.slowest, (spent, name))
        if spent > time_limit + 5:
            report.hangs.append(name)
        if result.status == "failed":
            report.rejected += 1
            detail = result.detail
            if not detail or "\n" in detail or len(detail) > 300:
                report.unclear.append(f"{name}: {detail!r}")
            report.reasons[reason_class(detail)] += 1
        else:
            report.accepted += 1
    report.seconds = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reference", type=Path, help="A folder of reference PDFs; the smallest is mutated.")
    parser.add_argument("--timeout", type=float, default=10.0, help="Parse time limit per file, seconds.")
    args = parser.parse_args(argv)

    import tempfile

    from papers.evaluation.bench_ingest import _setup_django

    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        _setup_django(Path(scratch))
        from django.conf import settings

        from papers.services import paper_ingest_bytes

        settings.PDF_PARSE_TIMEOUT = args.timeout
        settings.PDF_PARSE_MEMORY_MB = 512
        reference = None
        if args.reference:
            reference = min(args.reference.glob("*.pdf"), key=lambda p: p.stat().st_size, default=None)
        report = run(
            corpus(variants=args.variants, seed=args.seed, reference=reference),
            lambda name, data: paper_ingest_bytes(data=data, filename=name).result,
            time_limit=args.timeout,
        )
    print("\n".join(report.lines()))
    for line in report.hangs + report.unclear:
        print(f"  problem: {line}")
    return 1 if report.hangs or report.unclear else 0


if __name__ == "__main__":
    sys.exit(main())
