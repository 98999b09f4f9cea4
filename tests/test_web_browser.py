"""The web app in a real browser: Playwright driving the system's Chromium (no browser of
Playwright's own: it is started from its executable path). A researcher searches, narrows by a
facet, opens a hit's report page, opens an initiative's timeline and its brief, and compares two
reports; a report's markup shows as text and nothing breaks the Content-Security-Policy."""

from __future__ import annotations

import os
import shutil

import pytest

from .conftest import HOSTILE_ID

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("REPORT_INDEX_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: install it (apt-get install -y chromium) as the README's test command does")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.problems = problems
    yield opened
    context.close()


def test_search_facet_and_report_page(tab, web_server):
    tab.goto(web_server + "/")
    tab.fill("main input[name=q]", "modern slavery")
    tab.click("main button[type=submit]")
    tab.wait_for_url("**/search?q=modern+slavery")
    summary = tab.locator("p.summary").inner_text()
    assert summary.startswith("1") and "passage(s) match “modern slavery”" in summary
    tab.click("ul.facet[data-facet=meeting] >> text=Community Outcomes Meeting")
    tab.wait_for_url("**meeting=Community+Outcomes+Meeting**")
    heads = tab.locator(".cite-head").all_inner_texts()
    assert heads and all(head == "Safeguarding · Community Outcomes Meeting · 2021-06-15" for head in heads)
    first = tab.locator("li.hit").first
    link = first.locator("a.file-link")
    assert link.get_attribute("href").startswith("/files/2021-06-15-safeguarding#page=")
    first.locator("a.report-link").click()
    tab.wait_for_url("**/reports/2021-06-15-safeguarding#p*")
    assert tab.locator("h1").inner_text() == "Safeguarding"
    target = tab.url.rsplit("#", 1)[1]
    assert tab.locator(f"#{target}").is_visible()
    assert "Community Outcomes Meeting" in tab.locator("dl.meta").inner_text()
    assert tab.problems == []


def test_a_filter_menu_searches_again_with_script_and_the_form_without(tab, browser, web_server):
    tab.goto(web_server + "/search?q=stalking")
    tab.select_option("select[name=kind]", "measure")
    tab.wait_for_url("**kind=measure**")
    assert tab.locator("li.hit").count() == 1
    assert "Increase use of Stalking Prevention Orders" in tab.locator("li.hit").inner_text()
    plain = browser.new_context(java_script_enabled=False).new_page()
    plain.goto(web_server + "/search?q=stalking")
    plain.select_option("select[name=kind]", "measure")
    plain.click("#search-form button[type=submit]")
    plain.wait_for_url("**kind=measure**")
    assert plain.locator("li.hit").count() == 1
    plain.context.close()


def test_initiative_timeline_and_brief(tab, web_server):
    tab.goto(web_server + "/initiatives")
    tab.click("text=West Yorkshire Anti-Slavery Partnership")
    tab.wait_for_url("**/initiatives/west-yorkshire-anti-slavery-partnership")
    marks = tab.locator("figure.timeline-chart svg a.mark")
    assert marks.count() == 3
    assert marks.first.get_attribute("data-status") == "live"
    assert "2021-06-15 · live" in tab.locator("figure.timeline-chart svg").text_content()
    marks.first.click()
    assert tab.url.endswith("#report-2021-06-15-safeguarding")
    assert "para 5, bullet 3, p. 2" in tab.locator("#report-2021-06-15-safeguarding").inner_text()
    tab.click("text=Brief (HTML)")
    tab.wait_for_url("**/brief.html")
    assert tab.locator("h1").inner_text() == "Progress brief: West Yorkshire Anti-Slavery Partnership"
    assert tab.problems == []


def test_compare_two_reports(tab, web_server):
    tab.goto(web_server + "/compare")
    tab.fill("input[name=a]", "2021-06-15")
    tab.fill("input[name=b]", "2022-06-10")
    tab.fill("input[name=topic]", "WYASP")
    tab.click("form.compare-form button")
    tab.wait_for_url("**/compare?a=2021-06-15&b=2022-06-10&topic=WYASP")
    pair = tab.locator("article.pair").first
    assert "para 5, bullets 3-4 → paras 2.1 e) to 2.1 f)" in pair.locator(".pair-head").inner_text()
    assert pair.locator("ul.added ins").first.inner_text().startswith("+ The West Yorkshire Anti-Slavery Partnership (WYASP) chaired")
    assert tab.problems == []


def test_report_markup_shows_as_text_and_never_runs(tab, web_server):
    tab.goto(web_server + f"/reports/{HOSTILE_ID}")
    assert tab.locator("h1").inner_text() == "Scripted <script>window.pwnedTitle = 1</script> Report"
    assert "<img src=x onerror=" in tab.locator("#p1").inner_text()
    assert tab.evaluate("[window.pwned, window.pwnedTitle, window.pwnedBody]") == [None, None, None]
    tab.goto(web_server + "/search?q=Hostile+Markup+Pilot")
    assert "<script>window.pwned = 1</script>" in tab.locator("ol.hits").inner_text()
    assert tab.evaluate("window.pwned") is None
    assert tab.problems == []
