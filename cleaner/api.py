"""The Python API: ``clean`` for one document, ``Cleaner`` for many."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .batch import batches
from .limits import Deadline
from .model import CleanResult
from .options import Options
from .pipeline import Document, Traced, run, run_many
from .ruleset import RuleSet, load_rules


class Cleaner:
    """Compiles the rules once; :meth:`clean` is then cheap per document.

    ``rules`` is a :class:`RuleSet`, or a list of extra rule directories/files
    layered over the defaults (None: the defaults alone). ``options`` are the
    fields of :class:`cleaner.options.Options`. A Cleaner is picklable, so it
    can be shipped to process pools and distributed workers.
    """

    def __init__(self, rules: RuleSet | Sequence[str | Path] | None = None,
                 **options: Any) -> None:
        self.rules = rules if isinstance(rules, RuleSet) else load_rules(rules or ())
        self.options = Options().with_overrides(**options)

    def clean(self, data: bytes | str, metadata: dict[str, str] | None = None,
              **overrides: Any) -> CleanResult:
        """Clean one document given as bytes (any encoding, gzip allowed) or
        str: article text, or an HTML page (``input_format="auto"`` sniffs).
        ``metadata`` is what the caller knows already (it wins over what
        chrome reveals); ``overrides`` change options for this document only
        (``url=…``, ``language=…``). Raises InputError for a document over
        ``max_bytes`` or over the time limit."""
        return self.trace(data, metadata, **overrides).result

    def clean_html(self, data: bytes | str, url: str | None = None,
                   **overrides: Any) -> CleanResult:
        """Clean an HTML page (plain or gzip-compressed, any charset)."""
        if url is not None:
            overrides["url"] = url
        return self.clean(data, input_format="html", **overrides)

    def trace(self, data: bytes | str, metadata: dict[str, str] | None = None,
              **overrides: Any) -> Traced:
        """Like :meth:`clean`, also returning the segmented source lines."""
        options, deadline = self._settings(data, overrides)
        return run(data, self.rules, options, metadata, deadline)

    def clean_many(self, documents: Iterable[bytes | str], *, on_error: str = "raise",
                   **overrides: Any) -> Iterator[CleanResult | Exception]:
        """Clean many documents (as :meth:`clean` takes them), yielding their
        results in order: each the result :meth:`clean` gives the document.
        Faster than calling :meth:`clean` in a loop on small documents: they
        are cleaned in batches, one stage at a time (see
        :mod:`cleaner.batch`). Lazy: it takes a batch's documents from
        ``documents`` at a time.

        A document that fails does not stop the others. With
        ``on_error="raise"`` its error is raised when its turn comes (the
        results before it have been yielded, as a loop over :meth:`clean`
        would have); with ``on_error="return"`` the exception is yielded in
        its place."""
        if on_error not in ("raise", "return"):
            raise ValueError(f"on_error must be 'raise' or 'return', not {on_error!r}")
        for outcome in self.trace_many((data, None, overrides) for data in documents):
            if isinstance(outcome, Traced):
                yield outcome.result
            elif on_error == "raise":
                raise outcome
            else:
                yield outcome

    def trace_many(self, items: Iterable[tuple[bytes | str, dict[str, str] | None,
                                               dict[str, Any]]],
                   ) -> Iterator[Traced | Exception]:
        """:meth:`trace` for many documents, each given as ``(data, metadata,
        overrides)``: yields, in order, each one's Traced or the exception
        :meth:`trace` would have raised (see :meth:`clean_many`)."""
        for batch in batches(items, size=lambda item: len(item[0])):
            documents: list[Document | Exception] = []
            for data, metadata, overrides in batch:
                try:
                    options, deadline = self._settings(data, overrides)
                    documents.append(Document(data, options, metadata, deadline))
                except Exception as error:  # (a bad option fails its document alone)
                    documents.append(error)
            run_many([d for d in documents if isinstance(d, Document)], self.rules)
            for document in documents:
                if isinstance(document, Exception):
                    yield document
                elif document.error is not None:
                    yield document.error
                else:
                    assert document.traced is not None
                    yield document.traced

    def _settings(self, data: bytes | str, overrides: dict[str, Any]) -> tuple[Options, Deadline]:
        """A document's options, and its deadline (its clock starts now)."""
        options = self.options.with_overrides(**overrides) if overrides else self.options
        limit = options.timeout
        if limit is not None:
            limit += options.timeout_per_mb * len(data) / 1_000_000
        return options, Deadline(limit)

    def __reduce__(self):
        return (_rebuild, (self.rules, self.options))


def _rebuild(rules: RuleSet, options: Options) -> Cleaner:
    cleaner = Cleaner.__new__(Cleaner)
    cleaner.rules, cleaner.options = rules, options
    return cleaner


_DEFAULT: Cleaner | None = None


def clean(data: bytes | str, **options: Any) -> CleanResult:
    """Clean one document with the default rules. The default rule set is
    compiled on the first call and reused."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT.clean(data, **options)
