"""The comment-thread detector (STR007): what anchors a thread, and that
cleaning its output again decides nothing new."""

from __future__ import annotations

ARTICLE = [
    "Library Hours Extended After Residents Petition Council",
    "The city library will stay open until 10 p.m. on weekdays from next month, after "
    "more than 4,000 residents signed a petition.",
    "Council members voted unanimously on Tuesday to fund the extra staff, at a cost of "
    "about $300,000 a year.",
    "The librarians' union said it supported the change as long as the new shifts were "
    "voluntary and paid well.",
]
# Chrome lines other rules remove: between the heading and the first marker
# they hide how far the marker is until they are gone.
CHROME = ["Leave a Reply", "Post Comment", "Cancel reply", "Load more comments",
          "Loading comments...", "Join Discussion", "Permalink", "No comments yet"]


def _rules_of(result) -> set[str]:
    return {d.rule_id for d in result.decisions}


def test_marker_behind_chrome_is_idempotent(cleaner):
    """A heading no rule of its own removes, a marker nine lines below it
    of which eight are chrome: the window counts only lines still alive, so
    the thread goes on the first cleaning, and the second decides nothing."""
    document = "\n".join([*ARTICLE, "5 thoughts on “Library hours”", *CHROME,
                          "Janet Miller", "Reply",
                          "This is great news for everybody who works late."])
    first = cleaner.clean(document)
    assert "STR007" in _rules_of(first)
    assert "Janet Miller" not in first.text and "great news" not in first.text
    assert first.text.count("\n\n") == 2  # the three paragraphs, nothing else
    assert cleaner.clean(first.text).decisions == ()


def test_no_marker_no_thread(cleaner):
    """A comment count with prose under it but no comment marker within
    reach anchors nothing: the prose under it stays."""
    tail = "Residents can send their views on the opening hours to the council until May."
    document = "\n".join([*ARTICLE, "5 thoughts on “Library hours”", tail])
    result = cleaner.clean(document)
    assert "STR007" not in _rules_of(result)
    assert tail in result.text


def test_count_above_the_article_anchors_nothing(cleaner):
    """A comment count and a 'Reply' above most of the article's prose (a
    teaser block, a byline) take nothing: the prose above is too little."""
    later = [f"Paragraph {n} of the report describes the plan in more detail, with "
             "figures from the council and quotes from residents." for n in range(12)]
    document = "\n".join([*ARTICLE, "12 comments", "Reply", *later])
    result = cleaner.clean(document)
    assert "STR007" not in _rules_of(result)
    assert all(line in result.text for line in later)
