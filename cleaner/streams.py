"""JSON Lines in and out: plain, gzip (``.gz``) or zstandard (``.zst``).

Reading streams line by line (a JSONL file is never loaded whole); writing
compresses deterministically (gzip with mtime 0), so the same records always
give the same bytes.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input line: where it came from and its bytes (parsed in a worker)."""

    source: str
    line: int
    data: bytes


def compression_of(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith(".gz"):
        return "gzip"
    if lowered.endswith((".zst", ".zstd")):
        return "zstd"
    return None


def open_binary(path: str | Path | None) -> BinaryIO:
    """Open a file (or stdin for None/'-') for reading, decompressing by suffix."""
    if path is None or str(path) == "-":
        return sys.stdin.buffer
    name = str(path)
    raw = open(path, "rb")  # noqa: SIM115 - wrapped and closed by the caller
    kind = compression_of(name)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw)
    if kind == "zstd":
        return _zstd_reader(raw, name)
    return raw


def _zstd_reader(raw: BinaryIO, name: str) -> BinaryIO:
    try:
        import zstandard
    except ImportError:
        raw.close()
        raise InputError(f"{name}: reading .zst needs the 'zstandard' package "
                         "(pip install 'cleaner[zstd]')") from None
    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))


def jsonl_files(inputs: list[str]) -> Iterator[str | InputError]:
    """The JSONL files named by ``inputs`` (files, directories walked in
    sorted order, or '-'), problems yielded as InputError values."""
    for item in inputs:
        if item == "-":
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                           and _is_jsonl_name(p.name))
            if not found:
                yield InputError(f"{item}: no .jsonl files in this directory")
            yield from (str(p) for p in found)
        elif path.exists():
            yield item
        else:
            yield InputError(f"{item}: no such file or directory")


def _is_jsonl_name(name: str) -> bool:
    lowered = name.lower()
    for suffix in (".gz", ".zst", ".zstd"):
        lowered = lowered.removesuffix(suffix)
    return lowered.endswith(JSONL_SUFFIXES)


def read_records(source: str, max_bytes: int | None = None) -> Iterator[RawRecord | InputError]:
    """Every non-blank line of a JSONL source, with its 1-based line number.
    A line longer than ``max_bytes`` is reported (and skipped) without being
    held in memory whole."""
    name = "-" if source == "-" else source
    try:
        handle = open_binary(source)
    except OSError as exc:
        yield InputError(f"{name}: cannot read: {exc.strerror or exc}")
        return
    limit = max_bytes + 1 if max_bytes is not None else -1
    try:
        number = 0
        while True:
            try:
                line = handle.readline(limit) if limit > 0 else handle.readline()
            except (OSError, EOFError) as exc:
                yield InputError(f"{name}: line {number + 1}: cannot read: {exc}")
                return
            if not line:
                return
            number += 1
            if max_bytes is not None and len(line) > max_bytes and not line.endswith(b"\n"):
                yield InputError(f"{name}: line {number}: larger than --max-bytes "
                                 f"({max_bytes} bytes)")
                while line and not line.endswith(b"\n"):  # skip the rest of the line
                    line = handle.readline(limit)
                continue
            if line.strip():
                yield RawRecord(name, number, line)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def compress(data: bytes, name: str) -> bytes:
    """``data`` compressed as the output name's suffix says (deterministic)."""
    kind = compression_of(name)
    if kind == "gzip":
        return gzip.compress(data, mtime=0)
    if kind == "zstd":
        try:
            import zstandard
        except ImportError:
            raise InputError(f"{name}: writing .zst needs the 'zstandard' package "
                             "(pip install 'cleaner[zstd]')") from None
        return zstandard.ZstdCompressor().compress(data)
    return data
