"""``cleaner eval GOLD PRED``: score predictions with the benchmark's metric."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub) -> None:
    parser = sub.add_parser(
        "eval", help="score predictions against gold (P/R/F1/accuracy)",
        description="GOLD: a ground-truth.json ({id: {articleBody}}) or a directory of "
                    "<id>.txt. PRED: a directory of <id>.txt or a JSONL file from "
                    "`cleaner clean --to jsonl`. Missing predictions count as empty.")
    parser.add_argument("gold", metavar="GOLD")
    parser.add_argument("pred", metavar="PRED")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--per-document", action="store_true",
                        help="also list every document's scores (worst F1 first)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..evaluate import load_gold, load_predictions, score

    try:
        gold = load_gold(args.gold)
        predictions = load_predictions(args.pred)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cleaner: eval: {exc}", file=sys.stderr)
        return 2
    result = score(gold, predictions)
    missing = sorted(set(gold) - set(predictions))
    if args.json:
        json.dump({
            "precision": result.precision, "recall": result.recall, "f1": result.f1,
            "accuracy": result.accuracy, "documents": result.documents, "missing": missing,
            "per_document": [
                {"id": d.id, "precision": d.precision, "recall": d.recall, "f1": d.f1,
                 "exact": d.exact} for d in result.per_document],
        }, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.per_document:
        print(f"{'id':<20} {'P':>6} {'R':>6} {'F1':>6}  exact")
        for d in sorted(result.per_document, key=lambda d: (d.f1, d.id)):
            print(f"{d.id[:20]:<20} {d.precision:6.3f} {d.recall:6.3f} {d.f1:6.3f}  "
                  f"{'yes' if d.exact else 'no'}")
        print()
    print(f"documents {result.documents}  precision {result.precision:.4f}  "
          f"recall {result.recall:.4f}  f1 {result.f1:.4f}  accuracy {result.accuracy:.4f}")
    if missing:
        print(f"{len(missing)} gold documents had no prediction (scored as empty)",
              file=sys.stderr)
    return 0
