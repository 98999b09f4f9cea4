"""scripts/progress_dev.py scores progress against the judgements in scripts/progress_dev.json:
run here on texts of our own saved under two judged file names (the real pages are not in the
repository)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "progress_dev.py"


def load_script():
    spec = importlib.util.spec_from_file_location("progress_dev", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_judgements_cover_sixty_pages_and_every_judged_file_is_a_page():
    dev = json.loads((ROOT / "scripts" / "progress_dev.json").read_text(encoding="utf-8"))
    files = {p["file"] for p in dev["pages"]}
    assert len(files) >= 60 and all(p["url"].startswith("http") for p in dev["pages"])
    judged = [page["file"] for item in dev["initiatives"] for page in item["pages"]]
    assert set(judged) <= files
    statuses = {page["status"] for item in dev["initiatives"] for page in item["pages"]}
    assert statuses <= {None, "planned", "pilot", "live", "expanded", "national", "review", "ended"}


def test_scores_on_pages_of_our_own(tmp_path, capsys):
    script = load_script()
    pages = tmp_path / "pages"
    pages.mkdir()
    # sw03 is judged: 2018-07-04, pilot, "20 victims"; ts04: live, "3,500 individuals", "1,879 times"
    (pages / "sw03.txt").write_text(
        "SmartWater pilot\n\nPublished 4 July 2018\n\nDuring the pilot, 20 victims had SmartWater used in their homes.\n", encoding="utf-8"
    )
    (pages / "ts04.txt").write_text(
        "TecSOS\n\nTecSOS devices are currently issued to around 3,500 individuals. Honoured by 0 Her Royal Highness.\n", encoding="utf-8"
    )
    assert script.main([str(pages), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pages"] == 2
    by_name = {r["name"]: r for r in data["initiatives"]}
    smart, tec = by_name["SmartWater"], by_name["TecSOS"]
    assert (smart["expected"], smart["recalled"], smart["dated"]) == (1, 1, 1)
    assert (smart["status_right"], smart["status_total"]) == (1, 1)
    assert (smart["figures_right"], smart["figures_shown"]) == (1, 1)
    assert (tec["status_right"], tec["figures_right"], tec["figures_shown"], tec["figures_judged"]) == (1, 1, 1, 2)
    assert by_name["Clare's Law"]["expected"] == 0  # its pages are not in the folder


def test_nothing_to_score_without_the_pages(tmp_path, capsys):
    assert load_script().main([str(tmp_path)]) == 1
    assert "nothing to score" in capsys.readouterr().err
