"""Wheel build hook: the matcher compiled with mypyc.

The hot modules (the matcher and its gates, the line shapes, the structural
detectors, the stages around them: the hook's ``include`` in pyproject.toml)
are plain typed Python; mypyc, mypy's compiler, turns them into C extensions
that clean about a quarter faster (see docs/speed.md). The Python sources
stay the reference, and are what runs:

- in an editable install (``pip install -e .``: a developer's edits take
  effect at once, and the README's test command tests the sources);
- with ``CLEANER_PURE_PYTHON=1`` in the environment of the build;
- where compiling fails (no C compiler or Python headers): the package then
  installs uncompiled, with a warning, rather than not at all.

``cleaner --version`` says how many modules run compiled
(``cleaner.compiled_modules()`` names them). The extension files that mypyc
writes next to the sources are removed once the wheel holds them, so a
checkout never imports a stale build, and so is the mypy cache the compile
writes into the checkout (unless the checkout had one before).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from hatch_mypyc.plugin import MypycBuildHook


class CompiledMatcher(MypycBuildHook):
    """hatch-mypyc's hook, skipped for editable installs and on request, and
    falling back to the sources when the compiler fails."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable" or os.environ.get("CLEANER_PURE_PYTHON"):
            return
        cache = Path(self.root) / ".mypy_cache"
        self._own_cache = None if cache.exists() else cache
        try:
            super().initialize(version, build_data)
        except Exception as error:  # any failure: install the sources
            self.clean([version])
            self.app.display_warning(
                f"cleaner: mypyc compilation failed, installing pure Python ({error})")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version != "editable":
            self.clean([version])  # the wheel holds the extensions now
            own_cache = getattr(self, "_own_cache", None)
            if own_cache is not None:
                shutil.rmtree(own_cache, ignore_errors=True)


def get_build_hook() -> type:
    return CompiledMatcher
