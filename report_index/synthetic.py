"""Synthetic reports for benchmarks and tests.

Everything made here is SYNTHETIC: invented text from a fixed word list, not a real report of
any body. Titles, meeting names, file names and the first word of every paragraph say
"Synthetic", so that a synthetic report can never be mistaken for a real one in an index or a
search result. The reports are deterministic (the same numbers give the same files, byte for
byte), so that benchmark runs and tests can be compared.

- ``make_pdfs``: A4 PDF reports of several pages (reportlab), each with numbered sections and
  paragraphs and, on page 3, a ruled measures table.
- ``make_paragraph_reports``: plain-text reports holding a given number of numbered paragraphs.

reportlab is a test dependency (``pip install -e '.[test]'``), imported only when a PDF is made.
"""

from __future__ import annotations

import random
from pathlib import Path

#: The words synthetic sentences are made of.
WORDS = (
    "synthetic panel safeguarding stalking harassment protection order referral victim offender "
    "domestic abuse partnership funding review training officer force county district hub team "
    "outcome measure quarter increase decrease scheme pilot board commissioner strategy service "
    "exploitation missing children vulnerability coordination recruitment evaluation risk support"
).split()
#: Initiatives (from the curated list) that one sentence in five names.
INITIATIVES = ["Clare's Law", "Operation Encompass", "Stalking Protection Orders", "Multi-Agency Safeguarding Hub"]
#: The page of each PDF report that holds its ruled measures table.
TABLE_PAGE = 3


def sentence(rng: random.Random, n: int) -> str:
    """A synthetic sentence of ``n`` words (one in five also names an initiative)."""
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(INITIATIVES))
    return "Synthetic " + " ".join(words) + "."


def report_date(number: int) -> str:
    """The date of synthetic report ``number`` (2019 to 2024)."""
    return f"{2019 + number % 6}-{1 + number % 12:02d}-{1 + number % 27:02d}"


def make_pdfs(folder: Path, reports: int, pages: int = 6) -> int:
    """``reports`` synthetic PDF reports of about ``pages`` A4 pages in ``folder``, each with a
    ruled measures table on page ``TABLE_PAGE`` (when it has that many); returns the number of
    pages made in all."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    total = 0
    for number in range(reports):
        rng = random.Random(number)
        date = report_date(number)
        story = [Paragraph(f"Synthetic Benchmark Report {number}", styles["Title"]),
                 Paragraph(f"Meeting: Synthetic Panel, {date}", styles["Normal"])]
        for page in range(pages):
            story.append(Paragraph(f"<b>{page + 1}. SYNTHETIC SECTION {page + 1}</b>", styles["Normal"]))
            for para in range(7):
                story.append(Paragraph(f"{page + 1}.{para + 1} {sentence(rng, 45)}", styles["Normal"]))
            if page == TABLE_PAGE - 1:
                rows = [["Measures", "2020/21", "2021/22", "Difference", "Trend"]]
                rows += [[f"Synthetic measure {i}", str(rng.randrange(500)), str(rng.randrange(500)), str(rng.randrange(-50, 50)), "level"] for i in range(6)]
                story.append(Table(rows, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])))
            story.append(PageBreak())
        path = folder / f"{date}_synthetic-report-{number:04d}.pdf"
        doc = SimpleDocTemplate(str(path), pagesize=A4, invariant=1)
        doc.build(story)
        total += doc.page  # the last page's number, once built
    return total


def make_paragraph_reports(folder: Path, paragraphs: int, per_report: int = 100) -> list[Path]:
    """Synthetic plain-text reports in ``folder`` holding ``paragraphs`` numbered paragraphs in
    all, ``per_report`` to a report (at least one report); returns their paths."""
    rng = random.Random(7)
    made = []
    for number in range(max(1, paragraphs // per_report)):
        date = report_date(number)
        lines = [f"Synthetic Paragraph Report {number}", f"Synthetic Panel {date}", ""]
        for para in range(per_report):
            lines += [f"{1 + para // 10}.{1 + para % 10} {sentence(rng, 30)}", ""]
        path = folder / f"{date}_synthetic-paragraphs-{number:05d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        made.append(path)
    return made
