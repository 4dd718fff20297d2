"""Speed of cleaner against its peers, on the same inputs, in one run.

    python benchmarks/speed.py [--devset ../shared/devset] [--quick]

Text mode: cleaner on the devset gold bodies and the seed articles (clean
English article text), the same text with mojibake in about 10% of paragraphs,
and ``ftfy.fix_text`` alone on the clean text. HTML mode: cleaner, trafilatura
default and jusText on the devset pages. Then the size-scaling series: time
per MB from 1 KB to 10 MB documents, a 10 MB single line, and one line
repeated a million times, each with ``Cleaner.clean`` called per document and
with ``Cleaner.clean_many`` (batches cleaned stage by stage: see
cleaner/batch.py); then the smallest sizes again with fewer rules, to show
what a document's fixed cost is made of (see ``floor``). Prints MB/s,
documents/s and ratios; it asserts nothing (speed goals are read off this
table, not tested). cleaner runs with its default options (the per-document
time limit included) and as installed: compiled by mypyc after
``pip install .``, Python source after ``pip install -e .`` (the first line
printed says which). Times are CPU seconds of this process, the best of
several rounds in which every system of a table runs once in turn (see
``round_robin``), cleaner's memo of parsed dates emptied before each of its
rounds (see ``unseen``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def round_robin(rounds: int, works: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The best time of each work over ``rounds`` rounds, every round running
    each work once in turn, in CPU seconds of this process (the per-core
    cost, and a figure other work on a shared machine disturbs far less than
    wall time). The machine's speed also drifts for minutes at a time: a
    drift then reaches every system alike, so the ratios hold even when the
    absolute figures move."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(rounds):
        for name, work in works.items():
            start = time.process_time()
            work()
            best[name] = min(best[name], time.process_time() - start)
    return best


def unseen(work: Callable[[], object]) -> Callable[[], object]:
    """``work`` as it runs on text cleaner has not seen: cleaner's memo of
    parsed date strings emptied first. Every round cleans the same
    documents, and a round that found the dates parsed by an earlier one
    would time what a corpus, whose dates are new, does not get (measured:
    the devset bodies ran 1.4x faster so)."""
    from cleaner.dates import forget_parsed

    def run() -> object:
        forget_parsed()
        return work()

    return run


def mojibake(texts: list[str], share: float, seed: int = 1) -> list[str]:
    """About ``share`` of paragraphs pushed through one UTF-8 -> cp1252 layer."""
    rng = random.Random(seed)
    out = []
    for text in texts:
        paragraphs = text.split("\n")
        out.append("\n".join(
            p.encode("utf-8").decode("cp1252", errors="replace") if rng.random() < share else p
            for p in paragraphs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller series")
    args = parser.parse_args()
    import ftfy

    from cleaner import Cleaner, compiled_modules

    repeat = 2 if args.quick else 5
    # default options, as a user runs it: the per-document time limit included
    cleaner = Cleaner()
    compiled = compiled_modules()
    build = f"{len(compiled)} modules compiled with mypyc" if compiled else "pure Python"
    print(f"cleaner: {build} (a non-editable install compiles them: see hatch_build.py); "
          "default options\n")
    gold = json.loads((args.devset / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [v["articleBody"] for v in gold.values()]
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    damaged = mojibake(texts, 0.10)
    damaged_size = sum(len(t.encode("utf-8")) for t in damaged) / 1e6
    for text in texts[:3] + damaged[:3]:
        cleaner.clean(text)  # warm up lazy imports (and the date parsers' own set-up)
    text_times = round_robin(repeat * 2, {
        "clean": unseen(lambda: [cleaner.clean(t) for t in texts]),
        "clean_many": unseen(lambda: list(cleaner.clean_many(texts))),
        "damaged": unseen(lambda: [cleaner.clean(t) for t in damaged]),
        "ftfy": lambda: [ftfy.fix_text(t) for t in texts],
        "remembered": lambda: [cleaner.clean(t) for t in texts],
    })
    rows = [
        ("cleaner text mode, clean text", size, len(texts), text_times["clean"]),
        ("cleaner text mode, 10% mojibake", damaged_size, len(texts), text_times["damaged"]),
        ("ftfy.fix_text alone, clean text", size, len(texts), text_times["ftfy"]),
        ("cleaner text mode, clean text, clean_many", size, len(texts),
         text_times["clean_many"]),
    ]
    pages = [p.read_bytes() for p in sorted((args.devset / "html").glob("*.html.gz"))]
    plain = [gzip.decompress(p) for p in pages]
    html_size = sum(len(p) for p in plain) / 1e6
    import trafilatura

    html_works = {
        "cleaner HTML mode": unseen(lambda: [cleaner.clean(p, input_format="html")
                                             for p in pages]),
        "trafilatura default": lambda: [trafilatura.extract(p) for p in plain],
    }
    try:
        import justext

        stoplist = justext.get_stoplist("English")
        html_works["jusText"] = lambda: [justext.justext(p, stoplist) for p in plain]
    except ImportError:
        print("(jusText not installed: pip install -U pip && pip install -e '.[bench]')")
    html_times = round_robin(2 if args.quick else 3, html_works)
    rows += [(name, html_size, len(pages), seconds) for name, seconds in html_times.items()]
    print("| system | MB | docs | seconds | MB/s | docs/s |")
    print("|---|---|---|---|---|---|")
    for name, megabytes, docs, seconds in rows:
        print(f"| {name} | {megabytes:.2f} | {docs} | {seconds:.3f} | {megabytes / seconds:.2f} "
              f"| {docs / seconds:.0f} |")
    text_rate = rows[0][1] / rows[0][3]
    ftfy_rate = rows[2][1] / rows[2][3]
    many_rate = rows[3][1] / rows[3][3]
    html_ratio = rows[4][3] / rows[5][3]
    remembered_rate = rows[0][1] / text_times["remembered"]
    print(f"\ncleaner text / ftfy.fix_text: {text_rate / ftfy_rate:.2f}x "
          f"({remembered_rate / ftfy_rate:.2f}x, {remembered_rate:.2f} MB/s, with the "
          f"date parses of earlier rounds remembered; {many_rate / ftfy_rate:.2f}x with "
          f"clean_many); cleaner HTML time / trafilatura time: {html_ratio:.2f}x")
    scaling(cleaner, texts, args.quick)
    start_up()


def start_up() -> None:
    """Fresh processes: loading and compiling the default rules (CPU
    seconds inside the process), cold (an empty gate cache) and warm (the
    gate cache a first load wrote: every later load on the machine), and
    ``cleaner --help`` (wall seconds of the whole command, interpreter start
    included); best of five each."""
    import os
    import subprocess
    import sys
    import tempfile

    probe = ("import time; from cleaner.ruleset import load_rules; "
             "t = time.process_time(); load_rules(); print(time.process_time() - t)")

    def load(cache: str) -> float:
        env = {**os.environ, "CLEANER_CACHE_DIR": cache}
        return float(subprocess.run([sys.executable, "-c", probe], check=True, text=True,
                                    capture_output=True, env=env).stdout)

    with tempfile.TemporaryDirectory() as warm:
        load(warm)  # writes the cache
        loads = {"cold": [], "warm": []}
        for _ in range(5):
            with tempfile.TemporaryDirectory() as cold:
                loads["cold"].append(load(cold))
            loads["warm"].append(load(warm))
    helps = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cleaner", "--help"], check=True,
                       capture_output=True)
        helps.append(time.perf_counter() - start)
    print(f"\nloading and compiling the default rules: {min(loads['warm']) * 1000:.0f} ms "
          f"({min(loads['cold']) * 1000:.0f} ms with an empty gate cache); "
          f"cleaner --help: {min(helps):.2f} s")


def scaling(cleaner, texts: list[str], quick: bool) -> None:
    """Time per MB across document sizes (linear means a flat column).

    Every article-text row cleans the same text: the whole corpus cut into
    documents of the row's size (1 KB: some 420 documents), or for sizes
    beyond the corpus, the corpus repeated into one document. So the rows
    differ in document size only, not in content (prefixes of the corpus
    would put the English texts in the small documents and the Korean,
    Russian and Vietnamese ones only in the large)."""
    corpus = "\n".join(texts)
    sizes = [1_000, 10_000, 100_000, 1_000_000] + ([] if quick else [10_000_000])
    cases: list[tuple[str, list[str]]] = []
    for target in sizes:
        if target < len(corpus):
            documents = [corpus[i:i + target] for i in range(0, len(corpus), target)]
        else:
            documents = [(corpus * (target // len(corpus) + 1))[:target]]
        cases.append((f"{target / 1e3:g} KB article text", documents))
    line_size = 1_000_000 if quick else 10_000_000
    cases.append((f"{line_size / 1e6:g} MB single line", ["word " * (line_size // 5)]))
    repeats = 100_000 if quick else 1_000_000
    cases.append((f"one line x {repeats:,}", ["A short repeated line of text\n" * repeats]))
    sizes_mb = {name: sum(len(d.encode("utf-8")) for d in documents) / 1e6
                for name, documents in cases}
    works = {}
    for name, documents in cases:
        works[name] = unseen(lambda documents=documents: [cleaner.clean(d) for d in documents])
        works[name + " (clean_many)"] = unseen(
            lambda documents=documents: list(cleaner.clean_many(documents)))
    times = round_robin(2 if quick else 4, works)
    print("\n| document | documents | MB | clean(): seconds per MB | × cheapest "
          "| clean_many(): seconds per MB | × cheapest |")
    print("|---|---|---|---|---|---|---|")
    per_mb, fastest = {}, {}
    for api, suffix in (("clean()", ""), ("clean_many()", " (clean_many)")):
        per_mb[api] = {name: times[name + suffix] / sizes_mb[name] for name, _ in cases}
        # The yardstick: the cheapest article-text size. A row may be cheaper
        # (a single 10 MB line has no line a rule may look at) but not dearer
        # than 1.5 times (the linearity target).
        fastest[api] = min(list(per_mb[api].values())[:len(sizes)])
    for name, documents in cases:
        cells = " | ".join(f"{per_mb[api][name]:.3f} | {per_mb[api][name] / fastest[api]:.2f}"
                           for api in per_mb)
        print(f"| {name} | {len(documents)} | {sizes_mb[name]:.3f} | {cells} |")
    for api in per_mb:
        over = [name for name in per_mb[api] if per_mb[api][name] > 1.5 * fastest[api]]
        print(f"\n{api}: rows dearer per MB than 1.5x the cheapest article size: "
              f"{', '.join(over) if over else 'none'}")
        # What makes small documents dearer: a cost per document on top of
        # the cost per MB (the cheapest size's), read off the smallest row.
        smallest, first = cases[0][1], cases[0][0]
        constant = (per_mb[api][first] - fastest[api]) * sizes_mb[first] / len(smallest)
        print(f"a document costs about {constant * 1e6:.0f} µs on top of "
              f"{fastest[api]:.3f} s per MB (from the {first} row: the rule regions at the top "
              "and the end of a document, and the per-document steps)")
    floor(cases[:3], sizes_mb, quick)


def window_rules(rules) -> list[str]:
    """Ids of the rules that read a document's top and end: the structural
    detectors (``kind`` rules) and the ``head`` and ``tail`` rules."""
    return [rule.id for rule in rules.rules
            if rule.kind is not None or rule.region in ("head", "tail")]


def floor_cleaners() -> dict:
    """The three cleaners of :func:`floor`, by label: the default rules,
    the default rules without :func:`window_rules` (switched off by a
    ``disable`` layer, as a user would), and no rules at all."""
    import tempfile

    from cleaner import Cleaner
    from cleaner.ruleset import load_rules

    defaults = load_rules()
    windowed = window_rules(defaults)
    with tempfile.TemporaryDirectory() as folder:
        layer = Path(folder) / "disable.toml"
        layer.write_text(f"disable = {json.dumps(windowed)}\n", encoding="utf-8")
        return {"default rules": Cleaner(defaults),
                f"without the {len(windowed)} window rules": Cleaner([layer]),
                "no rules": Cleaner(load_rules(include_defaults=False))}


def floor(cases: list[tuple[str, list[str]]], sizes_mb: dict[str, float], quick: bool) -> None:
    """What the 1.5x allowance leaves for the rules: the smallest article
    sizes through ``clean_many`` with the default rules, without the rules
    that read a document's top and end (the structural detectors and the
    head and tail rules: in a 1 KB document every line stands in their
    windows), and with no rule at all (the per-document steps alone:
    decode, repair, segment, the matcher's set-up, act, normalize, render)."""
    cleaners = floor_cleaners()
    works = {(label, name): unseen(lambda c=c, documents=documents: list(c.clean_many(documents)))
             for label, c in cleaners.items() for name, documents in cases}
    times = round_robin(3 if quick else 5, works)
    print("\n| rules (clean_many) | " + " | ".join(f"{name}: s/MB" for name, _ in cases)
          + f" | {cases[0][0]} × cheapest |")
    print("|---|" + "---|" * (len(cases) + 1))
    for label in cleaners:
        per_mb = [times[(label, name)] / sizes_mb[name] for name, _ in cases]
        cells = " | ".join(f"{value:.4f}" for value in per_mb)
        print(f"| {label} | {cells} | {per_mb[0] / min(per_mb):.2f} |")


if __name__ == "__main__":
    main()
