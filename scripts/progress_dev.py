"""Score `progress` on the real-text dev set: public web pages about the initiatives, judged by
hand in ``scripts/progress_dev.json`` (the pages themselves are third-party text and are kept
out of the repository: save them into a folder, one ``<file>.txt`` each, and name it here).

    python scripts/progress_dev.py PAGES_DIR [--json] [--show NAME]

For each initiative it ingests the folder into a temporary index, asks ``progress`` for it and
prints:

- recall: the judged pages that the timeline shows as mentioning it;
- dated: entries shown with a date, of the recalled pages whose true date is known;
- order: pairs of dated entries whose true dates are in the other order (of the pairs whose
  true dates differ), and dates shown whose year is not the page's true year;
- status: of the recalled pages whose text states a status, those shown with that status
  (and, apart, statuses shown where the text states none);
- figures: of the figures shown, those that count something the initiative did (precision),
  and of the judged figures, those shown (recall);
- discovered names listed by ``initiatives``: how many are judged garbage, organisations,
  other names of a known initiative, or fine.

Pages missing from the folder are left out of every figure (and counted).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEV = HERE / "progress_dev.json"

_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def number_of(text: str) -> float | None:
    """The first number in a judged figure ("1,879 activations" -> 1879, "six orders" -> 6, "250k" -> 250)."""
    match = _NUMBER.search(text)
    if match:
        return float(match.group().replace(",", ""))
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _WORDS:
            return float(_WORDS[word])
    return None


def figure_matches(shown, judged: list[str]) -> bool:
    """A figure shown counts something the initiative did when a judged figure has its number."""
    values = {number_of(text) for text in judged}
    value = shown.value if shown.value is not None else number_of(shown.text)
    return value is not None and float(value) in values


def comparable(a: str, b: str) -> tuple[str, str] | None:
    """Two true dates cut to their common precision; None when that leaves them equal (unordered)."""
    size = min(len(a), len(b))
    a, b = a[:size], b[:size]
    return None if a == b else (a, b)


def score_initiative(index, judged: dict, truth: dict[str, str | None], present: set[str]) -> dict:
    from report_index.errors import ReportIndexError

    pages = [p for p in judged["pages"] if p["file"] in present]
    try:
        found = index.progress(judged["name"])
    except ReportIndexError as exc:
        return {"name": judged["name"], "error": str(exc), "expected": len(pages)}
    by_file = {}
    order = []  # (file, date shown) of the dated entries, in timeline order
    for entry in found.entries:
        name = Path(entry.report.source).name
        by_file[name] = entry
        if entry.mentioned and entry.report.date:  # an estimate is never a date: it stays undated
            order.append((name, entry.report.date))
    recalled = [p for p in pages if by_file.get(p["file"]) is not None and by_file[p["file"]].mentioned]
    inversions = pairs = 0
    for i, (first, _) in enumerate(order):
        for second, _ in order[i + 1 :]:
            a, b = truth.get(first), truth.get(second)
            if not a or not b:
                continue
            cut = comparable(a, b)
            if cut is None:
                continue
            pairs += 1
            inversions += cut[0] > cut[1]
    wrong_year = [f for f, shown in order if truth.get(f) and shown[:4] != truth[f][:4]]
    status_total = status_right = unsupported = 0
    shown_figures = right_figures = judged_figures = found_figures = 0
    misses: list[str] = []
    for page in recalled:
        entry = by_file[page["file"]]
        status, figures = entry.status_and_figures()
        if page["status"]:
            status_total += 1
            status_right += status == page["status"]
            if status != page["status"]:
                misses.append(f"{page['file']}: status {status} (judged {page['status']})")
        elif status:
            unsupported += 1
            misses.append(f"{page['file']}: status {status} where the text states none")
        for figure in figures:
            shown_figures += 1
            if figure_matches(figure, page["figures"]):
                right_figures += 1
            else:
                misses.append(f"{page['file']}: figure {figure.text!r}")
        judged_figures += len(page["figures"])
        found_figures += sum(1 for text in page["figures"] if any(number_of(text) == f.value for f in figures))
    for page in pages:
        if page not in recalled:
            misses.append(f"{page['file']}: not found")
    return {
        "name": judged["name"],
        "expected": len(pages),
        "recalled": len(recalled),
        "dated": len(order),
        "truly_dated": sum(1 for p in recalled if truth.get(p["file"])),
        "pairs": pairs,
        "inversions": inversions,
        "wrong_year": wrong_year,
        "status_total": status_total,
        "status_right": status_right,
        "status_unsupported": unsupported,
        "figures_shown": shown_figures,
        "figures_right": right_figures,
        "figures_judged": judged_figures,
        "figures_found": found_figures,
        "misses": misses,
    }


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def discovered_names(index, everything: bool = False) -> list[str]:
    try:
        listed = index.initiatives(everything=everything) if everything else index.initiatives()
    except TypeError:  # a version without organisations kept apart lists every name
        listed = index.initiatives()
    return sorted(item.initiative.name for item in listed if item.initiative.source == "discovered")


def show(index, judged: dict, present: set[str]) -> None:
    """Each judged page of one initiative: the judgement, what progress shows and every mention."""
    by_file = {Path(entry.report.source).name: entry for entry in index.progress(judged["name"]).entries}
    for page in judged["pages"]:
        if page["file"] not in present:
            continue
        entry = by_file.get(page["file"])
        print(f"== {page['file']}: judged {page['status']} {page['figures']}")
        if entry is None or not entry.mentioned:
            print("   not found")
            continue
        status, figures = entry.status_and_figures()
        print(f"   shown {status} {[f.text for f in figures]}")
        for mention in entry.mentions:
            print(f"   - {mention.via} {mention.matched!r} {mention.status}: {mention.sentence[:300]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="the folder holding the saved pages (<file>.txt)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--misses", action="store_true", help="list each miss")
    parser.add_argument("--show", metavar="NAME", help="show what progress says of each judged page of one initiative")
    args = parser.parse_args(argv)
    dev = json.loads(DEV.read_text(encoding="utf-8"))
    truth = {p["file"]: p["date"] for p in dev["pages"]}
    present = {p["file"] for p in dev["pages"] if (args.pages / p["file"]).is_file()}
    if not present:
        print(f"none of the {len(truth)} judged pages is in {args.pages}: nothing to score", file=sys.stderr)
        return 1
    from report_index.api import Index, ingest

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work, "pages")
        folder.mkdir()
        for name in sorted(present):
            shutil.copy(args.pages / name, folder / name)
        ingest([folder], Path(work, "index"), jobs=1)
        index = Index(Path(work, "index"))
        results = [score_initiative(index, item, truth, present) for item in dev["initiatives"]]
        if args.show:
            show(index, next(item for item in dev["initiatives"] if item["name"] == args.show), present)
            return 0
        discovered = discovered_names(index)
        organisations = sorted(set(discovered_names(index, everything=True)) - set(discovered))
    if args.json:
        print(json.dumps({"pages": len(present), "initiatives": results, "discovered": discovered}, indent=1))
        return 0
    print(f"{len(present)} of {len(truth)} judged pages present")
    print(f"{'initiative':34} {'recall':>9} {'dated':>7} {'in order':>9} {'wrong yr':>8} {'status':>9} {'unsupp.':>7} {'fig prec':>9} {'fig rec':>8}")
    totals = dict.fromkeys(["expected", "recalled", "status_total", "status_right", "status_unsupported", "figures_shown", "figures_right", "figures_judged", "figures_found"], 0)
    ordered = 0
    for r in results:
        if "error" in r:
            print(f"{r['name']:34} error: {r['error']}")
            continue
        for key in totals:
            totals[key] += r[key]
        in_order = r["inversions"] == 0 and not r["wrong_year"]
        ordered += in_order
        print(
            f"{r['name']:34} {pct(r['recalled'], r['expected']):>4} {r['recalled']:>2}/{r['expected']:<2}"
            f" {r['dated']:>3}/{r['truly_dated']:<3} {'yes' if in_order else 'no':>4} {r['inversions']:>2}/{r['pairs']:<2} {len(r['wrong_year']):>8}"
            f" {pct(r['status_right'], r['status_total']):>4} {r['status_right']:>2}/{r['status_total']:<2} {r['status_unsupported']:>7}"
            f" {pct(r['figures_right'], r['figures_shown']):>4} {r['figures_right']:>2}/{r['figures_shown']:<2}"
            f" {pct(r['figures_found'], r['figures_judged']):>8}"
        )
    t = totals
    print(
        f"{'overall':34} {pct(t['recalled'], t['expected']):>9} {ordered:>4}/{len(results)} timelines"
        f"  status {pct(t['status_right'], t['status_total'])} ({t['status_right']}/{t['status_total']}), {t['status_unsupported']} unsupported"
        f"  figures precision {pct(t['figures_right'], t['figures_shown'])} ({t['figures_right']}/{t['figures_shown']}),"
        f" recall {pct(t['figures_found'], t['figures_judged'])}"
    )
    judged = dev.get("discovery", {})
    tally = {kind: sum(1 for name in discovered if name in judged.get(kind, [])) for kind in ("garbage", "organisations", "duplicates", "fine")}
    unjudged = [name for name in discovered if not any(name in judged.get(kind, []) for kind in tally)]
    print(
        f"discovered names listed: {len(discovered)}: garbage {tally['garbage']}, organisations {tally['organisations']},"
        f" other names of a known initiative {tally['duplicates']}, fine {tally['fine']}, not judged {len(unjudged)}"
    )
    print("  " + "; ".join(discovered))
    print(f"discovered organisations (initiatives --all only): {len(organisations)}: " + "; ".join(organisations))
    if args.misses:
        for r in results:
            for miss in r.get("misses", []):
                print(f"  {r['name']}: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
