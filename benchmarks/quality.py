"""HTML extraction quality and speed on the devset: cleaner's HTML mode and its
peers, on the same pages, in one run.

    python benchmarks/quality.py [--devset ../shared/devset]

Peers (the ``bench`` extra: ``pip install -U pip && pip install -e '.[bench]'``;
a pip older than 24 stops on the peers' two spellings of lxml's html-clean
extra): trafilatura default (``extract(html)``, comments included as its default is), trafilatura
without comments (the devset README's "default" figure), trafilatura
favor_precision, readability-lxml, jusText. Every system gets the decompressed
page bytes (cleaner gets the .html.gz bytes as they are: decompression is part
of its work). Prints P/R/F1/accuracy with the benchmark's metric, pages per
CPU second, and the time ratio to trafilatura default.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

from cleaner import Cleaner
from cleaner.evaluate import load_gold, score

ROOT = Path(__file__).resolve().parent.parent


def systems(urls: dict[str, str]) -> dict[str, Callable[[str, bytes, bytes], str]]:
    import trafilatura

    cleaner = Cleaner()
    found: dict[str, Callable[[str, bytes, bytes], str]] = {
        "cleaner (HTML mode)":
            lambda key, raw, page: cleaner.clean(raw, input_format="html", url=urls[key]).text,
        "trafilatura default":
            lambda key, raw, page: trafilatura.extract(page, url=urls[key]) or "",
        "trafilatura no comments":
            lambda key, raw, page: trafilatura.extract(page, url=urls[key],
                                                       include_comments=False) or "",
        "trafilatura favor_precision":
            lambda key, raw, page: trafilatura.extract(page, url=urls[key],
                                                       favor_precision=True) or "",
    }
    try:
        from lxml import html as lxml_html
        from readability import Document

        def readability(key: str, raw: bytes, page: bytes) -> str:
            summary = Document(page).summary(html_partial=True)
            return lxml_html.fromstring(summary).text_content() if summary.strip() else ""

        found["readability-lxml"] = readability
    except ImportError:
        print("(readability-lxml not installed: pip install -U pip && pip install -e '.[bench]')")
    try:
        import justext

        def jus(key: str, raw: bytes, page: bytes) -> str:
            paragraphs = justext.justext(page, justext.get_stoplist("English"))
            return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

        found["jusText"] = jus
    except ImportError:
        print("(jusText not installed: pip install -U pip && pip install -e '.[bench]')")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timing rounds over all systems (each system's best is kept)")
    args = parser.parse_args()
    truth = json.loads((args.devset / "ground-truth.json").read_text(encoding="utf-8"))
    gold = load_gold(args.devset / "ground-truth.json")
    raw = {p.name.removesuffix(".html.gz"): p.read_bytes()
           for p in sorted((args.devset / "html").glob("*.html.gz"))}
    pages = {k: gzip.decompress(v) for k, v in raw.items()}
    urls = {k: truth[k].get("url", "") for k in raw}
    # Timing rounds go round-robin over the systems and each keeps its best:
    # on a shared machine, load that comes and goes then hits every system
    # alike instead of whichever happened to run at the time. Time is this
    # process's CPU time (every system runs single-threaded in it): wall time
    # on a busy machine also counts the time spent waiting for a core.
    found = systems(urls)
    best = dict.fromkeys(found, float("inf"))
    predictions: dict[str, dict[str, str]] = {}
    for _ in range(args.repeat):
        for name, extract in found.items():
            start = time.process_time()
            predictions[name] = {k: extract(k, raw[k], pages[k]) for k in raw}
            best[name] = min(best[name], time.process_time() - start)
    rows = [(name, score(gold, predictions[name]), best[name]) for name in found]
    baseline = next(seconds for name, _, seconds in rows if name == "trafilatura default")
    print(f"\n{len(raw)} pages, best of {args.repeat} round-robin timing rounds\n")
    print("| system | precision | recall | F1 | accuracy | pages/CPU s | time vs trafilatura |")
    print("|---|---|---|---|---|---|---|")
    for name, result, seconds in rows:
        print(f"| {name} | {result.precision:.3f} | {result.recall:.3f} | {result.f1:.3f} "
              f"| {result.accuracy:.3f} | {len(raw) / seconds:.1f} | {seconds / baseline:.2f}x |")
    print_targets(rows)


def print_targets(rows) -> None:
    """cleaner against trafilatura default at 4 decimals: the issue's targets
    (F1 >= 0.975 and >= default + 0.01, recall >= default's, time <= 1.3x)."""
    found = {name: (result, seconds) for name, result, seconds in rows}
    if "cleaner (HTML mode)" not in found or "trafilatura default" not in found:
        return
    (ours, our_time), (peer, peer_time) = found["cleaner (HTML mode)"], found["trafilatura default"]
    print(f"\ncleaner vs trafilatura default: F1 {ours.f1:.4f} vs {peer.f1:.4f} "
          f"({ours.f1 - peer.f1:+.4f}), recall {ours.recall:.4f} vs {peer.recall:.4f} "
          f"({ours.recall - peer.recall:+.4f}), time {our_time / peer_time:.2f}x")


if __name__ == "__main__":
    main()
