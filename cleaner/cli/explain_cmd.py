"""``cleaner explain FILE``: every line, kept or with the rule that removed it."""

from __future__ import annotations

import argparse
import sys

from ..render import render_explain
from ..sources import read_input


def register(sub) -> None:
    from . import add_rule_options

    parser = sub.add_parser("explain", help="show every input line as kept or removed, and why")
    parser.add_argument("input", metavar="FILE", help="a document ('-' for stdin)")
    add_rule_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from . import EXIT_FAILED, EXIT_OK, format_of, make_cleaner

    cleaner = make_cleaner(args)
    try:
        data = read_input(args.input, args.max_bytes)
        traced = cleaner.trace(data, input_format=format_of(args.input, args.input_format))
    except Exception as exc:  # one message naming the file, never a traceback
        print(f"cleaner: {args.input}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(render_explain(traced.lines, traced.result))
    return EXIT_OK
