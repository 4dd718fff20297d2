"""The stages in their one order: decode → repair → segment → match → act →
normalize → render. Each stage is a plain function in its own module; this
module only wires them together."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .act import act
from .decode import decode
from .match import match
from .model import CleanResult, Line, Repair
from .normalize import normalize
from .options import Options
from .render import render_text
from .repair import repair
from .ruleset import RuleSet
from .segment import segment


@dataclass(frozen=True)
class Traced:
    """A result together with the segmented lines it was decided on (what
    ``cleaner explain`` prints)."""

    result: CleanResult
    lines: tuple[Line, ...]


def run(data: bytes | str, rules: RuleSet, options: Options,
        metadata: dict[str, str] | None = None, encoding: str | None = None,
        extra_repairs: tuple[Repair, ...] = ()) -> Traced:
    """Clean one text document. ``metadata`` is what an earlier stage already
    knows (from HTML, or from a JSONL record); it wins over what chrome
    reveals. ``encoding`` overrides the decoded encoding's name."""
    decoded = decode(data)
    repaired, repairs = repair(decoded.text, fold_quotes=options.fold_quotes)
    lines = segment(repaired)
    decisions, _title, warnings = match(lines, rules, options)
    acted = act(lines, decisions)
    text = render_text(normalize(acted.kept))
    merged = dict(acted.metadata)
    known = dict(metadata or {})
    known_title = known.pop("title", None)
    merged.update({k: v for k, v in known.items() if v})
    result = CleanResult(
        text=text,
        title=known_title or acted.title,
        metadata=MappingProxyType(merged),
        decisions=decisions,
        repairs=extra_repairs + repairs,
        encoding=encoding or decoded.encoding,
        warnings=warnings,
    )
    return Traced(result, lines)
