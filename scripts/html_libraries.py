"""Compare main-content and date extraction on saved web pages: trafilatura, readability-lxml,
jusText, htmldate and report-index's own HTML reader.

The pages and what each should and should not yield come from a JSON file in the form of
trafilatura's evaluation data (``tests/evaldata.json``): for each page its ``file``, the strings its
main text must hold (``with``), the strings of boilerplate it must not (``without``), and, where
known, its publication ``date`` and ``title``. Nothing third-party is bundled: point the script at a
folder holding the pages and that file.

    python scripts/html_libraries.py PAGES_DIR/selected.json [--out results.json]

For each extractor it prints the share of ``with`` strings found (content recall), the share of
``without`` strings found (boilerplate leaked), and for the date extractors the share of dated
pages whose date is right, wrong or missing. Libraries that are not installed are left out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path


def _fold(text: str) -> str:
    for quote in "\u2018\u2019\u201a\u201b\u2039\u203a":
        text = text.replace(quote, "'")
    for quote in "\u201c\u201d\u201e\u201f\u00ab\u00bb":
        text = text.replace(quote, '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _german(file: str) -> bool:
    return bool(re.search(r"\.(de|at|ch)[.-]", file))


def text_extractors() -> dict:
    found: dict = {}
    try:
        import trafilatura

        found["trafilatura"] = lambda html, file: trafilatura.extract(html, include_tables=True, include_comments=False) or ""
    except ImportError:
        pass
    try:
        from lxml import html as lxml_html
        from readability import Document

        def readability_text(html: str, file: str) -> str:
            summary = Document(html).summary(html_partial=True)
            return lxml_html.fromstring(summary).text_content() if summary.strip() else ""

        found["readability-lxml"] = readability_text
    except ImportError:
        pass
    try:
        import justext

        def justext_text(html: str, file: str) -> str:
            stoplist = justext.get_stoplist("German" if _german(file) else "English")
            return "\n".join(p.text for p in justext.justext(html.encode("utf-8"), stoplist) if not p.is_boilerplate)

        found["jusText"] = justext_text
    except ImportError:
        pass
    try:
        from report_index.sources.html_reader import html_document

        def own_text(html: str, file: str) -> str:
            page = html_document(html, file)
            return "\n".join(page.text_lines())

        found["report-index"] = own_text
    except ImportError:
        pass
    return found


def date_extractors() -> dict:
    found: dict = {}
    try:
        from htmldate import find_date

        found["htmldate (markup only)"] = lambda html: find_date(html, extensive_search=False, original_date=True)
        found["htmldate (default)"] = lambda html: find_date(html, original_date=True)
    except ImportError:
        pass
    try:
        from trafilatura import extract_metadata

        found["trafilatura metadata"] = lambda html: getattr(extract_metadata(html), "date", None)
    except ImportError:
        pass
    try:
        from report_index.sources.html_reader import html_document

        found["report-index"] = lambda html: html_document(html, "").date
    except ImportError:
        pass
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path, help="JSON file of pages (trafilatura's evaldata.json form); the pages beside it")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    pages = json.loads(args.pages.read_text(encoding="utf-8"))
    folder = args.pages.parent
    rows = []
    loaded = {}
    for url, page in pages.items():
        path = folder / page["file"]
        if path.is_file():
            data = path.read_bytes()
            loaded[url] = data.decode("utf-8", errors="replace")
    results: dict = {"pages": len(loaded), "text": {}, "dates": {}}
    for name, extract in text_extractors().items():
        found = wanted = leaked = unwanted = failed = 0
        started = time.perf_counter()
        for url, html in loaded.items():
            page = pages[url]
            try:
                text = _fold(extract(html, page["file"]))
            except Exception:
                text, failed = "", failed + 1
            wanted += len(page["with"])
            found += sum(1 for s in page["with"] if _fold(s) in text)
            unwanted += len(page["without"])
            leaked += sum(1 for s in page["without"] if _fold(s) in text)
        seconds = time.perf_counter() - started
        results["text"][name] = {
            "recall": found / wanted, "leaked": leaked / unwanted, "found": found, "wanted": wanted,
            "leaked_strings": leaked, "unwanted": unwanted, "failed": failed, "ms_per_page": 1000 * seconds / len(loaded),
        }
        rows.append(f"{name:24} content recall {found / wanted:6.1%} ({found}/{wanted})  boilerplate leaked {leaked / unwanted:6.1%} ({leaked}/{unwanted})  failed {failed}  {1000 * seconds / len(loaded):6.1f} ms/page")
    dated = {url: pages[url]["date"] for url in loaded if pages[url].get("date")}
    for name, extract in date_extractors().items():
        right = wrong = missing = 0
        for url, gold in dated.items():
            try:
                got = extract(loaded[url])
            except Exception:
                got = None
            if not got:
                missing += 1
            elif str(got)[:10] == gold[:10]:
                right += 1
            else:
                wrong += 1
        results["dates"][name] = {"right": right, "wrong": wrong, "missing": missing, "dated_pages": len(dated)}
        rows.append(f"{name:24} dates right {right}/{len(dated)}  wrong {wrong}  none {missing}")
    print(f"{len(loaded)} pages, {len(dated)} with a known date")
    print("\n".join(rows))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
