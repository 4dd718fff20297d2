"""Shared test helpers. The default rule set is compiled once per session."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from cleaner import Cleaner, load_rules

# The gate cache goes to a directory of this test session (CLI tests inherit
# it), not to the user's ~/.cache.
os.environ.setdefault("CLEANER_CACHE_DIR", tempfile.mkdtemp(prefix="cleaner-test-cache-"))

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


def runaway_rule(pattern: str) -> str:
    """A rule file of one drop-line rule (EVL001) whose ``pattern``
    backtracks catastrophically on a run of "a": for the time-out tests."""
    return f"""
[[rule]]
id = "EVL001"
name = "runaway-pattern"
description = "A catastrophic backtracking pattern, for the tests."
action = "drop-line"
pattern = '{pattern}'
examples.drop = ["aaaa"]
examples.keep = ["bbbb"]
"""


# Hypothesis profiles. ``ci`` is derandomized with a bounded example count so
# CI is reproducible and fast; ``deep`` runs many more random examples for a
# local hunt (``HYPOTHESIS_PROFILE=deep pytest tests/test_properties.py``);
# ``dev`` is hypothesis' default, randomized. See docs/testing.md.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", derandomize=True, max_examples=150, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep", max_examples=5000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True)
settings.load_profile(os.environ.get(
    "HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI", "").lower() == "true" else "dev"))


def benchmark_script(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` imported as the module ``cleaner_<name>``
    (the scripts are not a package; their functions are tested directly)."""
    spec = importlib.util.spec_from_file_location(f"cleaner_{name}",
                                                  ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
