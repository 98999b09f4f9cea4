"""How well the ingest finds the same report in other bytes, on any folder of PDFs.

    python scripts/same_text.py DIR [--limit N]

Each PDF under DIR is copied into a scratch folder with a second copy re-saved by pdfium (other
bytes, the same pages, as another PDF program would write it). The folder is ingested once; the
script prints how many re-saved copies were found to be duplicates of their original (recall),
and every pair of different originals the ingest took for the same text, with the share of
wording they have in common, for a person to judge (false duplicates are reports lost).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report_index.index.store import load_reports  # noqa: E402
from report_index.ingest.run import ingest  # noqa: E402
from report_index.text.fingerprint import MIN_WORDS, report_print  # noqa: E402


def resave(source: Path, target: Path) -> bool:
    try:
        document = pypdfium2.PdfDocument(source)
    except Exception:  # a file pdfium cannot open is left as it is
        return False
    try:
        document.save(target, version=17)
    except Exception:
        return False
    finally:
        document.close()
    return target.read_bytes() != source.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="at most this many PDFs (0: all)")
    args = parser.parse_args(argv)
    pdfs = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
    if args.limit:
        pdfs = pdfs[: args.limit]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "in"
        folder.mkdir()
        originals: dict[str, str] = {}  # resolved copy path -> resolved original path
        for number, pdf in enumerate(pdfs):
            original = folder / f"{number:05d}-{pdf.name}"
            shutil.copy(pdf, original)
            copy = folder / f"{number:05d}-resaved-{pdf.name}"
            if resave(original, copy):
                originals[str(copy.resolve())] = str(original.resolve())
        started = time.monotonic()
        summary = ingest([folder], Path(scratch) / "index")
        seconds = time.monotonic() - started
        status = {o.path: o for o in summary.outcomes}
        indexed = {o.path for o in summary.outcomes if o.status in ("added", "updated")}
        found = missed = short = 0
        words = {r.source: report_print(r).words for r in load_reports(Path(scratch) / "index")}
        for copy, original in originals.items():
            if original not in indexed and copy not in indexed:
                continue  # the original was not read (failed, or itself a copy): nothing to find
            if max(words.get(original, 0), words.get(copy, 0)) < MIN_WORDS:
                short += 1
                continue
            outcome = status.get(copy)
            if outcome and outcome.status == "duplicate" and original in outcome.reason:
                found += 1
            elif status[original].status == "duplicate" and copy in status[original].reason:
                found += 1  # the copy was read first: the original is its duplicate
            else:
                missed += 1
                print(f"MISSED  {Path(copy).name}: {outcome.status if outcome else '?'} {outcome.reason if outcome else ''}")
        false = []
        for outcome in summary.of("duplicate"):
            if outcome.path in originals or not outcome.reason.startswith("same text as "):
                continue  # a re-saved copy: counted above
            twin = outcome.reason[len("same text as "):].split(" (", 1)[0]
            if originals.get(outcome.path) == twin or originals.get(twin) == outcome.path:
                continue  # a re-saved copy and its original, either way round
            false.append((Path(outcome.path).name, Path(twin).name))
        print(f"\nPDFs {len(pdfs)}; re-saved copies {len(originals)}; originals indexed {len(indexed & set(originals.values()))}")
        print(f"  of which shorter than {MIN_WORDS} words (only copies of the same bytes are found): {short}")
        print(f"copies of originals of {MIN_WORDS} words or more found as duplicates: {found} of {found + missed} ({found / max(1, found + missed):.1%})")
        print(f"different originals taken for the same text: {len(false)} (judge each below)")
        for path, twin in false:
            print(f"  {path}  ==  {twin}")
        print(f"ingest: {seconds:.1f} s for {len(summary.outcomes)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
