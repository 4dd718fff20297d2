"""The Python API and the stages' documented guarantees."""

from __future__ import annotations

import itertools
import pickle

import pytest

from cleaner import Cleaner, CleanResult, InputError, RuleSetError, clean, load_rules
from cleaner.decode import decode
from cleaner.repair import repair
from cleaner.ruleset import load_rule_text

ARTICLE = (
    "5.2 C\nLondon\nMonday, December 23, 2024\n\n"
    "Markets Steady After Central Bank Decision\n\n"
    "By Jane Doe | Updated: June 3, 2024\n\n"
    "Share prices fell 5% on Monday, before recovering later in the session.\n\n"
    "Comments from the ministry suggested the plan would go ahead next year.\n\n"
    "Markets Steady After Central Bank Decision\n\n"
    "Investors said the decision had been widely expected by the market.\n\n"
    "Share this Post:\n\nLeave a comment\n\nOriginal Source: www.ft.com\n"
)


def test_clean_result_fields():
    result = clean(ARTICLE)
    assert isinstance(result, CleanResult)
    assert result.title == "Markets Steady After Central Bank Decision"
    assert result.text == (
        "Share prices fell 5% on Monday, before recovering later in the session.\n\n"
        "Comments from the ministry suggested the plan would go ahead next year.\n\n"
        "Investors said the decision had been widely expected by the market.\n")
    assert result.metadata == {"author": "Jane Doe", "published": "2024-06-03",
                               "source": "www.ft.com"}
    assert [d.line for d in result.decisions] == [1, 2, 3, 5, 7, 13, 17, 19, 21]
    with pytest.raises(AttributeError):
        result.text = "x"  # frozen
    with pytest.raises(TypeError):
        result.metadata["x"] = "y"  # read-only mapping


def test_bytes_and_str_give_the_same_result():
    assert clean(ARTICLE.encode("utf-8")).text == clean(ARTICLE).text
    assert clean(ARTICLE.encode("utf-16")).text == clean(ARTICLE).text


def test_cleaner_is_picklable_and_equivalent():
    cleaner = Cleaner()
    clone = pickle.loads(pickle.dumps(cleaner))
    assert clone.clean(ARTICLE) == cleaner.clean(ARTICLE)
    result = cleaner.clean(ARTICLE)
    assert pickle.loads(pickle.dumps(result)) == result


def test_to_dict_is_the_jsonl_record():
    record = clean(ARTICLE).to_dict(explain=True)
    assert set(record) >= {"text", "title", "metadata", "decisions", "repairs", "encoding"}
    assert record["decisions"][0] == {"rule": "HDR001", "action": "strip-header", "line": 1,
                                      "text": "5.2 C"}


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError, match="unknown option"):
        Cleaner(lift_titel=False)


def test_no_title_option_keeps_the_first_line():
    result = clean("A Short Headline\n\nA sentence of prose follows the headline here.\n",
                   lift_title=False)
    assert result.title is None
    assert result.text.startswith("A Short Headline\n\n")


def test_repair_fixes_mojibake_entities_and_invisibles():
    text, repairs = repair("donâ€™t stop &amp; go\u00a0now\u200b\n")
    assert text == "don’t stop & go now\n"
    assert {r.step for r in repairs} == {"fix_encoding", "unescape_html", "remove_invisible",
                                          "normalize_spaces"}


def test_repair_keeps_curly_quotes_unless_folded():
    assert repair("“Yes,” she said — it’s ﬁne")[0] == "“Yes,” she said — it’s ﬁne"
    assert repair("“Yes,” she said", fold_quotes=True)[0] == '"Yes," she said'


def test_repair_judges_mojibake_with_space_runs_collapsed():
    """'Ã' before a run of spaces is mojibake to ftfy only once the run is
    one space, as the output has it: repair must see it on the first
    cleaning, or cleaning the output again changes it (found by the fuzzer)."""
    cleaner = Cleaner(lift_title=False)
    document = "Why I Quit My Newsletter After Years Of Writi" + " " * 12 + "Ã" + " " * 9 \
        + "! ng It Every Week\n"
    once = cleaner.clean(document).text
    assert "Ã" not in once
    assert cleaner.clean(once).text == once


def test_repair_keeps_the_line_structure():
    text = "one&#10;two\r\nthree\u2028four"
    repaired, _ = repair(text)
    assert len(repaired.splitlines()) == len(text.splitlines())


def test_decode_never_raises_and_names_the_encoding():
    assert decode(b"\xff\xfeh\x00i\x00").encoding == "utf-16-le"
    assert decode("café".encode("latin-1")).text == "café"
    assert decode(b"\x80\x81\xfe\xff\x00garbage").text  # something, never an exception


def test_rule_set_errors_collect_every_problem():
    with pytest.raises(RuleSetError) as caught:
        load_rule_text('[[rule]]\nid = "bad"\naction = "drop-line"\n[[rule]]\nid = "X"\n', "f.toml")
    problems = caught.value.problems
    assert len(problems) >= 4
    assert all(p.startswith("f.toml: rule") for p in problems)


def test_toml_syntax_error_names_line_and_column():
    with pytest.raises(RuleSetError, match=r"f\.toml: invalid TOML: .*line 2, column"):
        load_rule_text('[[rule]]\nid = = "x"\n', "f.toml")


def test_default_rules_load_fast_enough_to_share():
    rules = load_rules()
    assert len(rules.rules) >= 25
    assert rules.fingerprint == load_rules().fingerprint


def test_fingerprint_is_computed_once_and_survives_pickling():
    """Every JSONL record names the rules' fingerprint: it is computed once
    per rule set (it serializes every rule), and a pickled copy (a worker's)
    has the same one."""
    rules = load_rules()
    assert rules.fingerprint is rules.fingerprint
    assert pickle.loads(pickle.dumps(rules)).fingerprint == rules.fingerprint
    assert rules.only(["CMT001"]).fingerprint != rules.fingerprint


# ------------------------------------------------------------ clean_many

def test_clean_many_gives_each_result_in_order():
    documents = [ARTICLE, "", "Just one line.", ARTICLE.encode("utf-16")] * 40  # > one batch
    assert list(Cleaner().clean_many(documents)) == [clean(d) for d in documents]


def test_clean_many_keeps_going_past_a_broken_document():
    cleaner = Cleaner(max_bytes=1000)
    documents = [ARTICLE.encode(), b"x" * 1001, b"Short text."]
    outcomes = list(cleaner.clean_many(documents, on_error="return"))
    assert outcomes[0] == cleaner.clean(documents[0])
    assert isinstance(outcomes[1], InputError) and "max-bytes" in str(outcomes[1])
    assert outcomes[2].text == "Short text.\n"
    # on_error="raise" (the default): the results before it, then its error
    seen = []
    with pytest.raises(InputError, match="max-bytes"):
        for result in cleaner.clean_many(documents):
            seen.append(result)
    assert seen == outcomes[:1]


def test_clean_many_is_lazy():
    """It takes documents a batch at a time: an endless source works."""
    results = itertools.islice(Cleaner().clean_many(itertools.repeat("A line of text.")), 3)
    assert [r.text for r in results] == ["A line of text.\n"] * 3


def test_clean_many_refuses_an_unknown_error_policy():
    with pytest.raises(ValueError, match="on_error"):
        list(Cleaner().clean_many(["x"], on_error="ignore"))


def test_trace_many_takes_each_document_with_its_metadata_and_options():
    """Each item's metadata and option overrides are its own, as
    ``trace(data, metadata, **overrides)`` takes them."""
    cleaner = Cleaner()
    items = [(ARTICLE, {"title": "Known Title", "author": "Desk"}, {}),
             (ARTICLE, None, {"lift_title": False}),
             (ARTICLE.encode(), {"url": "https://www.ft.com/a"}, {"url": "https://www.ft.com/a"}),
             (ARTICLE, None, {"no_such_option": 1})]
    outcomes = list(cleaner.trace_many(items))
    for (data, metadata, overrides), outcome in zip(items[:3], outcomes, strict=False):
        assert outcome == cleaner.trace(data, metadata, **overrides)
    assert outcomes[0].result.title == "Known Title"
    assert outcomes[1].result.title is None
    assert isinstance(outcomes[3], TypeError)
