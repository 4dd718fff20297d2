"""The build: which modules run compiled (mypyc), and that a compiled build
is what CI says it is."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES

import pytest

import cleaner
from cleaner import compiled_modules

# The modules the wheel build compiles (pyproject.toml, the mypyc hook).
HOT_MODULES = ["cleaner.detectors", "cleaner.detectors.lines", "cleaner.detectors.lists",
               "cleaner.detectors.metadata", "cleaner.detectors.threads",
               "cleaner.detectors.title", "cleaner.detectors.zones", "cleaner.match",
               "cleaner.textshape"]


def test_every_module_reported_compiled_is_loaded_from_an_extension():
    for name in compiled_modules():
        module = importlib.import_module(name)
        assert module.__file__ is not None
        assert module.__file__.endswith(tuple(EXTENSION_SUFFIXES)), (name, module.__file__)


@pytest.mark.skipif(not os.environ.get("CLEANER_EXPECT_COMPILED"),
                    reason="set by CI for its run on the compiled wheel")
def test_the_compiled_wheel_compiles_the_hot_modules():
    assert compiled_modules() == HOT_MODULES
    assert not cleaner.__file__.startswith(os.getcwd())  # the installed package, not a checkout


def test_version_says_how_the_matcher_runs():
    shown = subprocess.run([sys.executable, "-m", "cleaner", "--version"], capture_output=True,
                           text=True, check=True).stdout
    compiled = compiled_modules()
    if compiled:
        assert "compiled: cleaner.match" in shown
    else:
        assert "(pure Python)" in shown
