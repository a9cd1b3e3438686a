"""Shared pytest fixtures: the hand-made raw directory and helpers to load it."""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import pytest

from datong.contract import RawTable

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_MINI_DIR = REPO_ROOT / "tests" / "fixtures" / "raw_mini"


def read_fixture_rows(raw_dir: Path, table: RawTable) -> list[list[str]]:
    """The data rows of a table's CSV, read with Python's csv module (header dropped)."""
    with (raw_dir / table.source / f"{table.name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def parse_command(module, *argv: str) -> argparse.Namespace:
    """Parse a command line the way `datong <command>` does for that command's module."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture(scope="session")
def raw_mini_dir() -> Path:
    """tests/fixtures/raw_mini, read-only: copy it (`raw_mini_copy`) before changing it."""
    return RAW_MINI_DIR


@pytest.fixture
def raw_mini_copy(tmp_path) -> Path:
    """A private copy of tests/fixtures/raw_mini that a test may break."""
    copy = shutil.copytree(RAW_MINI_DIR, tmp_path / "raw", ignore=shutil.ignore_patterns("*.md"))
    return Path(copy)
