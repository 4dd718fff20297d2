"""Text-mode quality on the devset: each textmode variant as given (before)
and cleaned (after), with the benchmark's metric.

    python benchmarks/devset_text.py [--devset ../shared/devset] [VARIANT ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cleaner import Cleaner
from cleaner.evaluate import load_gold, score

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=["recall", "readability", "fullpage"])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    args = parser.parse_args()
    gold = load_gold(args.devset / "ground-truth.json")
    cleaner = Cleaner()
    print("| variant | run | P | R | F1 | accuracy | seconds |")
    print("|---|---|---|---|---|---|---|")
    for variant in args.variants:
        raw = {p.stem: p.read_text(encoding="utf-8")
               for p in sorted((args.devset / "textmode" / variant).glob("*.txt"))}
        start = time.perf_counter()
        cleaned = {k: cleaner.clean(v).text for k, v in raw.items()}
        elapsed = time.perf_counter() - start
        for label, predictions, seconds in (("before", raw, ""), ("cleaned", cleaned,
                                                                  f"{elapsed:.2f}")):
            s = score(gold, predictions)
            print(f"| {variant} | {label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
                  f"| {s.accuracy:.3f} | {seconds} |")


if __name__ == "__main__":
    main()
