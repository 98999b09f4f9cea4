"""Screenshots of the web app's main pages for the README (docs/web-*.png).

    python scripts/screenshots.py            # builds an index of corpus/ in a temporary folder

Serves the app on a free loopback port and photographs each page with the system's Chromium
(through Playwright, as the browser tests do).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "web-search": "/search?q=stalking+orders",
    "web-report": "/reports/2022-06-10-safeguarding-report",
    "web-initiative": "/initiatives/west-yorkshire-anti-slavery-partnership",
    "web-measures": "/measures",
    "web-compare": "/compare?a=2021-06-15&b=2022-06-10&topic=WYASP",
}


def main() -> int:
    from playwright.sync_api import sync_playwright

    from report_index.api import ingest
    from report_index.web.server import running

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="report-index-shots-") as temporary:
        index_dir = Path(temporary) / "index"
        ingest([ROOT / "corpus"], index_dir)
        with running(index_dir) as address, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            for name, path in PAGES.items():
                page.goto(address + path)
                target = ROOT / "docs" / f"{name}.png"
                target.parent.mkdir(exist_ok=True)
                page.screenshot(path=str(target))
                print(target.relative_to(ROOT))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
