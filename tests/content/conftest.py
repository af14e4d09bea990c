"""A writable copy of the real content directory, to break one thing per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline.settings import REPO_ROOT

REAL_CONTENT = REPO_ROOT / "content"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target, ignore=shutil.ignore_patterns("*.mo"))
    return target
