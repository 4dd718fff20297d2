"""Fuzz decode -> clean with mutated documents, for a bounded time.

    python benchmarks/fuzz.py --seconds 600            # a long local run
    python benchmarks/fuzz.py --seconds 60 --seed 7    # reproducible sequence

A dependency-free mutation fuzzer: it starts from the fixture inputs (and the
shared seed articles when present), applies random byte- and line-level
mutations (flips, splices, BOMs, NULs, line-break soup, entities, mojibake,
long runs, chrome lines from the rules' own examples) and checks on every
input that cleaning

- never raises (any bytes are a valid input to the API),
- gives output of the promised shape (NFC, no ``\\r``, no trailing spaces, no
  control or zero-width characters, one final newline or nothing),
- explains every removal (replaying the decisions rebuilds the output),
- is idempotent with title lifting off (as text),
- gives every document of a batch (``Cleaner.trace_many``, eight inputs at
  a time) what it gives the document alone.

A failing input is written to ``--crashes`` (default ``fuzz-crashes/``) and
the run exits 1. ``tests/test_fuzz.py`` runs a short, seeded session in CI.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_ZERO_WIDTH = frozenset("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062"
                        "\u2063\u2064\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TOKENS = (
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\r", b"\r\n", b"\n\n", b"\x0b",
    b"\x0c", "\u2028".encode(), "\u0085".encode(), b"&amp;", b"&#8203;", b"&eacute;",
    b"&#x1F600;", b"&nbsp;", "Ã©".encode(), "â€™".encode(), b"\xe9", b"\xc3", b"\xed\xa0\x80",
    "\u200b".encode(), "\u202e".encode(), "e\u0301".encode(), b"\t", b"  ", b"\xc2\xa0",
    b"\xf0\x9f\x98\x80", "\U000e0067".encode(), b"\x1b[31m", b"<p>", b"</div>", b"\x85",
)


def seed_corpus() -> list[bytes]:
    """Fixture inputs, the shared seed articles (when present) and the
    rules' own examples joined into documents."""
    corpus = [p.read_bytes() for p in sorted((ROOT / "fixtures").glob("*/input.*"))]
    shared = ROOT.parent / "shared" / "seeds"
    if shared.is_dir():
        corpus += [p.read_bytes() for p in sorted(shared.iterdir()) if p.is_file()][:10]
    from cleaner import load_rules

    for rule in load_rules().rules:
        corpus.append("\n".join(rule.examples_drop + rule.examples_keep).encode())
    return [c for c in corpus if c] or [b"Title\n\nSome prose that ends with a period.\n"]


def mutate(data: bytes, rng: random.Random, corpus: list[bytes]) -> bytes:
    """One to four random mutations of ``data``."""
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(_MUTATIONS)(data, rng, corpus)
    return data[:2_000_000]


def _flip(data: bytes, rng: random.Random, _corpus) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]


def _insert_token(data: bytes, rng: random.Random, _corpus) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + rng.choice(_TOKENS) * rng.choice((1, 1, 2, 50)) + data[at:]


def _splice(data: bytes, rng: random.Random, corpus) -> bytes:
    other = rng.choice(corpus)
    a, b = sorted(rng.randint(0, len(other)) for _ in range(2))
    at = rng.randint(0, len(data))
    return data[:at] + other[a:b] + data[at:]


def _delete(data: bytes, rng: random.Random, _corpus) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    return data[:a] + data[a + rng.randint(1, 64):]


def _shuffle_lines(data: bytes, rng: random.Random, _corpus) -> bytes:
    lines = data.split(b"\n")
    rng.shuffle(lines)
    return b"\n".join(lines)


def _duplicate_lines(data: bytes, rng: random.Random, _corpus) -> bytes:
    lines = data.split(b"\n")
    line = rng.choice(lines)
    at = rng.randint(0, len(lines))
    return b"\n".join(lines[:at] + [line] * rng.randint(1, 20) + lines[at:])


def _recode(data: bytes, rng: random.Random, _corpus) -> bytes:
    """Re-encode the document: UTF-16 with or without BOM, cp1252 mojibake."""
    text = data.decode("utf-8", errors="replace")
    choice = rng.randrange(4)
    if choice == 0:
        return text.encode("utf-16")
    if choice == 1:
        return text.encode(rng.choice(("utf-16-le", "utf-16-be")), errors="replace")
    if choice == 2:
        return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    return text.encode("latin-1", errors="replace")


def _long_run(data: bytes, rng: random.Random, _corpus) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + rng.choice((b"a", b" ", b"-", b"\xc3\xa9", b"|", b".")) * \
        rng.choice((100, 640, 5000)) + data[at:]


_MUTATIONS: tuple[Callable[[bytes, random.Random, list[bytes]], bytes], ...] = (
    _flip, _insert_token, _insert_token, _splice, _delete, _shuffle_lines,
    _duplicate_lines, _recode, _long_run,
)


def check(data: bytes):
    """Raise AssertionError (or whatever cleaning raised) when an invariant
    does not hold for ``data``; returns its Traced (None for a broken gzip
    stream, which is a clear error)."""
    from cleaner import Cleaner
    from cleaner.act import act
    from cleaner.errors import InputError
    from cleaner.normalize import normalize
    from cleaner.render import render_text

    global _CLEANERS
    if _CLEANERS is None:
        _CLEANERS = (Cleaner(timeout=None), Cleaner(lift_title=False, timeout=None))
    default, no_title = _CLEANERS
    try:
        traced = default.trace(data)
    except InputError as exc:
        # gzip-framed input is unwrapped; a broken stream is a clear error
        if data.startswith(b"\x1f\x8b") and "gzip" in str(exc):
            return None
        raise
    result, text = traced.result, traced.result.text
    assert unicodedata.is_normalized("NFC", text), "output not NFC"
    assert "\r" not in text, "\\r in output"
    assert text == "" or (text.endswith("\n") and not text.endswith("\n\n")), "bad final newline"
    for line in text.split("\n"):
        assert line == line.strip(), f"untrimmed line {line[:40]!r}"
    for char in text:
        if char != "\n":
            assert unicodedata.category(char) not in ("Cc", "Cs", "Zl", "Zp"), repr(char)
            assert char not in _ZERO_WIDTH, repr(char)
    numbers = [d.line for d in result.decisions if d.line]  # line 0: HTML elements
    assert len(numbers) == len(set(numbers)), "a line decided twice"
    lines = traced.source_lines
    replayed = render_text(normalize(lines, act(lines, result.decisions).kept))
    assert replayed == text, "replaying the decisions does not rebuild the output"
    # idempotence is a promise about text: the second pass reads text
    once = no_title.clean(data, input_format="text").text
    assert no_title.clean(once, input_format="text").text == once, \
        "not idempotent (lift_title=False)"
    return traced


#: Inputs cleaned again together, as one batch.
BATCH = 8


def check_batch(documents: list[tuple[bytes, object]]) -> bytes | None:
    """Clean ``documents`` (input, Traced alone or None) as one batch; returns
    the first input whose batch outcome differs from its outcome alone."""
    default = _CLEANERS[0]
    together = default.trace_many((data, None, {}) for data, _ in documents)
    for (data, alone), outcome in zip(documents, together, strict=True):
        if alone is None:  # (alone it raised a clear gzip error)
            if not isinstance(outcome, Exception):
                return data
        elif isinstance(outcome, Exception) or outcome.result != alone.result \
                or outcome.source_lines != alone.source_lines:
            return data
    return None


_CLEANERS = None


def run(seconds: float, seed: int, max_inputs: int | None = None,
        on_failure: Callable[[bytes, BaseException], None] | None = None) -> Iterator[int]:
    """Fuzz for ``seconds`` (or ``max_inputs`` inputs, whichever is first);
    yields the number of inputs checked so far, every 100. Calls
    ``on_failure`` for each failing input (default: raise)."""
    rng = random.Random(seed)
    corpus = seed_corpus()
    deadline = time.monotonic() + seconds
    count = 0
    window: list[tuple[bytes, object]] = []

    def fail(data: bytes, exc: BaseException) -> None:
        if on_failure is None:
            raise AssertionError(f"fuzz input {data[:200]!r} failed: {exc!r}") from exc
        on_failure(data, exc)

    while time.monotonic() < deadline and (max_inputs is None or count < max_inputs):
        data = mutate(rng.choice(corpus), rng, corpus)
        try:
            window.append((data, check(data)))
        except Exception as exc:
            fail(data, exc)
        else:
            if len(data) < 20_000 and rng.random() < 0.05:
                corpus.append(data)  # interesting survivors seed later mutations
        if len(window) == BATCH:
            differing = check_batch(window)
            if differing is not None:
                fail(differing, AssertionError("cleaned in a batch, not as alone"))
            window.clear()
        count += 1
        if count % 100 == 0:
            yield count
    yield count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"),
                        help="where failing inputs are written")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    failures = 0

    def keep(data: bytes, exc: BaseException) -> None:
        nonlocal failures
        failures += 1
        args.crashes.mkdir(parents=True, exist_ok=True)
        path = args.crashes / f"{hashlib.sha256(data).hexdigest()[:16]}.bin"
        path.write_bytes(data)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        print(f"FAIL {path}: {detail}", file=sys.stderr)

    count = 0
    for checked in run(args.seconds, seed, on_failure=keep):
        count = checked
    print(f"seed {seed}: {count} inputs in {args.seconds:.0f} s, {failures} failing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
