"""Stage 1b, extract: HTML -> article text lines + page metadata.

The only importer of trafilatura and beautifulsoup4. Steps:

1. gzip is unwrapped (bounded: never more than ``max_bytes`` decompressed);
2. bytes are decoded by :mod:`cleaner.decode` with the charset the page
   declares as a hint (valid UTF-8 wins over a wrong declaration);
3. the page is parsed once by lxml; DOM rules (``selectors`` in rule files)
   remove their elements, each removal recorded as a decision; text that
   trafilatura's precision mode would cut with an empty or ``class="link"``
   element is shielded (:func:`keep_sentence_text`);
4. trafilatura extracts the main text and the page metadata from the pruned
   tree, with the settings chosen by measurement on the devset (precision
   mode, comments excluded, tables kept); when it finds nothing, a
   BeautifulSoup fallback takes the text of ``<article>``/``<main>``/``<body>``
   without navigation, scripts and forms.

Headings, paragraphs and list items come out as separate lines. A DOM rule
never removes the page root, an element holding ``<article>``/``<main>``, or
an element with more than ``max_text_share`` of the page's text: a selector
that would take the article is skipped, not obeyed.
"""

from __future__ import annotations

import gzip
import io
import zlib
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import regex

from .decode import decode
from .errors import InputError
from .model import Decision
from .ruleset import SIMPLE_SELECTOR_RE

GZIP_MAGIC = b"\x1f\x8b"
#: Decisions about DOM elements carry this line number: they are not lines.
ELEMENT_LINE = 0
MAX_TEXT_SHARE = 0.4
_META_CHARSET_RE = regex.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", regex.IGNORECASE)
_HTML_SNIFF_RE = regex.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    regex.IGNORECASE | regex.DOTALL)
_TAG_RE = regex.compile(r"</?(?:p|div|span|a|br|li|h[1-6]|table|section|article)\b",
                        regex.IGNORECASE)
#: trafilatura settings chosen by measurement (see docs/html.md).
TRAFILATURA_SETTINGS = {"favor_precision": True, "include_comments": False, "include_tables": True}
_FALLBACK_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                  "iframe", "svg", "button", "template")


@dataclass(frozen=True)
class DomRule:
    """A compiled DOM rule: its id and the compiled XPath its CSS selectors
    become (an ``lxml.etree.XPath``, called on a tree)."""

    rule_id: str
    xpath: Any


@dataclass
class Extracted:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    encoding: str = "utf-8"
    extractor: str = "trafilatura"


def unwrap_gzip(data: bytes, max_bytes: int | None = None) -> bytes:
    """Decompress gzip data, refusing to produce more than ``max_bytes``
    (a gzip bomb is reported, not inflated). Data that only looks like gzip
    is returned unchanged."""
    if not data.startswith(GZIP_MAGIC):
        return data
    limit = max_bytes if max_bytes is not None else 1 << 62
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1 << 16):
                out.write(chunk)
                if out.tell() > limit:
                    raise InputError(f"gzip data inflates past --max-bytes ({limit} bytes)")
    except (OSError, EOFError, zlib.error):
        # Not gzip after all (two magic bytes by chance, or a truncated
        # stream): the bytes are cleaned as they are. A .gz *file* with a
        # broken stream is reported by the reader, which knows the file.
        return data
    return out.getvalue()


def looks_like_html(data: bytes | str) -> bool:
    """Content sniffing: a document that opens like an HTML page, or whose
    start is dense with block tags."""
    head = data[:4096]
    if isinstance(head, bytes):
        head = head.decode("latin-1")
    if not head.lstrip().startswith("<"):
        return False  # both tests below need "<" first (most text: no regex runs)
    if _HTML_SNIFF_RE.match(head):
        return True
    return len(_TAG_RE.findall(head)) >= 5


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None




@dataclass(frozen=True)
class CompiledSelectors:
    """A rule's CSS selectors, split for speed: ``tag#id`` and ``tag.class``
    selectors (nearly all DOM rules) become look-up tables checked against
    one scan of the page's ``id`` and ``class`` attributes; anything else is
    one compiled XPath. libxml2 evaluates XPath class tests slowly (measured
    at ~40 ms a page for the default rules as cssselect writes them, ~14 ms
    with a ``contains`` guard; the scan is under 1 ms a page)."""

    ids: tuple[tuple[str, str | None], ...]
    classes: tuple[tuple[str, str | None], ...]
    xpath: Any = None

    def select(self, tree, index: AttributeIndex) -> list:
        """The matching elements, in document order, without duplicates."""
        found = []
        for name, tag in self.ids:
            found.extend(e for e in index.by_id.get(name, ()) if tag is None or e.tag == tag)
        for name, tag in self.classes:
            found.extend(e for e in index.by_class.get(name, ()) if tag is None or e.tag == tag)
        if self.xpath is not None:
            found.extend(self.xpath(tree))
        unique = {id(e): e for e in found}
        return sorted(unique.values(), key=_document_position) if len(unique) > 1 \
            else list(unique.values())


@dataclass
class AttributeIndex:
    """The elements carrying the ids and class tokens some rule names."""

    by_id: dict[str, list]
    by_class: dict[str, list]


_ATTRIBUTE_XPATHS: dict[str, Any] = {}


def _attribute_values(name: str, tree) -> list[str]:
    if not _ATTRIBUTE_XPATHS:
        from lxml import etree

        _ATTRIBUTE_XPATHS.update({
            "id": etree.XPath("//@id", smart_strings=False),
            "class": etree.XPath("//@class", smart_strings=False),
        })
    return _ATTRIBUTE_XPATHS[name](tree)


def index_attributes(tree, ids: set[str], classes: set[str]) -> AttributeIndex:
    """Scan the page's ``id`` and ``class`` values as plain strings, then
    fetch the elements of the names that occur in one walk (lxml builds an
    element object only for those: building one for every element was most
    of the DOM rules' time)."""
    by_id: dict[str, list] = {}
    by_class: dict[str, list] = {}
    present_ids = ids.intersection(_attribute_values("id", tree)) if ids else set()
    present_classes = classes.intersection(
        " ".join(_attribute_values("class", tree)).split()) if classes else set()
    if not present_ids and not present_classes:
        return AttributeIndex(by_id, by_class)
    # names come from the selector pattern, which admits no quotes
    tests = [f"@id = '{n}'" for n in sorted(present_ids)]
    tests += [f"contains(@class, '{n}')" for n in sorted(present_classes)]
    for element in tree.xpath("//*[" + " or ".join(tests) + "]"):
        ident = element.get("id")
        if ident in present_ids:
            by_id.setdefault(ident, []).append(element)
        for token in present_classes.intersection(element.get("class", "").split()):
            by_class.setdefault(token, []).append(element)
    return AttributeIndex(by_id, by_class)


def _document_position(element) -> tuple[int, ...]:
    """A sort key in document order: the sibling index at every level."""
    path = []
    while (parent := element.getparent()) is not None:
        path.append(parent.index(element))
        element = parent
    return tuple(reversed(path))


def compile_selectors(selectors: tuple[str, ...]) -> CompiledSelectors:
    """CSS selectors -> :class:`CompiledSelectors` (ValueError if one is bad)."""
    from cssselect import GenericTranslator, SelectorError
    from lxml import etree

    ids, classes, complex_ = [], [], []
    for selector in selectors:
        simple = SIMPLE_SELECTOR_RE.match(selector.strip())
        if simple:
            tag, kind, name = simple.groups()
            (ids if kind == "#" else classes).append((name, tag.lower() if tag else None))
        else:
            complex_.append(selector)
    try:
        xpath = etree.XPath(" | ".join(GenericTranslator().css_to_xpath(s) for s in complex_)) \
            if complex_ else None
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise ValueError(f"bad CSS selector: {exc}") from None
    return CompiledSelectors(tuple(ids), tuple(classes), xpath)


def extract(data: bytes | str, dom_rules: list[DomRule] = (), url: str | None = None,
            max_bytes: int | None = None) -> Extracted:
    """Extract the article text and metadata from an HTML page."""
    if isinstance(data, bytes):
        data = unwrap_gzip(data, max_bytes)
        decoded = decode(data, declared=declared_charset(data))
        html, encoding = decoded.text, decoded.encoding
    else:
        html, encoding = data, "utf-8"
    tree = _parse(html)
    if tree is None:
        return Extracted("", {}, [], encoding, "none")
    decisions = _apply_dom_rules(tree, dom_rules)
    keep_sentence_text(tree)
    extracted = _trafilatura(tree, url)
    if extracted is not None and extracted.text.strip():
        extracted.decisions, extracted.encoding = decisions, encoding
        return extracted
    text = _soup_fallback(html)
    return Extracted(text, {"url": url} if url else {}, decisions, encoding, "beautifulsoup")


def _parse(html: str):
    from trafilatura.utils import load_html

    try:
        return load_html(html)
    except (ValueError, TypeError):
        return None


def _apply_dom_rules(tree, dom_rules) -> list[Decision]:
    decisions: list[Decision] = []
    if not dom_rules:
        return decisions
    index = index_attributes(tree, {name for r in dom_rules for name, _ in r.xpath.ids},
                             {name for r in dom_rules for name, _ in r.xpath.classes})
    page = _PageWords(tree)
    for rule in dom_rules:
        for element in rule.xpath.select(tree, index):
            if not _attached(element, tree):
                continue  # inside an element an earlier rule removed
            words = _removable_words(element, page)
            if words is None:
                continue
            description = _describe(element)
            parent = element.getparent()
            if parent is None:
                continue
            _remove_keep_tail(element, parent)
            page.removed += words
            decisions.append(Decision(rule.rule_id, "drop-element", ELEMENT_LINE, description))
    return decisions


def _attached(element, tree) -> bool:
    root = element
    while (parent := root.getparent()) is not None:
        root = parent
    return root is tree


@dataclass
class _PageWords:
    """The page's word count before any DOM rule acted, counted only when a
    large element needs it (most removed elements are small)."""

    tree: Any
    removed: int = 0
    _total: int | None = None

    def total(self) -> int:
        if self._total is None:
            self._total = len(self.tree.text_content().split()) + self.removed or 1
        return self._total


def _removable_words(element, page: _PageWords) -> int | None:
    """The element's word count if a DOM rule may remove it, else None."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in ("html", "body", "main", "article"):
        return None
    if element.xpath(".//article|.//main"):
        return None
    words = len(element.text_content().split())
    if words < 40 or words <= MAX_TEXT_SHARE * page.total():
        return words
    return None


def _remove_keep_tail(element, parent) -> None:
    """Remove an element but keep the text that follows it in its parent."""
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _describe(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else "node"
    ident = element.get("id")
    classes = (element.get("class") or "").split()
    label = tag + (f"#{ident}" if ident else "") + "".join(f".{c}" for c in classes[:3])
    text = " ".join(" ".join(element.itertext()).split())
    return f"<{label}> {text[:80]}".rstrip()


#: Empty elements trafilatura's precision mode deletes together with the text
#: that follows them (its ``prune_html`` drops tails in that mode).
_EMPTY_CUT_TAGS = frozenset((
    "article", "b", "blockquote", "dd", "div", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "i", "li", "main", "p", "pre", "q", "section", "span", "strong"))
#: Tags are tested in Python: a 22-way ``self::`` test in XPath cost ~3 ms a page.
_EMPTY_ELEMENTS = "//*[not(node())]"
#: Inline spans in a paragraph that precision mode deletes by class (its
#: class="link" discard), cutting words out of the sentence.
#: (``//p//span[…]`` is quadratic in libxml2: measured 0.5 s on 13,000 paragraphs.)
_LINK_SPAN_IN_PARAGRAPH = "//span[contains(@class, 'link')][ancestor::p]"


def keep_sentence_text(tree) -> int:
    """Shield article text from two precision-mode deletions, keeping the
    text where it was; returns the number of elements changed.

    Measured on the devset (cleaner recall 0.9734 -> 0.9751, precision not
    lower): an empty ``<span id="more-N">`` (WordPress' "read more" anchor)
    took the paragraph it opens, an empty spacer ``<div>`` took a subheading,
    and a ``<span class="link">`` around a link took words out of the middle
    of a sentence. Empty elements followed by text are removed with the text
    kept; link spans inside paragraphs lose their tag, not their text.
    """
    changed = 0
    for span in tree.xpath(_LINK_SPAN_IN_PARAGRAPH):
        if "link" in span.get("class", "").split():
            span.drop_tag()
            changed += 1
    for element in tree.xpath(_EMPTY_ELEMENTS):
        if element.tag not in _EMPTY_CUT_TAGS or not (element.tail and element.tail.strip()):
            continue
        parent = element.getparent()
        if parent is not None:
            _remove_keep_tail(element, parent)
            changed += 1
    return changed


#: Elements trafilatura deletes from the tree it extracts from, in every mode
#: (``meta`` is void: its tag goes, as trafilatura strips it). Not here:
#: ``form`` (trafilatura keeps forms that wrap a whole page) and ``template``
#: (trafilatura keeps its content).
_NEVER_TEXT = ("style", "svg", "noscript", "link", "meta", "nav", "footer", "aside")
#: Scripts go too, except the JSON-LD that trafilatura reads to tell a forum
#: thread (where comments are the content) from an article.
_SCRIPTS = "//script[not(@type='application/ld+json')]"


def lighten_tree(tree) -> None:
    """Remove, once and up front, what trafilatura removes anyway, keeping
    the text that follows each element.

    trafilatura copies the tree several times and runs its XPath passes over
    the whole raw tree; on the devset these elements are a third of all
    elements. Measured: same output on all 88 pages, ~10% less time in
    trafilatura. Page metadata is read before this (it needs ``<meta>``).
    """
    from lxml import etree

    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    for script in tree.xpath(_SCRIPTS):
        parent = script.getparent()
        if parent is not None:
            _remove_keep_tail(script, parent)


def _trafilatura(tree, url: str | None) -> Extracted | None:
    import trafilatura

    metadata = page_metadata(tree, url)
    lighten_tree(tree)
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_SETTINGS)
    if document is None:
        return Extracted("", metadata)
    return Extracted(document.text or "", metadata)


def page_metadata(tree, url: str | None = None) -> dict[str, str]:
    """Title, author, published date, site name, URL and language from the
    page's meta tags, JSON-LD, ``<title>``/``<h1>`` and ``<html lang>``.

    Uses trafilatura's metadata helpers but not its author search over the
    whole tree (three quarters of its metadata time, measured); an author in
    the text is still lifted by the byline rules.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm

    found = tm.examine_meta(tree)
    with suppress(Exception):  # trafilatura's JSON-LD reader raises on odd markup
        found = tm.extract_meta_json(tree, found)
    values = {
        "title": found.title or tm.extract_title(tree),
        "author": found.author,
        "sitename": found.sitename or tm.extract_sitename(tree),
        "url": found.url or url,
        "language": tree.get("lang") or found.language,
    }
    try:
        values["published"] = find_date(tree, extensive_search=False, original_date=True,
                                        url=values["url"])
    except Exception:  # htmldate is defensive, but a page is hostile input
        values["published"] = None
    metadata = {k: " ".join(str(v).split()) for k, v in values.items() if v}
    if "language" in metadata:
        metadata["language"] = metadata["language"].split("-")[0].split("_")[0].lower()
    return metadata


def html_text(fragment: str) -> str:
    """The text of an HTML fragment, blocks on separate lines."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(fragment, "lxml").get_text("\n", strip=True)


def _soup_fallback(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(list(_FALLBACK_DROP)):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    return root.get_text("\n", strip=True)
