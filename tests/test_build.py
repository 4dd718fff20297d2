"""The build: which modules run compiled (mypyc), and that a compiled build
is what CI says it is."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import cleaner
from cleaner import compiled_modules

ROOT = Path(__file__).resolve().parent.parent


def hot_modules() -> list[str]:
    """The modules the wheel build compiles: the mypyc hook's ``include``
    list in pyproject.toml (files, and directories of modules)."""
    hook = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]
    names = set()
    for entry in hook["include"]:
        path = ROOT / entry
        for module in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            parts = module.relative_to(ROOT).with_suffix("").parts
            names.add(".".join(parts).removesuffix(".__init__"))
    return sorted(names)


def test_every_module_reported_compiled_is_loaded_from_an_extension():
    for name in compiled_modules():
        module = importlib.import_module(name)
        assert module.__file__ is not None
        assert module.__file__.endswith(tuple(EXTENSION_SUFFIXES)), (name, module.__file__)


@pytest.mark.skipif(not os.environ.get("CLEANER_EXPECT_COMPILED"),
                    reason="set by CI for its run on the compiled wheel")
def test_the_compiled_wheel_compiles_the_hot_modules():
    assert compiled_modules() == hot_modules()
    assert not cleaner.__file__.startswith(os.getcwd())  # the installed package, not a checkout


def test_version_says_how_the_matcher_runs():
    shown = subprocess.run([sys.executable, "-m", "cleaner", "--version"], capture_output=True,
                           text=True, check=True).stdout
    compiled = compiled_modules()
    if compiled:
        assert f"({len(compiled)} modules compiled with mypyc)" in shown
    else:
        assert "(pure Python)" in shown
