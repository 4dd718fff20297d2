"""Shared test helpers. The default rule set is compiled once per session."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner, load_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def default_rules():
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(default_rules):
    return Cleaner(default_rules)


def cleaner_command() -> list[str]:
    """The installed console script, or ``python -m cleaner`` beside this
    interpreter when the script is not on PATH."""
    script = shutil.which("cleaner", path=os.path.dirname(sys.executable) + os.pathsep
                          + os.environ.get("PATH", ""))
    return [script] if script else [sys.executable, "-m", "cleaner"]
