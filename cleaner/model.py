"""The records that flow between the stages, and the result a caller gets.

Everything here is immutable: a stage returns new records, it never edits the
ones it was given, so a decision recorded early cannot silently change later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

#: The action names, one per way a rule can change a document. The same words
#: appear in rule files (``action = "drop-line"``), in decisions and in the
#: ``cleaner explain`` output.
DROP_LINE = "drop-line"
DROP_SECTION = "drop-section"
STRIP_HEADER = "strip-header"
DEDUPE_TITLE = "dedupe-title"
LIFT_METADATA = "lift-metadata"
LIFT_TITLE = "lift-title"
DROP_ELEMENT = "drop-element"

ACTIONS = (DROP_LINE, DROP_SECTION, STRIP_HEADER, DEDUPE_TITLE, LIFT_METADATA, LIFT_TITLE,
           DROP_ELEMENT)


class Line(NamedTuple):
    """One source line, as ``cleaner explain`` and :class:`Traced` show it.

    ``number`` is 1-based and counts the lines of the decoded text as
    ``str.splitlines`` does; ``text`` is the line after encoding repair, before
    whitespace normalization. (The stages themselves pass plain strings:
    see :mod:`cleaner.segment`.)
    """

    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Decision:
    """A rule's verdict on one line: the line is removed from the body.

    ``line`` is the 1-based source line; 0 for a ``drop-element`` decision,
    which names an HTML element removed before extraction (``text`` then
    describes the element: its tag, id, classes and the start of its text).
    ``lifted`` holds the metadata the line revealed (``author``, ``published``,
    ``source``, ``title`` …); it is empty for plain drops.
    """

    rule_id: str
    action: str
    line: int
    text: str
    lifted: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "rule": self.rule_id,
            "action": self.action,
            "line": self.line,
            "text": self.text,
        }
        if self.lifted:
            record["lifted"] = dict(self.lifted)
        return record


@dataclass(frozen=True, slots=True)
class Repair:
    """One encoding repair: which step ran, on which line, and what it did."""

    step: str
    line: int | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"step": self.step}
        if self.line is not None:
            record["line"] = self.line
        if self.detail:
            record["detail"] = self.detail
        return record


def _frozen_mapping(value: dict[str, Any] | None = None) -> MappingProxyType[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class CleanResult:
    """The cleaned document.

    Guarantees: ``text`` is NFC, has no ``\\r``, no trailing spaces, no control
    or zero-width characters; its paragraphs are separated by exactly one blank
    line and it ends with one ``\\n`` (or is empty). Every source line missing
    from ``text`` is named by exactly one record in ``decisions``.
    """

    text: str
    title: str | None = None
    metadata: MappingProxyType[str, Any] = field(default_factory=_frozen_mapping)
    decisions: tuple[Decision, ...] = ()
    repairs: tuple[Repair, ...] = ()
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing of the article body is left."""
        return not self.text

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The JSONL record: ``text``, ``title``, ``metadata`` (and, with
        ``explain``, the decisions, repairs and warnings)."""
        record: dict[str, Any] = {
            "text": self.text,
            "title": self.title,
            "metadata": dict(self.metadata),
        }
        if self.empty:
            record["empty"] = True
        if explain:
            record["decisions"] = [d.to_dict() for d in self.decisions]
            record["repairs"] = [r.to_dict() for r in self.repairs]
            record["encoding"] = self.encoding
            if self.warnings:
                record["warnings"] = list(self.warnings)
        return record

    def __reduce__(self):  # MappingProxyType does not pickle by itself
        return (
            _rebuild_result,
            (
                self.text,
                self.title,
                dict(self.metadata),
                self.decisions,
                self.repairs,
                self.encoding,
                self.warnings,
            ),
        )


def _rebuild_result(text, title, metadata, decisions, repairs, encoding, warnings) -> CleanResult:
    return CleanResult(
        text, title, _frozen_mapping(metadata), decisions, repairs, encoding, warnings
    )
