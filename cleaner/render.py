"""Stage 7, render: the body text, the JSONL record and the explain view."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .model import CleanResult, Decision, Line


def render_text(paragraphs: Sequence[str]) -> str:
    """Paragraphs separated by exactly one blank line, one final newline;
    the empty string when there is nothing."""
    if not paragraphs:
        return ""
    # The final newline goes on the last paragraph, not on the joined text:
    # adding it to a 10 MB body copied the whole body again, into fresh
    # memory the kernel had to fault in (most of render's time at 10 MB).
    parts = list(paragraphs)
    parts[-1] += "\n"
    return "\n\n".join(parts)


def render_jsonl(record: dict) -> str:
    """One JSON object on one line (UTF-8 kept as is, keys in a fixed order)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def render_explain(lines: Sequence[Line], result: CleanResult) -> str:
    """Every input line, marked ``keep`` or with the id and action of the rule
    that removed it; blank lines shown as ``·``. HTML elements removed before
    extraction come first, as line ``-``. Ends with the title, the metadata
    and the repairs."""
    by_line: dict[int, Decision] = {d.line: d for d in result.decisions if d.line}
    width = max(6, *(len(d.rule_id) for d in result.decisions)) if result.decisions else 6
    out = [f"{'-':>5}  {d.rule_id:<{width}} {d.action:<13} {d.text}".rstrip()
           for d in result.decisions if not d.line]
    for line in lines:
        decision = by_line.get(line.number)
        if decision is not None:
            mark = f"{decision.rule_id:<{width}} {decision.action:<13}"
        elif not line.text.strip():
            mark = f"{'·':<{width}} {'':<13}"
        else:
            mark = f"{'keep':<{width}} {'':<13}"
        out.append(f"{line.number:>5}  {mark} {line.text}".rstrip())
    out.append("")
    out.append(f"title: {result.title!r}")
    for key, value in result.metadata.items():
        out.append(f"{key}: {value!r}")
    out.append(f"encoding: {result.encoding}")
    for repair in result.repairs:
        where = f" line {repair.line}" if repair.line is not None else ""
        out.append(f"repair: {repair.step}{where} {repair.detail}".rstrip())
    for warning in result.warnings:
        out.append(f"warning: {warning}")
    return "\n".join(out) + "\n"
