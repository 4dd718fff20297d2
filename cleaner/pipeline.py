"""The stages in their one order: decode → (HTML: extract) → repair → segment
→ match → act → normalize → render. Each stage is a plain function in its own
module; this module only wires them together."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .act import act
from .batch import each
from .decode import decode
from .errors import InputError
from .extract import GZIP_MAGIC, DomRule, extract, looks_like_html, unwrap_gzip
from .limits import NO_DEADLINE, Deadline, time_limit
from .match import MatchJob, document_domain, match_many
from .model import CleanResult, Decision, Line, Repair
from .normalize import normalize
from .options import Options
from .render import render_text
from .repair import repair_pieces
from .ruleset import RuleSet
from .segment import numbered, segment
from .textshape import line_shapes


@dataclass(frozen=True)
class Traced:
    """A result together with the segmented lines it was decided on (what
    ``cleaner explain`` prints)."""

    result: CleanResult
    #: the repaired source lines (``source_lines[i]`` is line ``i + 1``)
    source_lines: tuple[str, ...]

    @property
    def lines(self) -> tuple[Line, ...]:
        """The source lines, numbered."""
        return numbered(self.source_lines)


class Source:
    """A document ready for repair: text, the metadata known before cleaning
    (from the page or the caller), element decisions, the encoding. (A plain
    class: compiled, its constructor is native code; a frozen dataclass's is
    interpreted, and one is made for every document.)"""

    def __init__(self, text: str, metadata: dict[str, str], decisions: tuple[Decision, ...],
                 encoding: str) -> None:
        self.text = text
        self.metadata = metadata
        self.decisions = decisions
        self.encoding = encoding


def resolve_format(data: bytes | str, requested: str) -> str:
    """``text`` or ``html``: what was asked for, or what the (decompressed)
    content looks like."""
    if requested != "auto":
        return requested
    if isinstance(data, bytes):  # sniff the characters, not the bytes (UTF-16 pages)
        data = decode(data[:4096]).text
    # NULs go in repair; sniff what repair will leave, so that cleaning the
    # output again sees the same kind of document.
    return "html" if looks_like_html(data[:4096].replace("\x00", "")) else "text"


def prepare(data: bytes | str, rules: RuleSet, options: Options,
            metadata: dict[str, str] | None = None, deadline: Deadline = NO_DEADLINE,
            ) -> Source:
    """Decode (and, for HTML, extract) a document into text. Extraction runs
    under a :class:`~cleaner.limits.time_limit`: it is the one stage that
    cannot ask the deadline itself."""
    known = dict(metadata or {})
    if options.url and "url" not in known:
        known["url"] = options.url
    if isinstance(data, bytes):
        if options.max_bytes is not None and len(data) > options.max_bytes:
            raise InputError(f"larger than --max-bytes ({options.max_bytes} bytes)")
        if data.startswith(GZIP_MAGIC):
            data = unwrap_gzip(data, options.max_bytes)
    if resolve_format(data, options.input_format) == "html":
        domain = document_domain(known.get("url"))
        dom_rules = [DomRule(c.rule.id, c.regex) for c in rules.dom_rules
                     if c.rule.applies_to(options.language, domain)]
        with time_limit(deadline):
            page = extract(data, dom_rules, url=known.get("url"), max_bytes=options.max_bytes)
        merged = {**known, **page.metadata}
        return Source(page.text, merged, tuple(page.decisions), page.encoding)
    decoded = decode(data)
    return Source(decoded.text, known, (), decoded.encoding)


def run(data: bytes | str, rules: RuleSet, options: Options,
        metadata: dict[str, str] | None = None, deadline: Deadline = NO_DEADLINE) -> Traced:
    """Clean one document. ``metadata`` is what the caller already knows (a
    JSONL record's fields); it and the page's own metadata win over what
    chrome reveals. Raises InputError once ``deadline`` has passed (asked
    between the stages and inside match)."""
    document = Document(data, options, metadata, deadline)
    document.prepare_text(rules)  # (the stages of run_many, for one document)
    document.repair_text()
    document.split_lines()
    document.match(rules)
    document.finish()
    assert document.traced is not None
    return document.traced


class Document:
    """One document to clean in a batch (:func:`run_many`): the arguments of
    :func:`run`, the stages' records as they are made, then ``traced`` (what
    :func:`run` returns) or ``error`` (what it raises)."""

    def __init__(self, data: bytes | str, options: Options,
                 metadata: dict[str, str] | None = None,
                 deadline: Deadline = NO_DEADLINE) -> None:
        self.data = data
        self.options = options
        self.metadata = metadata
        self.deadline = deadline
        self.error: Exception | None = None
        self.traced: Traced | None = None
        self._source: Source | None = None
        self._pieces: tuple[str, ...] = ()
        self._repairs: tuple[Repair, ...] = ()
        self._lines: tuple[str, ...] = ()
        self._shapes: tuple[list[str], list[int]] = ([], [])
        self._match: MatchJob | None = None

    def prepare_text(self, rules: RuleSet) -> None:
        """Decode (and, for HTML, extract): :func:`prepare`."""
        self._source = prepare(self.data, rules, self.options, self.metadata, self.deadline)
        self.data = ""  # (the batch need not hold the input past this stage)

    def repair_text(self) -> None:
        """Repair the text (:func:`~cleaner.repair.repair_pieces`)."""
        self.deadline.check()
        assert self._source is not None
        self._pieces, self._repairs = repair_pieces(self._source.text,
                                                    fold_quotes=self.options.fold_quotes)

    def split_lines(self) -> None:
        """Segment the text into lines and their shapes; ready the matching."""
        self.deadline.check()
        assert self._source is not None
        self._lines = segment(self._pieces)
        self._pieces = ()
        # collapsed forms and word counts, computed once for match and normalize
        self._shapes = line_shapes(self._lines)
        known = self._source.metadata
        domain = document_domain(known.get("url") or self.options.url)
        self._match = MatchJob(self._lines, self.options, domain, known.get("title"),
                               self._shapes, self.deadline)

    def match(self, rules: RuleSet) -> None:
        """Match the document alone (a batch matches its documents together:
        :func:`run_many`)."""
        assert self._match is not None
        self._match.run(rules)

    def finish(self) -> None:
        """Act on the decisions and render the result."""
        self.deadline.check()
        source, job = self._source, self._match
        assert source is not None and job is not None and job.result is not None
        decisions, _title, warnings = job.result
        lines = self._lines
        acted = act(lines, decisions)
        text = render_text(normalize(lines, acted.kept, self._shapes[0]))
        known = dict(source.metadata)
        known_title = known.pop("title", None)
        merged = dict(acted.metadata)
        merged.update({k: v for k, v in known.items() if v})
        result = CleanResult(
            text=text,
            title=known_title or acted.title,
            metadata=MappingProxyType(merged),
            decisions=source.decisions + decisions,
            repairs=self._repairs,
            encoding=source.encoding,
            warnings=warnings,
        )
        self.traced = Traced(result, lines)
        self._source = self._match = None
        self._lines, self._shapes = (), ([], [])


def run_many(documents: list[Document], rules: RuleSet) -> None:
    """Clean a batch of documents, each exactly as :func:`run` alone would,
    one stage at a time across the batch (see :mod:`cleaner.batch`). Sets
    each document's ``traced`` or ``error``."""
    each(documents, lambda document: document.prepare_text(rules))
    each(documents, Document.repair_text)
    each(documents, Document.split_lines)
    jobs = [document._match for document in documents if document._match is not None
            and document.error is None]
    match_many(jobs, rules)
    for document in documents:
        if document._match is not None and document._match.error is not None:
            document.error = document._match.error
    each(documents, Document.finish)
