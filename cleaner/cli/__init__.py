"""The ``cleaner`` command. Exit codes: 0 success, 1 some documents failed,
2 a usage or rule-file error. Messages go to stderr and name the file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import RuleSetError
from . import clean_cmd, eval_cmd, explain_cmd, learn_cmd, rules_cmd

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

COMMANDS = (clean_cmd, explain_cmd, rules_cmd, eval_cmd, learn_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Strip site chrome from scraped articles; explain every removed line.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except RuleSetError as exc:
        for problem in exc.problems:
            print(f"cleaner: rules: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `cleaner clean … | head` is fine
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _version() -> str:
    """The version, and whether the matcher runs compiled (mypyc) or as
    Python source."""
    from .. import __version__, compiled_modules

    compiled = len(compiled_modules())
    build = f"{compiled} modules compiled with mypyc" if compiled else "pure Python"
    return f"{__version__} ({build})"


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """Options every cleaning command shares."""
    group = parser.add_argument_group("rules and cleaning")
    group.add_argument("--rules", action="append", default=[], metavar="DIR",
                       help="add a rule directory or file over the defaults (repeatable)")
    group.add_argument("--no-default-rules", action="store_true",
                       help="use only the --rules given")
    group.add_argument("--no-title", dest="lift_title", action="store_false",
                       help="keep the first line in the body instead of lifting it as title")
    group.add_argument("--fold-quotes", action="store_true",
                       help="fold curly quotes to ASCII")
    group.add_argument("--language", help="ISO 639-1 code of the documents")
    group.add_argument("--url", help="where the documents came from (scopes domain rules)")
    group.add_argument("--pattern-timeout", type=float, default=1.0, metavar="SECONDS",
                       help="time limit for one rule pattern on one line (default 1)")
    group.add_argument("--on-pattern-timeout", choices=("skip", "fail"), default="skip",
                       help="skip the line for that rule (default) or fail the document")
    group.add_argument("--from", dest="input_format", default="auto",
                       choices=("auto", "text", "html", "jsonl"),
                       help="input format; auto: by extension (.html, .htm, .html.gz, .txt, "
                            ".jsonl …), else by content (default)")
    group.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                       help="time limit per document (default 5; 0: none) ...")
    group.add_argument("--timeout-per-mb", type=float, default=2.0, metavar="SECONDS",
                       help="... plus this much per megabyte of input (default 2)")
    group.add_argument("--max-bytes", type=int, default=None, metavar="N",
                       help="report documents larger than N bytes (after gzip "
                            "decompression) instead of cleaning them")


def make_cleaner(args: argparse.Namespace):
    from ..api import Cleaner
    from ..ruleset import load_rules

    rules = load_rules(args.rules, include_defaults=not args.no_default_rules)
    return Cleaner(
        rules, lift_title=args.lift_title, fold_quotes=args.fold_quotes,
        language=args.language, url=args.url, pattern_timeout=args.pattern_timeout,
        on_pattern_timeout=args.on_pattern_timeout, timeout=args.timeout or None,
        timeout_per_mb=args.timeout_per_mb,
        max_bytes=args.max_bytes,
    )


HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".html.gz", ".htm.gz", ".xhtml.gz")
TEXT_SUFFIXES = (".txt", ".text", ".md", ".txt.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".jsonl.zst", ".ndjson.zst")


def format_of(name: str, requested: str) -> str:
    """The input format of a file: what ``--from`` says, else its extension
    (``auto`` when the extension says nothing: the content decides)."""
    if requested != "auto":
        return requested
    lowered = name.lower()
    if lowered.endswith(HTML_SUFFIXES):
        return "html"
    if lowered.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lowered.endswith(TEXT_SUFFIXES):
        return "text"
    return "auto"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
