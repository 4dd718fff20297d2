"""cleaner as a datatrove pipeline step (``pip install 'cleaner[datatrove]'``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerStep

    LocalPipelineExecutor(pipeline=[
        JsonlReader("in/"), CleanerStep(), JsonlWriter("out/"),
    ], tasks=8, workers=2).run()

Each document's text is cleaned with the same :class:`cleaner.Cleaner` the CLI
uses (so the texts equal ``cleaner clean --from jsonl``'s); cleaner's own
record goes to ``doc.metadata["cleaner"]`` (as in the CLI's JSONL output); the
per-rule counters become datatrove stats (``rule/CMT001`` …), merged across
tasks and workers by datatrove itself.
"""

from __future__ import annotations

from typing import Any

from datatrove.pipeline.base import PipelineStep

from ..api import Cleaner
from ..batch import batches
from ..runner import cleaner_metadata


class CleanerStep(PipelineStep):
    """Clean ``doc.text``; drop documents left empty unless ``keep_empty``.

    ``cleaner`` is a ready :class:`Cleaner` (picklable, shipped to workers);
    otherwise one is built from ``rules`` (extra rule directories) and
    ``options``.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, cleaner: Cleaner | None = None, rules: list[str] | None = None,
                 keep_empty: bool = False, **options: Any) -> None:
        super().__init__()
        self.cleaner = cleaner if cleaner is not None else Cleaner(rules, **options)
        self.keep_empty = keep_empty

    def run(self, data, rank: int = 0, world_size: int = 1):
        """Clean the documents in batches (see :mod:`cleaner.batch`: each
        text is the one cleaning it alone gives), taken from ``data`` as
        they come; the step's time is tracked per batch. A document cleaner
        cannot clean stops the task with its error, as ``Cleaner.clean``
        would."""
        for batch in batches(data, size=lambda doc: len(doc.text)):
            with self.track_time(unit="batch"):
                cleaned = list(self.cleaner.trace_many(
                    (doc.text, None, _overrides(doc)) for doc in batch))
            for doc, outcome in zip(batch, cleaned, strict=True):
                self.stat_update("documents")
                if isinstance(outcome, Exception):
                    raise outcome
                result = outcome.result
                own = cleaner_metadata(self.cleaner, doc.text, result)
                for rule_id, hits in own["rule_hits"].items():
                    self.stat_update(f"rule/{rule_id}", value=hits)
                self.stat_update("chars_in", value=own["chars_in"])
                self.stat_update("chars_out", value=own["chars_out"])
                doc.text = result.text
                doc.metadata["cleaner"] = own
                if result.empty and not self.keep_empty:
                    self.stat_update("dropped_empty")
                    continue
                yield doc


def _overrides(doc) -> dict[str, Any]:
    """The options a datatrove document brings: its URL (scoping domain rules)."""
    url = doc.metadata.get("url")
    return {"url": url} if isinstance(url, str) else {}
