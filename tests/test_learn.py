"""``cleaner learn`` on a generated multi-site corpus: the proposed rules catch
the planted site chrome and no body line; they load, pass ``rules check``, and
``clean --learn`` applies them in one run."""

from __future__ import annotations

import json
import random
import subprocess

from conftest import cleaner_command

from cleaner import Cleaner, load_rules
from cleaner.learn import LearnSettings, learn, render_rules

SUBJECTS = ["The council", "A local charity", "The hospital board", "Researchers at the "
            "university", "The football club", "Shop owners", "The regional transport authority"]
VERBS = ["announced on Tuesday that", "said in a statement that", "confirmed late on Friday that",
         "told reporters after the meeting that", "warned in a report published this week that"]
CLAUSES = ["the project would be finished two years ahead of schedule",
           "funding for the programme would double by the end of next year",
           "more than a thousand residents had signed the petition in a week",
           "the new building would open to the public in early spring",
           "prices had risen faster than at any time in the past decade",
           "volunteers would be needed to keep the service running over winter"]
SITES = {
    "www.alpha-news.example": ["Alpha News Network", "Get the Alpha app for breaking alerts",
                               "Alpha News is funded by its readers"],
    "beta-daily.example": ["Beta Daily Morning Edition", "Tips? Write to the Beta newsroom",
                           "More from Beta Daily"],
    "gamma.example": ["Gamma Weekly Digest", "Gamma archive and back issues",
                      "Powered by the Gamma Press cooperative"],
}


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}, " \
           f"according to {rng.randint(2, 900)} people who followed the story closely."


def make_corpus(path, documents_per_site: int = 12) -> dict[str, set[str]]:
    rng = random.Random(7)
    body: dict[str, set[str]] = {}
    with open(path, "w", encoding="utf-8") as out:
        for site, chrome in SITES.items():
            body[site] = set()
            for n in range(documents_per_site):
                paragraphs = [sentence(rng) for _ in range(rng.randint(3, 6))]
                body[site].update(paragraphs)
                lines = [chrome[0], f"Headline number {n} for the story desk", *paragraphs,
                         chrome[1], chrome[2]]
                out.write(json.dumps({"id": f"{site}-{n}", "text": "\n".join(lines),
                                      "url": f"https://{site}/story/{n}"}) + "\n")
    return body


def test_learned_rules_catch_planted_chrome_and_no_body_line(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    body = make_corpus(corpus)
    result = learn([str(corpus)], LearnSettings(min_docs=5, min_share=0.2))
    for site, chrome in SITES.items():
        domain = site.removeprefix("www.")
        lines, proposals = result[domain]
        assert lines.documents == 12
        assert {p.text for p in proposals} == set(chrome)
        assert not {p.text for p in proposals} & body[site]
        text = render_rules(domain, lines, proposals, LearnSettings())
        assert f"Seen in 12 of 12 documents of {domain}" in text


def test_learn_command_writes_files_that_load_and_check(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    make_corpus(corpus)
    out = tmp_path / "sites"
    done = subprocess.run([*cleaner_command(), "learn", str(corpus), "-o", str(out)],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in out.glob("*.toml"))
    assert files == ["alpha-news-example.toml", "beta-daily-example.toml", "gamma-example.toml"]
    rules = load_rules([out])
    learned = [r for r in rules.rules if r.id.startswith("L")]
    assert len(learned) == 9 and all(r.domains for r in learned)
    checked = subprocess.run([*cleaner_command(), "rules", "check", str(out)],
                             capture_output=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # the learned rules apply on their site only
    cleaner = Cleaner([out])
    page = "Alpha News Network\nA Title For The Story\n" + \
        "The council announced on Tuesday that the project would be finished early.\n" + \
        "Alpha News is funded by its readers\n"
    on_site = cleaner.clean(page, url="https://alpha-news.example/x")
    elsewhere = cleaner.clean(page, url="https://other.example/x")
    assert "Alpha News is funded" not in on_site.text
    assert "Alpha News is funded" in elsewhere.text


def test_clean_with_learn_in_one_run(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    body = make_corpus(corpus)
    done = subprocess.run([*cleaner_command(), "clean", str(corpus), "--to", "jsonl", "--learn",
                           "-q", "-j", "1"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 36
    for record in records:
        site = next(s for s in SITES if record["id"].startswith(s))
        kept = set(record["text"].strip().split("\n\n"))
        assert not kept & set(SITES[site])
        assert kept <= body[site]  # the headline was lifted as the title
        assert record["metadata"]["cleaner"]["title"].startswith("Headline number")
