"""Backup and restore: `export` writes the whole library to one archive, byte-identical when
repeated; `import` restores it on an empty SQLite or PostgreSQL database, and exporting again
gives the same bytes. Non-empty databases and damaged archives are refused, changing nothing."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from kg.backup.spec import DERIVED, EXPORTED
from kg.models import Attachment, TraceVerdict
from kg.tests.factories import small_library
from kg.tests.test_accounts import library_fingerprint
from papers.services import paper_ingest
from papers.tests.pdf_factory import make_pdf

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def full_library(db, tmp_path):
    """Every kind of row: the small library, an ingested PDF, an attachment, a confirmed trace."""
    rows = small_library()
    pdf = tmp_path / "tiny.pdf"
    pdf.write_bytes(make_pdf(title="Backup-V1 Technical Report: 备份"))
    assert paper_ingest(path=pdf).status == "new"
    name = default_storage.save("attachments/diagram.png", ContentFile(b"\x89PNG\r\n\x1a\n fake image"))
    Attachment.objects.create(note=rows["mla_note"], path="img/diagram.png", file=name, sha256="0" * 64)
    user = get_user_model().objects.create_user("reviewer", "r@example.org", "Long-Enough-Passw0rd")
    TraceVerdict.objects.create(question=rows["q1"], paper=rows["v2"], section_key="2.1",
                                section_title=rows["v2_mla"].title, section=rows["v2_mla"], confirmed=True, user=user)
    return rows


def export_bytes(path: Path) -> bytes:
    call_command("export", str(path), verbosity=0)
    return path.read_bytes()


def test_every_library_model_is_archived_or_declared_derived():
    labels = {m._meta.label for m in apps.get_models() if m._meta.app_label in ("kg", "papers")}
    assert labels <= set(EXPORTED) | DERIVED, f"models neither exported nor derived: {labels - set(EXPORTED) - DERIVED}"


def test_export_is_complete_and_byte_identical_when_repeated(full_library, tmp_path):
    first = export_bytes(tmp_path / "one.zip")
    second = export_bytes(tmp_path / "two.zip")
    assert first == second
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        names = archive.namelist()
        assert {f"data/{label.lower()}.jsonl" for label in EXPORTED} <= set(names)
        assert any(n.startswith("files/papers/") and n.endswith(".pdf") for n in names)
        assert "files/attachments/diagram.png" in names
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        verdicts = archive.read("data/kg.traceverdict.jsonl").decode().splitlines()
        assert len(verdicts) == 1 and '"confirmed":true' in verdicts[0]
        questions = archive.read("data/kg.question.jsonl").decode()
        assert '"concepts":[' in questions and "MLA 如何减少 KV cache" in questions


def test_import_refuses_a_database_that_is_not_empty(full_library, tmp_path, settings):
    archive = tmp_path / "backup.zip"
    export_bytes(archive)
    before = library_fingerprint()
    files_before = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(CommandError) as refused:
        call_command("import", str(archive), verbosity=0)
    message = str(refused.value)
    assert "not empty" in message and "\n" not in message
    assert library_fingerprint() == before
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*")) == files_before


def test_a_damaged_archive_changes_nothing(full_library, tmp_path, settings, django_db_blocker):
    archive = tmp_path / "backup.zip"
    export_bytes(archive)
    # Swap the PDF for other bytes: the SHA-256 check must refuse it after rows were written.
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, b"%PDF-1.7 tampered" if info.filename.startswith("files/papers/") else data)
    for model in reversed([apps.get_model(label) for label in EXPORTED]):
        model._base_manager.all().delete()
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("import", str(damaged), verbosity=0)
    assert all(apps.get_model(label)._base_manager.count() == 0 for label in EXPORTED)
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    with pytest.raises(CommandError, match="not a readable archive"):
        (tmp_path / "junk.zip").write_text("not a zip")
        call_command("import", str(tmp_path / "junk.zip"), verbosity=0)


def manage(*args: str, database_url: str, media: Path) -> subprocess.CompletedProcess:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "MEDIA_ROOT", "DATA_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env |= {"SECRET_KEY": "restore-test", "DATABASE_URL": database_url, "MEDIA_ROOT": str(media),
            "DATA_DIR": str(media.parent)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def restore_and_export_again(archive: Path, database_url: str, workdir: Path) -> bytes:
    media = workdir / "media"
    for step in (["migrate", "--noinput", "-v0"], ["import", str(archive)], ["export", str(workdir / "again.zip")]):
        result = manage(*step, database_url=database_url, media=media)
        assert result.returncode == 0, f"{step[0]}: {result.stdout}{result.stderr}"
    return (workdir / "again.zip").read_bytes()




@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="restores into fresh databases of both kinds itself; runs in the SQLite pass")
def test_round_trip_to_sqlite_and_postgresql_gives_identical_bytes(full_library, tmp_path, empty_postgres):
    # Whatever database this suite runs on, the archive goes to a fresh one of each kind.
    original = export_bytes(tmp_path / "original.zip")
    sqlite_copy = restore_and_export_again(tmp_path / "original.zip", f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                                           tmp_path / "to-sqlite")
    postgres_copy = restore_and_export_again(tmp_path / "original.zip", empty_postgres, tmp_path / "to-postgres")
    assert sqlite_copy == original
    assert postgres_copy == original
    print(f"\nround trip: {len(original)} bytes, identical after restore on SQLite and on PostgreSQL")
