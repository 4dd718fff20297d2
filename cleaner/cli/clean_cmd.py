"""``cleaner clean``: clean files, directories or stdin, to text or JSONL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError, PatternTimeout
from ..render import render_jsonl
from ..sources import (
    SourceDoc,
    check_not_input,
    iter_documents,
    output_name,
    read_input,
    safe_join,
    sniff_binary,
    write_atomic,
)


def register(sub) -> None:
    from . import add_rule_options

    parser = sub.add_parser(
        "clean", help="clean documents",
        description="Clean documents. One FILE prints its body; a DIR needs -o OUTDIR "
                    "(the tree is mirrored, one .txt per input); --to jsonl writes one "
                    "JSON object per document to stdout or -o FILE.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories, or -")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="output directory (text) or file (jsonl / one input)")
    parser.add_argument("--to", choices=("text", "jsonl"), default="text",
                        help="output format (default text)")
    parser.add_argument("--explain", action="store_true",
                        help="with --to jsonl: add decisions and repairs to each record")
    parser.add_argument("--max-bytes", type=int, default=None, metavar="N",
                        help="report documents larger than N bytes instead of loading them")
    add_rule_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from . import EXIT_FAILED, EXIT_OK, EXIT_USAGE, make_cleaner

    cleaner = make_cleaner(args)
    has_dir = any(Path(i).is_dir() for i in args.inputs if i != "-")
    if args.to == "text" and has_dir and not args.output:
        print("cleaner: a directory input needs -o OUTDIR with --to text", file=sys.stderr)
        return EXIT_USAGE
    if args.output:
        try:
            check_not_input(Path(args.output), args.inputs)
        except InputError as exc:
            print(f"cleaner: {exc}", file=sys.stderr)
            return EXIT_USAGE
    writer = _Writer(args, has_dir)
    failed = 0
    try:
        for item in iter_documents(args.inputs):
            if isinstance(item, InputError):
                print(f"cleaner: {item}", file=sys.stderr)
                failed += 1
                continue
            try:
                writer.write(item, _clean_one(cleaner, item, args.max_bytes))
            except InputError as exc:
                print(f"cleaner: {exc}", file=sys.stderr)
                failed += 1
            except PatternTimeout as exc:  # --on-pattern-timeout fail: the run stops here
                print(f"cleaner: {item.path or '-'}: {exc}; stopping "
                      "(--on-pattern-timeout fail)", file=sys.stderr)
                return EXIT_FAILED
            except Exception as exc:  # a bug on one document must not stop the run
                print(f"cleaner: {item.path or '-'}: {type(exc).__name__}: {exc}",
                      file=sys.stderr)
                failed += 1
    finally:
        writer.close()
    return EXIT_FAILED if failed else EXIT_OK


def _clean_one(cleaner, doc: SourceDoc, max_bytes: int | None):
    data = read_input(doc.path, max_bytes)
    binary = sniff_binary(data)
    if binary:
        raise InputError(f"{doc.path or '-'}: skipped: binary data ({binary}), not a text document")
    return cleaner.clean(data)


class _Writer:
    """Sends results where the arguments say: stdout, one file, a mirrored
    tree, or a JSONL file (written atomically when the run ends)."""

    def __init__(self, args: argparse.Namespace, has_dir: bool) -> None:
        self.args = args
        self.tree = args.to == "text" and args.output and (has_dir or len(args.inputs) > 1)
        self.buffer: list[str] = []

    def write(self, doc: SourceDoc, result) -> None:
        args = self.args
        if args.to == "jsonl":
            record = {"id": doc.id} | result.to_dict(explain=args.explain)
            line = render_jsonl(record)
            if args.output:
                self.buffer.append(line)
            else:
                sys.stdout.write(line)
                sys.stdout.flush()
        elif self.tree:
            target = safe_join(Path(args.output), output_name(doc.id))
            write_atomic(target, result.text.encode("utf-8"))
        elif args.output:
            write_atomic(Path(args.output), result.text.encode("utf-8"))
        else:
            sys.stdout.write(result.text)

    def close(self) -> None:
        if self.args.to == "jsonl" and self.args.output:
            write_atomic(Path(self.args.output), "".join(self.buffer).encode("utf-8"))
