"""Project-wide pytest fixtures."""

import os
from pathlib import Path

import pytest

SHARED_PAPERS = Path(__file__).resolve().parent.parent / "shared" / "papers"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test stores its files in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAPERS_DIR = tmp_path / "papers"
    # Tests read static files from the source folders; no collectstatic manifest needed.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def shared_papers() -> Path:
    """The reference reports, or a skip where the folder is absent."""
    if not SHARED_PAPERS.is_dir() or not any(SHARED_PAPERS.glob("*.pdf")):
        pytest.skip(f"reference reports not found in {SHARED_PAPERS}")
    return SHARED_PAPERS


def pytest_configure(config):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
