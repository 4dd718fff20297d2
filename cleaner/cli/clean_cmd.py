"""``cleaner clean``: clean files, directories, JSONL streams or stdin.

This module only turns arguments into a plan; the work (order, parallelism,
resume, statistics) is :mod:`cleaner.runner`'s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..runner import (
    FileSink,
    JobSettings,
    JsonlFileSink,
    Sink,
    StreamSink,
    Task,
    TreeSink,
    run_all,
)
from ..sources import check_not_input, iter_documents
from ..streams import jsonl_files, read_records


def register(sub) -> None:
    from . import add_rule_options

    parser = sub.add_parser(
        "clean", help="clean documents",
        description="Clean documents. One FILE prints its body; a DIR needs -o OUTDIR "
                    "(the tree is mirrored, one .txt per input); --to jsonl writes one "
                    "JSON object per document to stdout or -o FILE (.gz/.zst compress). "
                    "--from jsonl reads JSON Lines (plain, .gz, .zst) from files, "
                    "directories or stdin.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories, or -")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="output directory (text) or file (jsonl / one input)")
    parser.add_argument("--to", choices=("text", "jsonl"), default="text",
                        help="output format (default text)")
    parser.add_argument("--explain", action="store_true",
                        help="with --to jsonl: add decisions and repairs (removed spans as "
                             "offsets for JSONL input) to each record")
    parser.add_argument("--text-key", default="text", help="JSONL field holding the text")
    parser.add_argument("--id-key", default="id", help="JSONL field holding the id")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes (default: all cores); output is identical "
                             "for any N")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run into the same -o")
    parser.add_argument("--stats", metavar="FILE.json", help="write run statistics here")
    parser.add_argument("--errors", metavar="FILE",
                        help="write failed documents here as JSONL (default: beside -o)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar, no summary line")
    parser.add_argument("--learn", action="store_true",
                        help="two passes: learn site chrome from the inputs first "
                             "(see `cleaner learn`), then clean with it")
    from .learn_cmd import add_learn_options

    add_rule_options(parser)
    add_learn_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from . import EXIT_FAILED, EXIT_OK, EXIT_USAGE, make_cleaner

    cleaner = make_cleaner(args)
    try:
        jsonl = _is_jsonl(args)
        if args.learn:
            cleaner = _with_learned_rules(cleaner, args, jsonl)
        sink = _sink(args, jsonl)
        tasks = _jsonl_tasks(args) if jsonl else _file_tasks(args)
        settings = JobSettings(
            output=args.to if not (jsonl and args.to == "jsonl") else "jsonl-record",
            explain=args.explain, text_key=args.text_key, id_key=args.id_key,
            max_bytes=args.max_bytes)
        jobs = 1 if "-" in args.inputs or (_single_file(args) and not jsonl) else max(1, args.jobs)
        progress = _progress(args)
        try:
            stats = run_all(
                tasks, cleaner, settings, sink, jobs=jobs, resume=args.resume,
                fingerprint=_fingerprint(args, cleaner), errors_path=_errors_path(args, sink),
                on_error=lambda message: _report(progress, message), progress=progress)
        finally:
            if progress is not None:
                progress.close()
    except InputError as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.stats:
        Path(args.stats).write_text(json.dumps(stats.to_dict(elapsed=True), indent=2,
                                               ensure_ascii=False) + "\n", encoding="utf-8")
    if (not args.quiet and not isinstance(sink, (StreamSink, FileSink))) or (
            not args.quiet and stats.failed):
        print(stats.summary(), file=sys.stderr)
    return EXIT_FAILED if stats.failed else EXIT_OK


def _with_learned_rules(cleaner, args: argparse.Namespace, jsonl: bool):
    """First pass of --learn: the corpus's recurring lines become a rule layer."""
    from ..api import Cleaner
    from ..learn import learn, learned_ruleset
    from ..ruleset import RuleSet
    from .learn_cmd import settings_from

    settings = settings_from(args)
    result = learn(args.inputs, settings, args.text_key, "jsonl" if jsonl else args.input_format)
    learned = learned_ruleset(result, settings)
    if not args.quiet:
        print(f"cleaner: learned {len(learned.rules)} site rules from "
              f"{sum(lines.documents for lines, _ in result.values())} documents",
              file=sys.stderr)
    known = {rule.id for rule in cleaner.rules.rules}
    rules = RuleSet(cleaner.rules.rules + tuple(r for r in learned.rules if r.id not in known),
                    cleaner.rules.sources + learned.sources)
    return Cleaner(rules, **{k: v for k, v in vars(cleaner.options).items()})


def _is_jsonl(args: argparse.Namespace) -> bool:
    from . import format_of

    formats = {format_of(i, args.input_format) for i in args.inputs
               if i == "-" or not Path(i).is_dir()}
    if args.input_format == "jsonl":
        return True
    if "jsonl" in formats and formats != {"jsonl"}:
        raise InputError("JSONL inputs cannot be mixed with other inputs in one run "
                         "(or say --from jsonl)")
    return formats == {"jsonl"}


def _single_file(args: argparse.Namespace) -> bool:
    return len(args.inputs) == 1 and Path(args.inputs[0]).is_file()


def _sink(args: argparse.Namespace, jsonl: bool) -> Sink:
    has_dir = any(Path(i).is_dir() for i in args.inputs if i != "-")
    output = Path(args.output) if args.output else None
    if output is not None:
        check_not_input(output, args.inputs)
    if args.to == "jsonl":
        return JsonlFileSink(output) if output else StreamSink()
    if has_dir or jsonl or len(args.inputs) > 1:
        if output is None:
            raise InputError("several documents with --to text need -o OUTDIR "
                             "(or use --to jsonl)")
        return TreeSink(output)
    return FileSink(output) if output else StreamSink()


def _file_tasks(args: argparse.Namespace) -> Iterator[Task]:
    from . import format_of

    for index, item in enumerate(iter_documents(args.inputs)):
        if isinstance(item, InputError):
            yield Task(index, str(item).split(":")[0], error=str(item))
        else:
            yield Task(index, item.id, path=None if item.path is None else str(item.path),
                       input_format=format_of(item.id, args.input_format)
                       if item.id != "-" else args.input_format)


def _jsonl_tasks(args: argparse.Namespace) -> Iterator[Task]:
    record_format = args.input_format if args.input_format in ("text", "html") else "text"
    if args.input_format == "jsonl":
        record_format = "text"
    index = 0
    for source in jsonl_files(args.inputs):
        if isinstance(source, InputError):
            yield Task(index, str(source).split(":")[0], error=str(source))
            index += 1
            continue
        stem = Path(source).name.split(".")[0] if source != "-" else "stdin"
        for record in read_records(source, args.max_bytes):
            if isinstance(record, InputError):
                yield Task(index, "", error=str(record))
            else:
                yield Task(index, f"{stem}/{record.line}", record=record,
                           input_format=record_format)
            index += 1


def _fingerprint(args: argparse.Namespace, cleaner) -> dict:
    """What must be equal for --resume to continue a run."""
    return {
        "inputs": [i if i == "-" else str(Path(i).resolve()) for i in args.inputs],
        "rules": cleaner.rules.fingerprint,
        "options": {k: str(v) for k, v in sorted(vars(cleaner.options).items())},
        "to": args.to, "explain": args.explain, "text_key": args.text_key,
        "id_key": args.id_key, "from": args.input_format,
    }


def _errors_path(args: argparse.Namespace, sink: Sink) -> Path | None:
    if args.errors:
        return Path(args.errors)
    if isinstance(sink, (TreeSink, JsonlFileSink)) and args.output:
        output = Path(args.output)
        return output.with_name(output.name + ".errors.jsonl")
    return None


def _progress(args: argparse.Namespace):
    if args.quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True)


def _report(progress, message: str) -> None:
    line = f"cleaner: {message}"
    if progress is not None:
        progress.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)
