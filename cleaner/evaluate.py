"""The article-extraction benchmark's metric, so figures compare with
published ones.

Tokens are the matches of ``\\w+`` (Unicode). Each document's gold and
prediction become multisets of 4-token shingles; tp is their overlap, fp and
fn the two excesses. Per-document precision = tp/(tp+fp) and recall =
tp/(tp+fn), both 1 when fp = fn = 0. Precision and recall are averaged over
documents and F1 is the harmonic mean of the two averages. Accuracy is the
share of documents whose token sequences are identical.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import regex

_TOKEN_RE = regex.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class DocScore:
    id: str
    precision: float
    recall: float
    exact: bool

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float
    documents: int
    per_document: tuple[DocScore, ...]

    def row(self) -> str:
        return (f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"acc {self.accuracy:.3f}  n {self.documents}")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def shingles(words: list[str]) -> Counter:
    if len(words) < SHINGLE:  # short texts: the whole token run is one shingle
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def score_document(doc_id: str, gold: str, prediction: str) -> DocScore:
    gold_tokens, pred_tokens = tokens(gold), tokens(prediction)
    gold_sh, pred_sh = shingles(gold_tokens), shingles(pred_tokens)
    tp = sum((gold_sh & pred_sh).values())
    fp = sum((pred_sh - gold_sh).values())
    fn = sum((gold_sh - pred_sh).values())
    precision = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
    recall = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
    return DocScore(doc_id, precision, recall, gold_tokens == pred_tokens)


def score(gold: Mapping[str, str], predictions: Mapping[str, str]) -> Score:
    """Score every gold document; a missing prediction counts as empty."""
    per_doc = tuple(score_document(i, gold[i], predictions.get(i, "")) for i in sorted(gold))
    n = len(per_doc) or 1
    precision = sum(d.precision for d in per_doc) / n
    recall = sum(d.recall for d in per_doc) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(d.exact for d in per_doc) / n
    return Score(precision, recall, f1, accuracy, len(per_doc), per_doc)


def load_gold(path: str | Path) -> dict[str, str]:
    """A ``ground-truth.json`` (``{id: {"articleBody": …}}``) or a directory
    of ``<id>.txt``."""
    path = Path(path)
    if path.is_dir():
        return _load_text_dir(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: (v["articleBody"] if isinstance(v, dict) else str(v)) for k, v in data.items()}


def load_predictions(path: str | Path) -> dict[str, str]:
    """A directory of ``<id>.txt``, or a JSONL file of ``{"id", "text"}``
    records (``cleaner clean --to jsonl``); ids lose a ``.txt``/``.html``
    style suffix so they match the gold's."""
    path = Path(path)
    if path.is_dir():
        return _load_text_dir(path)
    predictions: dict[str, str] = {}
    for line in _lines(path):
        if line.strip():
            record = json.loads(line)
            predictions[strip_suffixes(str(record["id"]))] = record.get("text") or ""
    return predictions


def strip_suffixes(doc_id: str) -> str:
    name = doc_id.rsplit("/", 1)[-1]
    for suffix in (".gz", ".html", ".htm", ".txt", ".json"):
        name = name.removesuffix(suffix)
    return name


def _load_text_dir(path: Path) -> dict[str, str]:
    return {strip_suffixes(p.name): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def _lines(path: Path) -> Iterable[str]:
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield from handle
    else:
        with open(path, encoding="utf-8") as handle:
            yield from handle
