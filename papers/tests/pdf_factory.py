"""Small PDFs built with PyMuPDF for the ingest, upload and fuzz tests."""

import pymupdf

SECTIONS = [
    ("1", "Introduction", 1),
    ("2", "Architecture", 1),
    ("2.1", "Multi-Head Latent Attention", 2),
    ("2.2", "Mixture of Experts", 2),
    ("3", "Conclusion", 1),
]


def make_pdf(
    *,
    title: str = "TinyModel-V1 Technical Report",
    sections=SECTIONS,
    pages: int = 2,
    outline: bool = True,
    body: str = "The model uses attention with a small key-value cache and routed experts.",
) -> bytes:
    """A text PDF with a title, numbered headings spread over `pages` pages and an outline."""
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page(width=595, height=842)
    doc[0].insert_text((72, 80), title, fontsize=18, fontname="hebo")
    toc = []
    per_page = max(1, -(-len(sections) // pages))
    for index, (number, heading, level) in enumerate(sections):
        page_no = min(index // per_page, pages - 1)
        page = doc[page_no]
        y = 130 + (index % per_page) * 140
        page.insert_text((72, y), f"{number} {heading}", fontsize=14 if level == 1 else 12, fontname="hebo")
        page.insert_textbox(pymupdf.Rect(72, y + 10, 520, y + 120), f"{body} ({heading})", fontsize=10)
        toc.append([level, heading, page_no + 1])
    if outline:
        doc.set_toc(toc)
    data = doc.tobytes()
    doc.close()
    return data


def scanned_pdf() -> bytes:
    """A page that carries only an image, like a scan without OCR."""
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 64), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(50, 50, 300, 300), pixmap=pix)
    data = doc.tobytes()
    doc.close()
    return data


def encrypted_pdf() -> bytes:
    doc = pymupdf.open(stream=make_pdf(), filetype="pdf")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    doc.close()
    return data


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand from object bodies (object 1 is the catalog), with a correct xref."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def zero_page_pdf() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


HTML = b"<!DOCTYPE html>\n<html><head><title>arXiv</title></head><body>Not found</body></html>\n"
