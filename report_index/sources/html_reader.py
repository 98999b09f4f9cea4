"""Reading saved web pages (``.html``, ``.htm``) into ``RawDocument``s: the page's main content
only, its headings, passages and tables, its title and its publication date.

* **Main content** is found by trafilatura (its XML output), which leaves out the cookie banner,
  navigation, breadcrumbs, sidebars and footer; on real saved pages it kept more of the content,
  and let less boilerplate through, than readability-lxml and jusText (README, "Web pages").
  Before it runs, lxml reads the page and each ``<ol>`` item is given its number as the page shows
  it (``a)`` under ``<ol type="a">``, ``3.`` under ``<ol start="3">``), which the text does not hold.
* **Structure.** ``h1``-``h6`` are bold lines (headings), ``p`` and ``li`` lines (``ul`` items as
  bullets), a paragraph all in bold a bold line, tables ``Table`` s (a two-column table of labels is
  the title block).
* **Title.** The page's first heading when it opens the content, else ``og:title``, else
  ``<title>`` without the site's name ("Safeguarding Report | West Yorkshire Combined Authority").
* **Date.** From the page's metadata alone, in this order of trust: ``article:published_time``,
  ``DC.date`` (and ``DC.date.issued``, ``dcterms.issued``...), a ``<time datetime>`` that is a
  byline (not one inside a sentence), JSON-LD ``datePublished``. It outranks the title block's
  date; a page with neither is undated: a date in the running text is never the page's.
* **Encoding.** A byte order mark, else the ``charset`` the page declares, else UTF-8, else
  Windows-1252.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractionError
from ..models import Block, DocumentFacts, RawDocument, TextLine
from ..text.clean import normalise
from .sniff import sniff_problem
from .tables import make_table

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")

#: meta names and properties that give a page's publication date, most trusted first
DATE_META = (
    ("article:published_time", "article:published_time"),
    ("og:published_time", "article:published_time"),
    ("dc.date.issued", "DC.date"),
    ("dc.date", "DC.date"),
    ("dcterms.issued", "DC.date"),
    ("dcterms.date", "DC.date"),
    ("dcterms.created", "DC.date"),
    ("dc.date.created", "DC.date"),
)


@dataclass(frozen=True)
class HtmlReading:
    """What was read from one page: its main content's blocks, title and date."""

    blocks: list[Block] = field(default_factory=list)
    title: str = ""
    date: str | None = None
    date_source: str = ""

    def text_lines(self) -> list[str]:
        """The main content as plain lines (headings, passages, table rows)."""
        lines: list[str] = [self.title] if self.title else []
        for block in self.blocks:
            if isinstance(block, TextLine):
                lines.append(block.text)
            else:
                lines.extend(" ".join(cell for cell in row if cell) for row in [block.header, *block.rows])
        return lines


def read_html(path: Path) -> RawDocument:
    """The page's main content as lines and tables, its title and date as ``DocumentFacts``."""
    data = path.read_bytes()
    problem = sniff_problem(data[:8192], "html")
    if problem:
        raise ExtractionError(problem)
    markup, _ = decode_html(data)
    reading = html_document(markup, str(path))
    if not any(isinstance(b, TextLine) and b.text.strip() or not isinstance(b, TextLine) for b in reading.blocks):
        raise ExtractionError("no text: the page has no main content (only navigation, or the text is drawn by scripts)")
    facts = DocumentFacts(
        title=reading.title, date=reading.date, date_source=reading.date_source, date_trusted=True, title_trusted=True
    )
    return RawDocument(source=str(path), kind="html", page_count=None, blocks=reading.blocks, facts=facts)


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding it was read in."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        name = "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name  # as browsers read them
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def html_document(markup: str, source: str = "") -> HtmlReading:
    """Read one page's markup (see the module's docstring)."""
    from lxml import etree
    from lxml import html as lxml_html

    markup = _XML_DECLARATION.sub("", markup)
    if not markup.strip():
        return HtmlReading()
    try:
        tree = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not a readable web page: {exc}") from None
    date, date_source = page_date(tree)
    page_title = _meta_title(tree)
    _number_ordered_lists(tree)
    _drop_page_furniture(tree)
    blocks, heading = _main_content(tree)
    title = heading or page_title
    return HtmlReading(blocks=blocks, title=title, date=date, date_source=date_source)


# --------------------------------------------------------------------------------------------
# Metadata


def page_date(tree) -> tuple[str | None, str]:
    """The page's publication date from its metadata alone, and where it was found."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content
    for key, label in DATE_META:
        found = _iso(metas.get(key, ""))
        if found:
            return found, f"page metadata ({label})"
    for time in tree.iter("time"):
        value = time.get("datetime")
        if value and _byline(time):
            found = _iso(value)
            if found:
                return found, "page metadata (<time datetime>)"
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        found = _iso(_json_ld_date(data) or "")
        if found:
            return found, "page metadata (JSON-LD datePublished)"
    published = _iso(metas.get("datepublished", ""))
    if published:
        return published, "page metadata (datePublished)"
    return _htmldate(tree)


def _htmldate(tree) -> tuple[str | None, str]:
    """htmldate's reading of the rest of the page's markup (other meta names, a canonical URL
    holding a date, date-classed bylines), never of its running text (``extensive_search=False``)."""
    from copy import deepcopy

    from htmldate import find_date

    copy = deepcopy(tree)
    for time in list(copy.iter("time")):
        if not _byline(time):  # a date inside a sentence is not the page's, for htmldate either
            time.drop_tree()
    try:
        found = find_date(copy, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate's own trouble with a page is no reason to lose the page
        return None, ""
    return (found, "page markup (htmldate)") if found else (None, "")


def _byline(time) -> bool:
    """Whether a ``<time>`` is the page's date line, not a date inside a sentence: it is marked
    as the publication date, or it is most of the text of the element that holds it."""
    if time.get("pubdate") is not None or (time.get("itemprop") or "").lower() == "datepublished":
        return True
    parent = time.getparent()
    while parent is not None and parent.tag in ("span", "strong", "em", "b", "i", "a"):
        parent = parent.getparent()
    if parent is None:
        return True
    around = normalise(parent.text_content())
    own = normalise(time.text_content())
    return len(around) - len(own) <= 30


def _json_ld_date(data) -> str | None:
    if isinstance(data, list):
        return next((d for d in (_json_ld_date(item) for item in data) if d), None)
    if isinstance(data, dict):
        value = data.get("datePublished")
        if isinstance(value, str):
            return value
        return _json_ld_date(data.get("@graph") or data.get("mainEntity") or [])
    return None


def _iso(value: str) -> str | None:
    match = _ISO_DATE.match(value or "")
    if match:
        year, month, day = (int(part) for part in match.groups())
        if 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
        return None
    if value and value.strip():
        from ..text.dates import parse_date

        parsed = parse_date(value)
        return parsed.isoformat() if parsed else None
    return None


def _meta_title(tree) -> str:
    """``og:title``, else ``<title>`` without the site's name."""
    site = ""
    og_title = ""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key == "og:site_name":
            site = normalise(meta.get("content") or "")
        elif key in ("og:title", "twitter:title") and not og_title:
            og_title = normalise(meta.get("content") or "")
    if og_title:
        return _without_site(og_title, site)
    title = tree.find(".//title")
    return _without_site(normalise(title.text_content()) if title is not None else "", site)


def _without_site(title: str, site: str) -> str:
    parts = [part.strip() for part in re.split(r"\s+[|\u2013\u2014\u00b7:-]\s+", title) if part.strip()]
    if len(parts) < 2:
        return title
    if site:
        kept = [part for part in parts if part.casefold() != site.casefold()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept)
    return parts[0]


# --------------------------------------------------------------------------------------------
# Main content


_ROMAN = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _list_label(number: int, kind: str) -> str:
    if kind in ("a", "A"):
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return (letters.upper() if kind == "A" else letters) + ")"
    if kind in ("i", "I"):
        out = ""
        for value, numeral in _ROMAN:
            while number >= value:
                out, number = out + numeral, number - value
        return (out.upper() if kind == "I" else out) + ")"
    return f"{number}."


def _number_ordered_lists(tree) -> None:
    """Put each ``<ol>`` item's number, as the page shows it, before its text."""
    for ol in tree.iter("ol"):
        kind = (ol.get("type") or "1").strip() or "1"
        style = (ol.get("style") or "").lower()
        if "lower-alpha" in style or "lower-latin" in style:
            kind = "a"
        elif "upper-alpha" in style or "upper-latin" in style:
            kind = "A"
        elif "lower-roman" in style:
            kind = "i"
        elif "list-style-type: none" in style or "list-style: none" in style:
            continue
        try:
            number = int(ol.get("start") or 1)
        except ValueError:
            number = 1
        for li in ol:
            if li.tag != "li":
                continue
            try:
                number = int(li.get("value")) if li.get("value") else number
            except ValueError:
                pass
            li.text = f"{_list_label(number, kind)} {li.text or ''}"
            number += 1


_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
#: id and class names (whole names, not parts of them) of a website's furniture
_FURNITURE_NAMES = re.compile(
    r"^(?:cookie[\w-]*|[\w-]*cookie-?(?:banner|bar|notice|consent|message|popup)|[\w-]*consent[\w-]*|gdpr[\w-]*"
    r"|breadcrumbs?|[\w-]*-breadcrumbs?|skip-?links?|skip-?to-?(?:main-?)?content|site-?header|site-?footer|page-?footer"
    r"|global-?(?:header|footer|nav)|masthead|sidebar|side-?bar|newsletter-?signup|social-?share|share-?this)$",
    re.IGNORECASE,
)


def _drop_page_furniture(tree) -> None:
    """Remove what is the website's and never the page's content, whatever main-content
    extraction makes of it: navigation, site header and footer, sidebars, cookie and consent
    banners, breadcrumbs, skip links, forms, scripts. An element that holds the page's ``main``
    or ``article`` stays."""
    doomed = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("html", "body", "main", "article") or not tag:
            continue
        role = (element.get("role") or "").lower()
        names = f"{element.get('id') or ''} {element.get('class') or ''}"
        inside_content = any(a.tag in ("article", "main") for a in element.iterancestors())
        furniture = (
            tag in ("nav", "aside", "form", "script", "style", "noscript", "template", "dialog")
            or (tag in ("header", "footer") and not inside_content)
            or role in _FURNITURE_ROLES
            or (any(_FURNITURE_NAMES.match(name) for name in names.split()) and tag not in ("p", "li", "td", "th", "span", "a", "h1", "h2", "h3"))
        )
        if furniture and not any(d.tag in ("main", "article") for d in element.iterdescendants() if isinstance(d.tag, str)):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            tail = element.tail
            parent.remove(element)
            if tail and tail.strip():
                previous = parent[-1] if len(parent) else None
                parent.text = (parent.text or "") + tail if previous is None else parent.text


def _main_content(tree) -> tuple[list[Block], str]:
    """The blocks of the page's main content, and its opening heading (its title) if it has one."""
    import trafilatura

    xml = trafilatura.extract(
        tree, output_format="xml", include_tables=True, include_formatting=True, include_links=False,
        include_images=False, include_comments=False, deduplicate=False, with_metadata=False,
    )
    if not xml:
        return [], ""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        main = root
    blocks: list[Block] = []
    opening = ""
    for element in main:
        if element.tag == "head" and element.get("rend") == "h1" and not blocks and not opening:
            opening = normalise("".join(element.itertext()))
            continue
        blocks.extend(_blocks_of(element))
    return blocks, opening


def _text(element, own_blocks: tuple[str, ...] = ("list", "table", "graphic")) -> str:
    """The element's text, without that of the children read as blocks of their own."""
    parts: list[str] = []

    def walk(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append(" ")
            elif child.tag not in own_blocks:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return normalise("".join(parts))


def _all_bold(element) -> bool:
    """A paragraph whose text is all in bold (``<hi rend="#b">``)."""
    text = _text(element)
    if not text:
        return False
    bold = "".join(normalise("".join(hi.itertext())) for hi in element.iter("hi") if "#b" in (hi.get("rend") or ""))
    return len(bold.replace(" ", "")) >= len(text.replace(" ", ""))


def _blocks_of(element) -> list[Block]:
    tag = element.tag
    if tag == "head":
        text = _text(element)
        return [TextLine(text=text, bold=True, new_block=True)] if text else []
    if tag in ("p", "quote", "code"):
        out: list[Block] = []
        text = _text(element)
        if text:
            out.append(TextLine(text=text, bold=_all_bold(element), new_block=True))
        for child in element:
            if child.tag in ("list", "table"):
                out.extend(_blocks_of(child))
        return out
    if tag == "list":
        out = []
        bullets = element.get("rend") != "ol"
        for item in element:
            if item.tag != "item":
                continue
            text = _text(item, ("list", "table", "graphic", "p"))
            if text:
                out.append(TextLine(text=f"\u2022 {text}" if bullets else text, new_block=True))
            for child in item:
                if child.tag in ("list", "table", "p"):
                    out.extend(_blocks_of(child))
        return out
    if tag == "table":
        rows: list[list[str]] = []
        for row in element.iter("row"):
            rows.append([_text(cell) for cell in row if cell.tag == "cell"])
        rows = [row for row in rows if any(row)]
        if not rows:
            return []
        width = max(len(row) for row in rows)
        if width == 1:
            return [TextLine(text=row[0], new_block=True) for row in rows if row[0]]
        rows = [row + [""] * (width - len(row)) for row in rows]
        return [make_table(rows, None, ruled=True)]
    text = _text(element)
    return [TextLine(text=text, new_block=True)] if text else []
