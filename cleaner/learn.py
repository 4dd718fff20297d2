"""Learning site chrome from a corpus: lines that recur across a site's pages.

Documents are grouped by site (the ``url`` of a JSONL record or its
``metadata.url``; for files, the first directory under the input directory).
Rules of a site known by its domain are scoped to it (``domains``); a site
known only as a directory has unscoped rules (an exact line learned there
would have to recur word for word elsewhere to match).
A normalized line (:func:`cleaner.textshape.line_key`) seen in at least
``min_docs`` documents and ``min_share`` of a site's documents is proposed as
a phrase rule scoped to that site. A line that reads as prose is proposed only
when nearly every page carries it (``prose_share``). Each site gets one
reviewable TOML file: one rule per line, its description saying in how many
documents the line was seen, the line as its phrase and drop example, and
keep examples taken from that site's own body text.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .match import document_domain
from .options import Options
from .pipeline import prepare
from .repair import repair
from .ruleset import RuleSet, load_rule_text
from .segment import segment
from .sources import iter_documents, read_input
from .streams import jsonl_files, read_records
from .textshape import MAX_KEY_CHARS, is_prose, line_key, word_count


@dataclass(frozen=True)
class LearnSettings:
    """Thresholds of :func:`learn`."""

    min_docs: int = 5
    min_share: float = 0.2
    prose_share: float = 0.9
    max_words: int = 25
    keep_examples: int = 2


@dataclass
class SiteLines:
    """What one site's documents look like, line by line."""

    documents: int = 0
    counts: Counter = field(default_factory=Counter)
    shown: dict[str, Counter] = field(default_factory=dict)
    body: Counter = field(default_factory=Counter)

    def add(self, lines: Iterable[str]) -> None:
        self.documents += 1
        seen: set[str] = set()
        for text in lines:
            text = " ".join(text.split())
            if not text or len(text) > MAX_KEY_CHARS * 2:
                continue
            key = line_key(text)
            if not key or key in seen:
                continue
            seen.add(key)
            self.counts[key] += 1
            self.shown.setdefault(key, Counter())[text] += 1
            if is_prose(text) and word_count(text) >= 12:
                self.body[text] += 1


@dataclass(frozen=True)
class Proposal:
    key: str
    text: str
    documents: int


def site_documents(inputs: list[str], text_key: str = "text",
                   input_format: str = "auto") -> Iterator[tuple[str, list[str]]]:
    """(site, lines) for every readable document of ``inputs``."""
    options = Options(lift_title=False, timeout=None)
    for item in inputs:
        path = Path(item)
        is_jsonl = input_format == "jsonl" or (
            input_format == "auto" and path.is_file() and ".jsonl" in path.name)
        if is_jsonl or (input_format == "jsonl" and path.is_dir()):
            yield from _jsonl_documents(item, text_key)
            continue
        for doc in iter_documents([item]):
            if isinstance(doc, InputError) or doc.path is None:
                continue
            site = doc.id.split("/")[0] if "/" in doc.id else path.name
            try:
                source = prepare(read_input(doc.path), RuleSet(()), options)
            except Exception:  # an unreadable page teaches nothing; learn goes on
                continue
            yield site, _lines(source.text)


def _jsonl_documents(item: str, text_key: str) -> Iterator[tuple[str, list[str]]]:
    for source in jsonl_files([item]):
        if isinstance(source, InputError):
            continue
        for raw in read_records(source):
            if isinstance(raw, InputError):
                continue
            try:
                record = json.loads(raw.data)
            except ValueError:
                continue
            if not isinstance(record, dict) or not isinstance(record.get(text_key), str):
                continue
            metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
            url = record.get("url") or metadata.get("url")
            site = document_domain(url) if isinstance(url, str) else None
            yield site or Path(source).stem, _lines(record[text_key])


def _lines(text: str) -> list[str]:
    repaired, _ = repair(text)
    return [line for line in segment(repaired) if line.strip()]


def propose(site: SiteLines, settings: LearnSettings) -> list[Proposal]:
    """The recurring lines of one site, most frequent first."""
    found = []
    for key, count in site.counts.items():
        share = count / site.documents
        if count < settings.min_docs or share < settings.min_share:
            continue
        text = site.shown[key].most_common(1)[0][0]
        if word_count(text) > settings.max_words:
            continue
        if is_prose(text) and share < settings.prose_share:
            continue
        found.append(Proposal(key, text, count))
    return sorted(found, key=lambda p: (-p.documents, p.key))


def learn(inputs: list[str], settings: LearnSettings = LearnSettings(), text_key: str = "text",
          input_format: str = "auto") -> dict[str, tuple[SiteLines, list[Proposal]]]:
    """Every site of the corpus with its proposed chrome lines."""
    sites: dict[str, SiteLines] = {}
    for site, lines in site_documents(inputs, text_key, input_format):
        sites.setdefault(site, SiteLines()).add(lines)
    return {name: (lines, propose(lines, settings)) for name, lines in sorted(sites.items())}


def site_prefix(site: str) -> str:
    """A stable rule-id prefix for a site: ``L`` and three letters from a hash
    of its name (ids stay unique across a directory of learned files)."""
    digest = hashlib.sha256(site.encode("utf-8")).digest()
    return "L" + "".join(chr(ord("A") + b % 26) for b in digest[:3])


def render_rules(site: str, lines: SiteLines, proposals: list[Proposal],
                 settings: LearnSettings) -> str:
    """The TOML rule file for one site (valid input for ``--rules``)."""
    prefix = site_prefix(site)
    keep = [text for text, count in lines.body.most_common() if count == 1][
        :settings.keep_examples] or ["This sentence stands for the site's body text, "
                                     "which a learned rule must never remove."]
    out = [f"# Learned by `cleaner learn` from {lines.documents} documents of {site}.",
           "# Review before use: every rule removes one exact line on this site only.",
           "description = "
           + _toml(f"Site chrome learned from {lines.documents} documents of {site}."),
           ""]
    for number, proposal in enumerate(proposals[:999], start=1):
        share = proposal.documents / lines.documents
        out += [
            "[[rule]]",
            f'id = "{prefix}{number:03d}"',
            f'name = "learned-{_slug(site)}-{number:03d}"',
            "description = " + _toml(
                f"Seen in {proposal.documents} of {lines.documents} documents of {site} "
                f"({share:.0%})."),
            'action = "drop-line"',
            f"phrases = [{_toml(proposal.text)}]",
            *([f"domains = [{_toml(site)}]"] if "." in site else []),
            f"examples.drop = [{_toml(proposal.text)}]",
            "examples.keep = [" + ", ".join(_toml(k) for k in keep) + "]",
            "",
        ]
    return "\n".join(out)


def write_rules(result: dict[str, tuple[SiteLines, list[Proposal]]], directory: Path,
                settings: LearnSettings) -> list[Path]:
    """One ``<site>.toml`` per site with proposals; returns the files written."""
    from .sources import write_atomic

    written = []
    for site, (lines, proposals) in result.items():
        if not proposals:
            continue
        target = directory / f"{_slug(site)}.toml"
        write_atomic(target, render_rules(site, lines, proposals, settings).encode("utf-8"))
        written.append(target)
    return written


def learned_ruleset(result: dict[str, tuple[SiteLines, list[Proposal]]],
                    settings: LearnSettings) -> RuleSet:
    """The learned rules as one in-memory rule set (``clean --learn``)."""
    rules = []
    for site, (lines, proposals) in result.items():
        if proposals:
            text = render_rules(site, lines, proposals, settings)
            rules.extend(load_rule_text(text, f"<learned:{site}>").rules)
    return RuleSet(tuple(rules), ("<learned>",))


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _slug(site: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in site.lower()).strip("-")
    return "-".join(part for part in slug.split("-") if part) or "site"
