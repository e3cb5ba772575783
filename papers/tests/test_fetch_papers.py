"""fetch_papers against a local stand-in for arXiv (http.server in a thread), never the internet."""

import hashlib
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.management.commands.fetch_papers import REPORTS
from papers.tests.pdf_factory import HTML, make_pdf


class StandIn:
    """Serves generated PDFs at /pdf/<arxiv id>, honours Range, can cut a transfer short."""

    def __init__(self):
        self.files = {r.arxiv_id: make_pdf(title=f"Report {r.arxiv_id}", body="x" * 3000) for r in REPORTS}
        self.requests: list[tuple[str, str | None]] = []
        self.cut_after: int | None = None  # bytes sent before dropping the connection, once
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                arxiv_id = self.path.rsplit("/", 1)[-1]
                stand_in.requests.append((arxiv_id, self.headers.get("Range")))
                data = stand_in.files.get(arxiv_id)
                if data is None:
                    self.send_error(404, "Not Found")
                    return
                start = 0
                match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
                if match:
                    start = int(match.group(1))
                    if start >= len(data):
                        self.send_error(416, "Range Not Satisfiable")
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if stand_in.cut_after is not None:
                    self.wfile.write(body[: stand_in.cut_after])
                    stand_in.cut_after = None
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/pdf/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def arxiv():
    with StandIn() as server:
        yield server


def fetch(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("fetch_papers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_downloads_every_report_and_shows_checksums(arxiv, settings):
    out, _ = fetch("--base-url", arxiv.url)

    for report in REPORTS:
        data = (settings.PAPERS_DIR / report.filename).read_bytes()
        assert data == arxiv.files[report.arxiv_id]
        assert f"fetched   {report.filename}  sha256 {hashlib.sha256(data).hexdigest()}" in out
    assert out.count("differs from the reference copy") == 4
    assert not list(settings.PAPERS_DIR.glob("*.part"))


def test_present_files_are_not_fetched_again(arxiv, settings):
    fetch("--base-url", arxiv.url, "--only", "2412.19437")
    arxiv.requests.clear()
    out, _ = fetch("--base-url", arxiv.url, "--only", "2412.19437")
    assert arxiv.requests == []
    assert out.startswith("present   DeepSeek_V3.pdf  sha256 ")


def test_interrupted_download_fails_then_resumes_with_range(arxiv, settings):
    data = arxiv.files["2501.12948"]
    arxiv.cut_after = 1000

    with pytest.raises(CommandError, match="1 report"):
        out, err = fetch("--base-url", arxiv.url, "--only", "2501.12948")
    part = settings.PAPERS_DIR / "DeepSeek_R1.pdf.part"
    assert part.read_bytes() == data[:1000]
    assert not (settings.PAPERS_DIR / "DeepSeek_R1.pdf").exists()

    arxiv.requests.clear()
    fetch("--base-url", arxiv.url, "--only", "2501.12948")
    assert arxiv.requests == [("2501.12948", "bytes=1000-")]
    assert (settings.PAPERS_DIR / "DeepSeek_R1.pdf").read_bytes() == data
    assert not part.exists()


def test_interruption_is_reported_in_one_line(arxiv, settings):
    arxiv.cut_after = 500
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("fetch_papers", "--base-url", arxiv.url, "--only", "2405.04434", stdout=StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "failed    DeepSeek_V2.pdf: download interrupted after 500 bytes" in lines[0]
    assert lines[0].endswith("run again to resume")


def test_no_network_is_one_clear_line_and_non_zero(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    with pytest.raises(CommandError) as error:
        fetch("--base-url", f"http://127.0.0.1:{port}/pdf/", "--timeout", "2")
    message = str(error.value)
    assert message.startswith(f"cannot reach 127.0.0.1:{port} (")
    assert message.endswith("check the network and run again")
    assert "\n" not in message
    assert not list(settings.PAPERS_DIR.iterdir())


def test_an_error_page_instead_of_a_pdf_is_refused(arxiv, settings):
    arxiv.files["2505.09388"] = HTML
    with pytest.raises(CommandError):
        fetch("--base-url", arxiv.url, "--only", "2505.09388")
    assert not list(settings.PAPERS_DIR.iterdir())


def test_http_error_is_reported_and_others_go_on(arxiv, settings):
    del arxiv.files["2405.04434"]
    err = StringIO()
    with pytest.raises(CommandError, match="1 report"):
        call_command("fetch_papers", "--base-url", arxiv.url, stdout=StringIO(), stderr=err)
    assert "failed    DeepSeek_V2.pdf: HTTP 404 Not Found from " in err.getvalue()
    assert sorted(p.name for p in settings.PAPERS_DIR.iterdir()) == [
        "DeepSeek_R1.pdf", "DeepSeek_V3.pdf", "Qwen3_Technical_Report.pdf"
    ]


def test_exit_status_is_non_zero_from_the_command_line(tmp_path, settings):
    import os
    import subprocess
    import sys

    env = {**os.environ, "SECRET_KEY": "t", "PAPERS_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    command = ["fetch_papers", "--base-url", "http://127.0.0.1:9/pdf/", "--timeout", "2"]
    process = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *command],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert process.returncode != 0
    assert process.stderr.strip().startswith("CommandError: cannot reach 127.0.0.1:9")
    assert len(process.stderr.strip().splitlines()) == 1
