"""``cleaner learn INPUT... -o DIR``: propose site rules from a corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub) -> None:
    parser = sub.add_parser(
        "learn", help="learn site chrome (lines recurring across a site's pages)",
        description="Reads a directory (one subdirectory per site) or JSONL (site from "
                    "each record's url) and writes one reviewable rule file per site.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="where the <site>.toml files go (e.g. rules/sites/)")
    add_learn_options(parser)
    parser.add_argument("--from", dest="input_format", default="auto",
                        choices=("auto", "text", "html", "jsonl"))
    parser.add_argument("--text-key", default="text")
    parser.set_defaults(run=run)


def add_learn_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("learning thresholds")
    group.add_argument("--min-docs", type=int, default=5,
                       help="a line must recur in at least this many documents (default 5)")
    group.add_argument("--min-share", type=float, default=0.2,
                       help="... and in at least this share of the site's documents (0.2)")
    group.add_argument("--prose-share", type=float, default=0.9,
                       help="a prose-like line needs this share of the site (0.9)")


def settings_from(args: argparse.Namespace):
    from ..learn import LearnSettings

    return LearnSettings(min_docs=args.min_docs, min_share=args.min_share,
                         prose_share=args.prose_share)


def run(args: argparse.Namespace) -> int:
    from ..learn import learn, write_rules

    settings = settings_from(args)
    result = learn(args.inputs, settings, args.text_key, args.input_format)
    written = write_rules(result, Path(args.output), settings)
    for site, (lines, proposals) in result.items():
        print(f"{site}: {lines.documents} documents, {len(proposals)} recurring lines",
              file=sys.stderr)
    print(f"wrote {len(written)} rule files to {args.output}", file=sys.stderr)
    return 0
