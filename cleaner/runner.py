"""Running cleaner over many documents: in order, in parallel, resumably.

Guarantees:

- **Deterministic**: documents are cut into chunks of a fixed size (not
  depending on ``jobs``), each document is cleaned independently, and results
  are written in input order, so the output bytes are the same for any number
  of jobs and any run.
- **Bounded memory**: at most ``2 × jobs`` chunks are in flight; inputs are
  streamed (a JSONL file is read line by line).
- **Never loses work**: every file is written atomically. With a work
  directory (tree or JSONL-file output), each finished chunk is committed by
  an atomic marker holding its statistics, written only once the chunk's
  output is on disk (a tree's files are flushed together, see
  :meth:`TreeSink.write_chunk`); ``resume`` skips committed chunks,
  so a run killed at any moment and resumed ends with the same bytes as an
  uninterrupted one.
- **One broken document never stops the run**: its error is recorded (and
  written to the errors file) and the run goes on.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from .batch import batches
from .errors import CleanerError, InputError, PatternTimeout
from .render import render_jsonl
from .sources import (
    TEMPORARY_SUFFIX,
    output_name,
    read_input,
    remove_stale_temporaries,
    safe_join,
    sniff_binary,
    sync_to_disk,
    write_atomic,
)
from .streams import RawRecord, compression_of

CHUNK_SIZE = 256
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Task:
    """One document to clean: a file to read, or a JSONL record's bytes."""

    index: int
    doc_id: str
    path: str | None = None
    record: RawRecord | None = None
    input_format: str = "auto"
    error: str | None = None  # a problem found before reading (a missing file)


@dataclass(frozen=True)
class JobSettings:
    """What every worker needs besides the Cleaner (picklable)."""

    output: str  # "text" (body), "jsonl-file" (one record per file), "jsonl-record" (pass-through)
    explain: bool = False
    text_key: str = "text"
    id_key: str = "id"
    max_bytes: int | None = None


@dataclass
class Outcome:
    index: int
    doc_id: str
    data: bytes | None = None  # the rendered output of the document
    error: str | None = None
    error_record: dict[str, Any] | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    fatal: bool = False  # the user asked for the run to stop on this error


# ---------------------------------------------------------------- the worker

_WORKER: dict[str, Any] = {}


def _init_worker(cleaner, settings: JobSettings) -> None:
    _WORKER["cleaner"], _WORKER["settings"] = cleaner, settings


def _run_chunk(tasks: list[Task]) -> list[Outcome]:
    return process_chunk(tasks, _WORKER["cleaner"], _WORKER["settings"])


def process(task: Task, cleaner, settings: JobSettings) -> Outcome:
    """Clean one document; never raises (a failure becomes the outcome's error)."""
    return process_chunk([task], cleaner, settings)[0]


def process_chunk(tasks: list[Task], cleaner, settings: JobSettings) -> list[Outcome]:
    """Clean tasks in order, in batches (see :mod:`cleaner.batch`: each
    document's outcome is the one cleaning it alone gives); never raises (a
    failure becomes its document's outcome). A batch's documents are read
    just before it is cleaned, so memory holds one batch of inputs."""
    outcomes: list[Outcome] = []
    loaded = (_load_or_fail(task, settings) for task in tasks)
    for batch in batches(loaded, size=lambda item: len(item.data)
                         if isinstance(item, Loaded) else 0):
        ready = [item for item in batch if isinstance(item, Loaded)]
        cleaned = iter(cleaner.trace_many((item.data, None, item.overrides) for item in ready))
        for item in batch:
            if isinstance(item, Outcome):
                outcomes.append(item)
            else:
                outcomes.append(_render_outcome(item, next(cleaned), cleaner, settings))
    return outcomes


@dataclass(frozen=True)
class Loaded:
    """A task read and checked, ready to clean: the document, the options
    it is cleaned with, and (a JSONL record) the record to write it into."""

    task: Task
    data: bytes | str
    overrides: dict[str, Any]
    record: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None  # the record's, copied


def _load_or_fail(task: Task, settings: JobSettings) -> Loaded | Outcome:
    try:
        return _load(task, settings)
    except Exception as exc:
        return _error_outcome(task, exc)


def _load(task: Task, settings: JobSettings) -> Loaded:
    """Read a file or parse a record; raises InputError for what cannot be
    cleaned (binary data, a record that is not an object with text)."""
    if task.error is not None:
        raise InputError(task.error)
    if task.record is not None:
        return _load_record(task, settings)
    data = read_input(task.path, settings.max_bytes)
    binary = sniff_binary(data)
    if binary:
        raise InputError(f"{task.path or '-'}: skipped: binary data ({binary}), "
                         "not a text document")
    return Loaded(task, data, {"input_format": task.input_format})


def _load_record(task: Task, settings: JobSettings) -> Loaded:
    raw = task.record
    assert raw is not None
    try:
        record = json.loads(raw.data)
    except ValueError as exc:
        raise InputError(f"not a JSON object: {exc}") from None
    if not isinstance(record, dict):
        raise InputError("not a JSON object")
    doc_id = record.get(settings.id_key)
    label = f"id {doc_id!r}" if doc_id is not None else "no id"
    text = record.get(settings.text_key)
    if not isinstance(text, str):
        problem = "missing" if settings.text_key not in record else "not a string"
        raise InputError(f"{label}: field {settings.text_key!r} is {problem}")
    metadata = record.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InputError(f"{label}: field 'metadata' is not an object")
    metadata = dict(metadata or {})
    url = record.get("url") or metadata.get("url")
    overrides: dict[str, Any] = {"input_format": task.input_format}
    if isinstance(url, str):
        overrides["url"] = url
    language = record.get("language") or metadata.get("language")
    if isinstance(language, str):
        overrides["language"] = language
    return Loaded(task, text, overrides, record, metadata)


def _render_outcome(item: Loaded, cleaned, cleaner, settings: JobSettings) -> Outcome:
    """The outcome of a cleaned document (``cleaned``: its Traced, or the
    exception cleaning it raised)."""
    task = item.task
    if isinstance(cleaned, Exception):
        return _error_outcome(task, cleaned)
    try:
        if item.record is not None:
            return _record_outcome(item, cleaned, cleaner, settings)
        result = cleaned.result
        if settings.output == "text":
            rendered = result.text.encode("utf-8")
        else:
            record = {"id": task.doc_id} | result.to_dict(explain=settings.explain)
            rendered = render_jsonl(record).encode("utf-8")
        return Outcome(task.index, task.doc_id, rendered,
                       stats=document_stats(_text_length(item.data), result))
    except Exception as exc:
        return _error_outcome(task, exc)


def _error_outcome(task: Task, exc: Exception) -> Outcome:
    if isinstance(exc, PatternTimeout):  # --on-pattern-timeout fail: the run stops
        outcome = _failure(task, f"{exc}; stopping (--on-pattern-timeout fail)")
        outcome.fatal = True
        return outcome
    if isinstance(exc, CleanerError):
        return _failure(task, str(exc))
    # a bug on one document must not stop the run
    return _failure(task, f"{type(exc).__name__}: {exc}")


def _failure(task: Task, message: str) -> Outcome:
    where = (f"{task.record.source}: line {task.record.line}" if task.record
             else str(task.path or "-"))
    if not message.startswith(where):
        message = f"{where}: {message}"
    record = {"source": task.record.source if task.record else str(task.path or "-"),
              "id": task.doc_id, "error": message}
    if task.record:
        record["line"] = task.record.line
    return Outcome(task.index, task.doc_id, error=message, error_record=record,
                   stats={"failed": 1})


def _record_outcome(item: Loaded, traced, cleaner, settings: JobSettings) -> Outcome:
    record, metadata, text = item.record, item.metadata, item.data
    assert record is not None and metadata is not None and isinstance(text, str)
    result = traced.result
    doc_id = record.get(settings.id_key)
    own = cleaner_metadata(cleaner, text, result, traced.lines if settings.explain else None)
    metadata["cleaner"] = own
    record[settings.text_key] = result.text
    record["metadata"] = metadata
    if settings.output == "text":
        rendered = result.text
    else:
        rendered = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    return Outcome(item.task.index, item.task.doc_id if doc_id is None else str(doc_id),
                   rendered.encode("utf-8"), stats=document_stats(len(text), result))


def cleaner_metadata(cleaner, text: str, result, lines=None) -> dict[str, Any]:
    """What cleaner adds to a JSONL record under ``metadata.cleaner``."""
    hits = Counter(d.rule_id for d in result.decisions)
    own: dict[str, Any] = {
        "rules": cleaner.rules.fingerprint,
        "chars_in": len(text),
        "chars_out": len(result.text),
        "title": result.title,
        "lifted": dict(result.metadata),
        "rule_hits": dict(sorted(hits.items())),
        "repairs": sorted({r.step for r in result.repairs}),
    }
    if result.empty:
        own["empty"] = True
    if lines is not None:
        own["removed"] = removed_spans(text, result)
    return own


def removed_spans(text: str, result) -> list[dict[str, Any]]:
    """Each removed line as ``{start, end, rule, action}``: character offsets
    into the input text (line breaks excluded). Repair keeps the line
    structure, so source line numbers index the input's lines."""
    starts, offset = [], 0
    for piece in text.splitlines(keepends=True):
        body = len(piece.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))
        starts.append((offset, offset + body))
        offset += len(piece)
    spans = []
    for decision in result.decisions:
        if 1 <= decision.line <= len(starts):
            start, end = starts[decision.line - 1]
            spans.append({"start": start, "end": end, "rule": decision.rule_id,
                          "action": decision.action})
    return spans


def _text_length(data: bytes | str) -> int:
    return len(data)


def document_stats(chars_in: int, result) -> dict[str, Any]:
    rules: dict[str, list[int]] = {}
    for decision in result.decisions:
        entry = rules.setdefault(decision.rule_id, [0, 0])
        entry[0] += 1
        entry[1] += len(decision.text)
    return {
        "documents_out": 1,
        "empty": int(result.empty),
        "chars_in": chars_in,
        "chars_out": len(result.text),
        "rules": rules,
        "repairs": dict(Counter(r.step for r in result.repairs)),
    }


# ------------------------------------------------------------- statistics

@dataclass
class RunStats:
    documents_in: int = 0
    documents_out: int = 0
    empty: int = 0
    failed: int = 0
    chars_in: int = 0
    chars_out: int = 0
    rules: dict[str, dict[str, int]] = field(default_factory=dict)
    repairs: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    stopped: bool = False

    def add(self, stats: dict[str, Any], error: str | None = None) -> None:
        self.documents_in += 1
        self.documents_out += stats.get("documents_out", 0)
        self.empty += stats.get("empty", 0)
        self.failed += stats.get("failed", 0)
        self.chars_in += stats.get("chars_in", 0)
        self.chars_out += stats.get("chars_out", 0)
        for rule_id, (lines, chars) in stats.get("rules", {}).items():
            entry = self.rules.setdefault(rule_id, {"documents": 0, "lines": 0, "characters": 0})
            entry["documents"] += 1
            entry["lines"] += lines
            entry["characters"] += chars
        self.repairs.update(stats.get("repairs", {}))
        if error:
            self.errors.append(error)

    def merge(self, other: dict[str, Any]) -> None:
        """Add a committed chunk's totals (see :meth:`to_dict`)."""
        for key in ("documents_in", "documents_out", "empty", "failed", "chars_in", "chars_out"):
            setattr(self, key, getattr(self, key) + other[key])
        for rule_id, entry in other["rules"].items():
            mine = self.rules.setdefault(rule_id, {"documents": 0, "lines": 0, "characters": 0})
            for k, v in entry.items():
                mine[k] += v
        self.repairs.update(other["repairs"])
        self.errors.extend(other["errors"])

    def to_dict(self, elapsed: bool = False) -> dict[str, Any]:
        record = {
            "documents_in": self.documents_in, "documents_out": self.documents_out,
            "empty": self.empty, "failed": self.failed,
            "chars_in": self.chars_in, "chars_out": self.chars_out,
            "rules": dict(sorted(self.rules.items())),
            "repairs": dict(sorted(self.repairs.items())), "errors": self.errors,
        }
        if elapsed:
            record["elapsed_seconds"] = round(time.monotonic() - self.started, 3)
        return record

    def summary(self) -> str:
        seconds = time.monotonic() - self.started
        rate = self.documents_in / seconds if seconds > 0 else 0.0
        return (f"cleaner: {self.documents_in} documents, {self.documents_out} cleaned "
                f"({self.empty} empty), {self.failed} failed; {self.chars_in} → "
                f"{self.chars_out} characters; {seconds:.1f} s ({rate:.0f} docs/s)")


# ------------------------------------------------------------------ sinks

class Sink:
    """Where outcomes go. ``workdir`` (None: not resumable) holds chunk files
    and markers until :meth:`finish`."""

    workdir: Path | None = None

    def write_chunk(self, number: int, outcomes: list[Outcome]) -> None:
        raise NotImplementedError

    def finish(self, stats: RunStats) -> None:
        """Called once after every chunk is committed."""


class StreamSink(Sink):
    """Standard output: outcomes as they come, in order."""

    def write_chunk(self, number: int, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.data is not None:
                sys.stdout.buffer.write(outcome.data)
        sys.stdout.buffer.flush()


class FileSink(Sink):
    """One output file for a single input document."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write_chunk(self, number: int, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.data is not None:
                write_atomic(self.path, outcome.data)


class TreeSink(Sink):
    """A mirrored tree: one file per document, each written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workdir = root / ".cleaner-run"

    def write_chunk(self, number: int, outcomes: list[Outcome]) -> None:
        """Write the chunk's files, then put them all on disk at once (one
        flush of the file system, not an fsync per file), before the run
        commits the chunk: a committed chunk's files survive a crash, and an
        uncommitted one is written again on ``--resume``."""
        written: list[Path] = []
        for outcome in outcomes:
            if outcome.data is None:
                continue
            try:
                target = safe_join(self.root, output_name(outcome.doc_id))
            except InputError as exc:
                outcome.error, outcome.data = str(exc), None
                outcome.error_record = {"id": outcome.doc_id, "error": str(exc)}
                outcome.stats = {"failed": 1}
                continue
            write_atomic(target, outcome.data, durable=False)
            written.append(target)
        sync_to_disk(written)

    def finish(self, stats: RunStats) -> None:
        remove_stale_temporaries(self.root, recursive=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


class JsonlFileSink(Sink):
    """One JSONL file (compressed by suffix), assembled from committed chunk
    files when the run ends, and written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workdir = path.with_name(path.name + ".cleaner-run")

    def write_chunk(self, number: int, outcomes: list[Outcome]) -> None:
        data = b"".join(o.data for o in outcomes if o.data is not None)
        write_atomic(self.workdir / f"chunk-{number:07d}.jsonl", data)

    def finish(self, stats: RunStats) -> None:
        chunks = sorted(self.workdir.glob("chunk-*.jsonl"))
        assemble(chunks, self.path)
        remove_stale_temporaries(self.path.parent, self.path.name)
        shutil.rmtree(self.workdir, ignore_errors=True)


def assemble(parts: Iterable[Path], target: Path) -> None:
    """Concatenate ``parts`` into ``target`` (compressed as its suffix says,
    deterministically), atomically, streaming: memory stays flat."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.assemble{TEMPORARY_SUFFIX}")
    kind = compression_of(target.name)
    with open(temporary, "wb") as raw:
        if kind == "gzip":
            writer = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        elif kind == "zstd":
            import zstandard

            writer = zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
        else:
            writer = raw
        for part in parts:
            with open(part, "rb") as source:
                shutil.copyfileobj(source, writer, 1 << 20)
        if writer is not raw:
            writer.close()
        raw.flush()
    temporary.replace(target)


# ----------------------------------------------------------------- the run

def run_all(tasks: Iterable[Task], cleaner, settings: JobSettings, sink: Sink, *, jobs: int = 1,
            resume: bool = False, fingerprint: dict[str, Any] | None = None,
            errors_path: Path | None = None, on_error: Callable[[str], None] | None = None,
            progress: Any = None) -> RunStats:
    """Clean every task and send the outcomes to ``sink``; returns the totals."""
    stats = RunStats()
    committed = _prepare_workdir(sink, resume, fingerprint or {})
    error_records: list[dict[str, Any]] = []

    def commit(number: int, outcomes: list[Outcome]) -> None:
        fatal = next((n for n, o in enumerate(outcomes) if o.fatal), None)
        if fatal is not None:  # stop at that document: nothing after it is written
            outcomes = outcomes[:fatal + 1]
        sink.write_chunk(number, outcomes)
        chunk_stats = RunStats()
        records = []
        for outcome in outcomes:
            chunk_stats.add(outcome.stats, outcome.error)
            if outcome.error:
                records.append(outcome.error_record)
                if on_error:
                    on_error(outcome.error)
        if sink.workdir is not None:
            write_atomic(sink.workdir / f"chunk-{number:07d}.json",
                         json.dumps({"stats": chunk_stats.to_dict(), "errors": records},
                                    ensure_ascii=False).encode("utf-8"))
        stats.merge(chunk_stats.to_dict())
        error_records.extend(records)
        if progress is not None:
            progress.update(len(outcomes))
        if fatal is not None:
            raise _Stop

    chunks = _chunks(tasks)
    pending = ((n, c) for n, c in chunks if not _skip(n, committed, stats, error_records,
                                                      progress))
    stopped = False
    try:
        if jobs <= 1:
            for number, chunk in pending:
                commit(number, process_chunk(chunk, cleaner, settings))
        else:
            _run_parallel(pending, cleaner, settings, jobs, commit)
    except _Stop:
        stopped = True
    stats.stopped = stopped
    if not stopped:
        sink.finish(stats)
    if errors_path is not None and error_records:
        write_atomic(errors_path, "".join(render_jsonl(r) for r in error_records)
                     .encode("utf-8"))
    return stats


class _Stop(Exception):
    """A document failed in a way the user asked to stop the run for."""


def _chunks(tasks: Iterable[Task]) -> Iterator[tuple[int, list[Task]]]:
    iterator = iter(tasks)
    number = 0
    while chunk := list(islice(iterator, CHUNK_SIZE)):
        yield number, chunk
        number += 1


def _skip(number: int, committed: dict[int, dict], stats: RunStats,
          error_records: list[dict], progress: Any) -> bool:
    """A chunk committed by an earlier run: count it, don't redo it."""
    marker = committed.get(number)
    if marker is None:
        return False
    stats.merge(marker["stats"])
    error_records.extend(marker["errors"])
    if progress is not None:
        progress.update(marker["stats"]["documents_in"])
    return True


def _run_parallel(pending, cleaner, settings: JobSettings, jobs: int, commit) -> None:
    window: list[tuple[int, Future]] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(cleaner, settings)) as pool:
        for number, chunk in pending:
            window.append((number, pool.submit(_run_chunk, chunk)))
            while len(window) >= 2 * jobs:
                done_number, future = window.pop(0)
                commit(done_number, future.result())
        for done_number, future in window:
            commit(done_number, future.result())


def _prepare_workdir(sink: Sink, resume: bool, fingerprint: dict[str, Any]) -> dict[int, dict]:
    """Create (or, resuming, check and read) the work directory; returns the
    committed chunks' markers by chunk number."""
    workdir = sink.workdir
    if workdir is None:
        if resume:
            raise InputError("--resume needs an output file or directory (-o)")
        return {}
    manifest = workdir / MANIFEST
    if resume and manifest.exists():
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        if recorded != fingerprint:
            raise InputError(f"{workdir}: --resume refused: the interrupted run used other "
                             "inputs, rules or options")
        committed = {}
        for marker in workdir.glob("chunk-*.json"):
            number = int(marker.stem.split("-")[1])
            committed[number] = json.loads(marker.read_text(encoding="utf-8"))
        return committed
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    write_atomic(manifest, json.dumps(fingerprint, sort_keys=True).encode("utf-8"))
    return {}
