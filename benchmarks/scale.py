"""Directory-scale benchmark of the real ``cleaner clean`` command.

Generates a JSONL corpus from the fixtures and the devset texts (documents are
whole articles, mixed and numbered, never committed), then measures:

- documents/s and MB/s with ``--jobs 1`` and ``--jobs 2`` (and the ratio);
- files/s of a directory of small files (``--files``, 1.5 KB each) cleaned
  into an output tree, where writing the files is a large part of the
  work (the tree's chunks go to disk with one flush each: see
  ``sources.sync_to_disk``);
- peak RSS of the command (and its workers) at a small and a large corpus,
  to show that memory stays flat.

    python benchmarks/scale.py                       # 100,000 docs; RSS at 20k vs 200k
    python benchmarks/scale.py --docs 20000 --files 10000 --rss 2000 20000   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"


def source_texts() -> list[str]:
    from cleaner.decode import decode

    texts = [decode(p.read_bytes()).text for p in sorted((ROOT / "fixtures").glob("*/input.txt"))]
    for variant in ("recall", "readability"):
        folder = DEVSET / "textmode" / variant
        if folder.is_dir():
            texts.extend(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
    return texts


def make_corpus(path: Path, count: int, texts: list[str]) -> int:
    size = 0
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            line = json.dumps({"id": f"doc{i}", "text": texts[i % len(texts)],
                               "meta": {"n": i}}, ensure_ascii=False) + "\n"
            size += len(line.encode("utf-8"))
            out.write(line)
    return size


def cleaner_command() -> list[str]:
    script = shutil.which("cleaner", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "cleaner"]


def run(corpus: Path, out: Path, jobs: int) -> tuple[float, int]:
    """Seconds and peak RSS (bytes, the largest process of the run)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([*cleaner_command(), "clean", str(corpus), "--to", "jsonl", "-o", str(out),
                    "-q", "-j", str(jobs)], check=False)  # exit 1: some document failed
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) * 1024


def make_tree(root: Path, count: int, texts: list[str], size: int = 1500) -> int:
    """``count`` files of ``size`` characters of article text, in 50
    directories; returns the bytes written."""
    corpus = "\n".join(texts)
    written = 0
    for i in range(count):
        path = root / f"d{i % 50:02d}" / f"doc{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = i * size % (len(corpus) - size)
        written += path.write_text(corpus[start:start + size], encoding="utf-8")
    return written


def run_tree(source: Path, out: Path, jobs: int) -> float:
    """Seconds of ``cleaner clean SOURCE -o OUT`` (a tree in, a tree out)."""
    start = time.perf_counter()
    subprocess.run([*cleaner_command(), "clean", str(source), "-o", str(out), "-q",
                    "-j", str(jobs)], check=False)
    return time.perf_counter() - start


def _tree_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--rss", type=int, nargs=2, default=(20_000, 200_000),
                        metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    texts = source_texts()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        size = make_corpus(corpus, args.docs, texts)
        print(f"corpus: {args.docs} documents, {size / 1e6:.1f} MB\n")
        print("| jobs | seconds | docs/s | MB/s |")
        print("|---|---|---|---|")
        rates = {}
        for jobs in (1, 2):
            seconds, _ = run(corpus, work / f"out{jobs}.jsonl", jobs)
            rates[jobs] = args.docs / seconds
            print(f"| {jobs} | {seconds:.1f} | {rates[jobs]:.0f} | {size / 1e6 / seconds:.2f} |")
        one = (work / "out1.jsonl").read_bytes().splitlines()
        two = (work / "out2.jsonl").read_bytes().splitlines()
        differing = sum(a != b for a, b in zip(one, two, strict=False)) + abs(len(one) - len(two))
        print(f"\nscaling jobs 2 / jobs 1: {rates[2] / rates[1]:.2f}x; outputs identical: "
              f"{differing == 0} ({len(one)} and {len(two)} records, {differing} differ; a "
              "document over the time limit on a loaded machine is an error, not a record)")
        tree = work / "tree"
        tree_size = make_tree(tree, args.files, texts)
        print(f"\n{args.files} files of text, {tree_size / 1e6:.1f} MB, into an output tree:\n")
        print("| jobs | seconds | files/s |")
        print("|---|---|---|")
        for jobs in (1, 2):
            seconds = run_tree(tree, work / f"tree-out{jobs}", jobs)
            print(f"| {jobs} | {seconds:.1f} | {args.files / seconds:.0f} |")
        trees = [_tree_files(work / f"tree-out{jobs}") for jobs in (1, 2)]
        print(f"\noutput trees identical: {trees[0] == trees[1]} ({len(trees[0])} files)")
        # Peak RSS: each size in a fresh child, so ru_maxrss is that run's own.
        print("\n| documents | peak RSS MB |")
        print("|---|---|")
        peaks = []
        for count in args.rss:
            make_corpus(corpus, count, texts)
            peak = _peak_in_child(corpus, work / "rss.jsonl")
            peaks.append(peak)
            print(f"| {count} | {peak / 1e6:.0f} |")
        print(f"\nRSS ratio large/small: {peaks[1] / peaks[0]:.3f}")


def _peak_in_child(corpus: Path, out: Path) -> int:
    """Run the command under a fresh Python parent so RUSAGE_CHILDREN counts
    only this run (jobs 2: the workers are the command's children)."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code, *cleaner_command(), "clean", str(corpus),
                           "--to", "jsonl", "-o", str(out), "-q", "-j", "2"],
                          check=True, capture_output=True, text=True)
    return int(done.stdout.strip()) * 1024


if __name__ == "__main__":
    main()
