"""Where documents come from (files, directories, stdin) and where results go.

Guarantees: a directory is walked in sorted order without following symlinked
directories (so a symlink loop cannot trap the walk), and a symlinked file in
it is read only when it points inside the directory; every output file is
written atomically (a temporary file in the same directory, then a rename), so
a killed run never leaves a half-written output; nothing is ever written over
an input or inside an input directory.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError


@dataclass(frozen=True)
class SourceDoc:
    """One input document: its id (path relative to the input directory, the
    file name, or ``-``) and where to read it."""

    id: str
    path: Path | None  # None: standard input


def iter_documents(inputs: list[str]) -> Iterator[SourceDoc | InputError]:
    """Every document named by ``inputs``, in order; problems with a path are
    yielded as InputError values so the caller can report them and go on."""
    for item in inputs:
        if item == "-":
            yield SourceDoc("-", None)
            continue
        path = Path(item)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists():
            yield SourceDoc(path.name, path)
        else:
            yield InputError(f"{item}: no such file or directory")


def _walk(root: Path) -> Iterator[SourceDoc | InputError]:
    found: list[Path] = []
    errors: list[InputError] = []

    def on_error(exc: OSError) -> None:
        errors.append(InputError(f"{exc.filename}: cannot read directory: {exc.strerror}"))

    resolved_root = root.resolve()
    for directory, subdirs, files in os.walk(root, onerror=on_error, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            path = Path(directory) / name
            if path.is_symlink():
                if not path.exists():
                    errors.append(InputError(f"{path}: broken or looping symlink"))
                    continue
                if resolved_root not in path.resolve().parents:
                    errors.append(InputError(
                        f"{path}: refused: symlink points outside the input directory"))
                    continue
            found.append(path)
    yield from errors
    for path in sorted(found):
        yield SourceDoc(path.relative_to(root).as_posix(), path)


def read_input(item: str | Path | None, max_bytes: int | None = None) -> bytes:
    """Read a document's bytes ('-' or None: stdin). A ``.gz`` file is
    decompressed, and ``max_bytes`` bounds the decompressed size (a gzip bomb
    stops after ``max_bytes + 1`` bytes of output). Raises InputError naming
    the file when it cannot be read, is not valid gzip, or is larger than
    ``max_bytes``."""
    if item is None or str(item) == "-":
        stdin = sys.stdin.buffer
        data = stdin.read() if max_bytes is None else stdin.read(max_bytes + 1)
        name = "-"
    else:
        name = str(item)
        try:
            if str(item).endswith(".gz"):
                data = read_gzip(item, max_bytes)
            else:
                if max_bytes is not None and os.path.getsize(item) > max_bytes:
                    raise InputError(f"{name}: larger than --max-bytes ({max_bytes} bytes)")
                with open(item, "rb") as handle:
                    data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"{name}: larger than --max-bytes ({max_bytes} bytes)")
    return data


def read_gzip(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The decompressed bytes of a gzip file, reading at most ``max_bytes + 1``
    bytes of output (so the caller can tell "too large" from "exactly
    max_bytes") however large the file would expand. Raises InputError when
    the data is not valid gzip; OSError when the file cannot be read."""
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: not valid gzip data: {exc}") from None


#: Signatures of binary formats that end up renamed as text (images,
#: archives, documents, executables): cleaning them as text would only make
#: noise, so the CLI reports them instead.
_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"), (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip data"), (b"BZh", "bzip2 data"), (b"\xfd7zXZ\x00", "xz data"),
    (b"(\xb5/\xfd", "zstd data"), (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"), (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"), (b"\x00asm", "WebAssembly module"),
)


def sniff_binary(data: bytes) -> str | None:
    """The name of the binary format ``data`` starts with, or None. Text never
    starts with these bytes (``MZ`` only counts with a DOS header size)."""
    for signature, name in _BINARY_SIGNATURES:
        if data.startswith(signature):
            if signature == b"MZ" and (len(data) < 64 or b"\n" in data[:64]):
                continue
            return name
    if data[8:12] in (b"WEBP", b"AVI ", b"WAVE") and data.startswith(b"RIFF"):
        return "RIFF media"
    if data[4:8] == b"ftyp":
        return "MP4/ISO media"
    return None


def output_name(doc_id: str) -> str:
    """The output path of a document in a mirrored tree: same relative path,
    ``.txt`` as the suffix (``a/b.html.gz`` -> ``a/b.txt``)."""
    path = Path(doc_id)
    if path.suffix == ".gz":
        path = path.with_suffix("")
    return path.with_suffix(".txt").as_posix() if path.suffix != ".txt" else path.as_posix()


def safe_join(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would land outside root
    (absolute paths, ``..``, or a symlinked directory pointing out)."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or not relative:
        raise InputError(f"{relative}: refused: output path would leave the output directory")
    target = root / candidate
    resolved_root = root.resolve()
    if resolved_root not in target.resolve().parents:
        raise InputError(f"{relative}: refused: output path would leave the output directory")
    return target


def check_not_input(output: Path, inputs: list[str]) -> None:
    """Refuse an output that is an input, or lies inside an input directory,
    or contains one."""
    out = output.resolve()
    for item in inputs:
        if item == "-":
            continue
        source = Path(item).resolve()
        if out == source:
            raise InputError(f"{output}: refused: output would overwrite the input {item}")
        if source.is_dir() and (source in out.parents):
            raise InputError(f"{output}: refused: output lies inside the input directory {item}")
        if out.is_dir() and out in source.parents:
            raise InputError(f"{output}: refused: input {item} lies inside the output directory")


TEMPORARY_SUFFIX = ".tmp"


def remove_stale_temporaries(directory: Path, name: str | None = None,
                             recursive: bool = False) -> None:
    """Delete temporary files a killed run left behind (``.NAME.*.tmp``, the
    names :func:`write_atomic` uses); with ``name``, only those of that file."""
    prefix = f".{name}." if name else "."
    candidates = directory.rglob(f"{prefix}*{TEMPORARY_SUFFIX}") if recursive else \
        directory.glob(f"{prefix}*{TEMPORARY_SUFFIX}")
    for path in candidates:
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that a reader (or a later run) sees either
    the old file or the whole new one, never a part. With ``durable`` the
    data is on disk when this returns (an fsync of the file); without, it is
    once the caller has passed the file to :func:`sync_to_disk` (a batch of
    files then pays one flush, not one each: an fsync per file was most of
    the time of a directory run of small files, some 0.35 ms a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_to_disk(paths: Sequence[Path]) -> None:
    """Put files written by ``write_atomic(..., durable=False)`` on disk,
    with their renames: when this returns, a crash can no longer lose them.
    On Linux one ``syncfs(2)`` per file system the files' directories lie on
    (it flushes the data and the directory entries of that file system
    alone); elsewhere ``sync(2)``, or where there is none, an fsync of each
    file."""
    if not paths:
        return
    syncfs = _syncfs()
    if syncfs is None:
        if hasattr(os, "sync"):
            os.sync()
            return
        for path in paths:
            descriptor = os.open(path, os.O_RDWR)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        return
    # one directory per file system (a chunk's files share one, almost always)
    devices: dict[int, Path] = {}
    for directory in dict.fromkeys(path.parent for path in paths):
        devices.setdefault(os.stat(directory).st_dev, directory)
    for directory in devices.values():
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            syncfs(descriptor, directory)
        finally:
            os.close(descriptor)


@lru_cache(maxsize=1)
def _syncfs() -> Callable[[int, Path], None] | None:
    """libc's ``syncfs`` (Linux) as ``syncfs(descriptor, directory)``,
    raising OSError as os functions do; None where the C library has none."""
    import ctypes  # (here: a command that writes no tree need not load it)

    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, TypeError):
        return None

    def syncfs(descriptor: int, directory: Path) -> None:
        if function(descriptor) != 0:
            number = ctypes.get_errno()
            raise OSError(number, f"syncfs: {os.strerror(number)}", str(directory))

    return syncfs
