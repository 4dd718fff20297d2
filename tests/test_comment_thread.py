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


def _comment(name: str, n: int) -> list[str]:
    return [f"{name} says:",
            f"Comment {n}: I have lived in this city for thirty years and this is the first "
            "time the library will be open when I can actually get there after work.",
            "Reply"]


def test_thread_longer_than_the_article_goes_with_dense_markers(cleaner):
    """Forty comments under a short article: the prose above is a small
    share of the document, so a run of markers is needed, and found."""
    names = ["Janet", "Tom", "Maria", "Ali", "Chen"]
    thread = [line for n in range(40) for line in _comment(names[n % 5], n)]
    document = "\n".join([*ARTICLE, "40 Comments", *thread])
    result = cleaner.clean(document)
    assert "STR007" in _rules_of(result)
    assert "Comment 0:" not in result.text and "Comment 39:" not in result.text
    assert all(line in result.text for line in ARTICLE[1:])


def test_a_date_alone_is_no_marker(cleaner):
    """A count line and a date stamp above the rest of an article (a
    byline block after an opening summary) take nothing."""
    rest = [f"Paragraph {n} goes on with the council's figures and the residents' "
            "views on the new opening hours of the library." for n in range(3)]
    document = "\n".join([*ARTICLE, "12 comments", "March 2, 2024 at 9:14 pm", *rest])
    result = cleaner.clean(document)
    assert "STR007" not in _rules_of(result)
    assert all(line in result.text for line in rest)
