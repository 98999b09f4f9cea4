"""The web app over HTTP, against a real waitress server on a free loopback port: every page
answers with the reports' real values, /api/ gives exactly the JSON of the command line's
--json, and the safety rules hold (escaping, the policy header, /files/ by id only, bounded
requests, read-only)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner

from report_index.cli import main
from report_index.ingest.run import ingest
from report_index.web.app import CSP, MAX_QUERY_CHARS
from report_index.web.server import exposure_warning, running

from .conftest import HOSTILE_ID, PDF_2022, SEED_2021, SEED_2022

ID_2022 = "2022-06-10-safeguarding-report"
ID_2021 = "2021-06-15-safeguarding"


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def page(web_server: str, path: str, status: int = 200) -> str:
    code, headers, body = fetch(web_server + path)
    assert code == status, (path, code, body[:500])
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    return body.decode("utf-8")


def cli_json(web_index, *args: str) -> object:
    result = CliRunner().invoke(main, ["--index", str(web_index), *args])
    assert result.exit_code == 0, result.output
    return result.output


# --------------------------------------------------------------------------------------------
# Pages


def test_home_lists_the_reports_and_the_initiatives_most_mentioned(web_server):
    html = page(web_server, "/")
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td><a href=\"/reports/([^\"]+)\">([^<]*)</a>", html)
    assert rows[:2] == [
        ("2021-06-15", "Community Outcomes Meeting", ID_2021, "Safeguarding"),
        ("2022-06-10", "Police and Crime Panel", ID_2022, "Safeguarding Report"),
    ]
    assert 'action="/search"' in html
    assert '<a href="/initiatives/west-yorkshire-anti-slavery-partnership">West Yorkshire Anti-Slavery Partnership</a>' in html


def test_search_cites_each_hit_and_links_to_the_report_and_the_page_of_the_file(web_server):
    html = page(web_server, "/search?" + urlencode({"q": "stalking orders"}))
    assert "passage(s) match “stalking orders”" in html
    first = html.split('<li class="hit" id="hit-1">')[1].split("</li>")[0]
    assert f'href="/reports/{ID_2022}#p56"' in first
    assert "para 2.6.1 · Stalking and Harassment · p. 6" in first
    assert f'href="/files/{ID_2022}#page=6"' in first
    assert "<cite>Safeguarding Report, Police and Crime Panel, 2022-06-10, para 2.6.1, p. 6</cite>" in first
    assert "<mark>Stalking</mark>" in first


def test_search_facets_by_report_year_and_meeting_narrow_when_followed(web_server):
    html = page(web_server, "/search?q=modern+slavery")
    facet = {name: dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', block))
             for name, block in re.findall(r'<ul class="facet" data-facet="(\w+)">(.*?)</ul>', html, re.DOTALL)}
    assert set(facet) == {"report", "year", "meeting"}
    assert set(facet["year"].values()) == {"2021", "2022"}
    assert set(facet["meeting"].values()) == {"Community Outcomes Meeting", "Police and Crime Panel"}
    narrowed = next(link for link, name in facet["meeting"].items() if name == "Community Outcomes Meeting")
    assert "meeting=Community+Outcomes+Meeting" in narrowed
    after = page(web_server, narrowed.replace("&amp;", "&"))
    heads = re.findall(r'class="cite-head">.*?· ([^·<]+) · ([\d-]+)</div>', after)
    assert heads and all(head == ("Community Outcomes Meeting", "2021-06-15") for head in heads)
    by_year = next(link for link, name in facet["year"].items() if name == "2022")
    after = page(web_server, by_year.replace("&amp;", "&"))
    assert set(re.findall(r'class="cite-head">.*?· ([\d-]+)</div>', after)) == {"2022-06-10"}


def test_search_filters_kind_and_offers_a_spelling(web_server):
    html = page(web_server, "/search?" + urlencode({"q": "stalking", "kind": "measure"}))
    assert html.count('<li class="hit"') == 1
    assert "Increase use of <mark>Stalking</mark> Prevention Orders" in html
    html = page(web_server, "/search?q=stalkng")
    assert 'Did you mean: <a href="/search?q=stalking">stalking</a>?' in html


def test_a_malformed_query_is_the_form_again_with_the_reason(web_server):
    html = page(web_server, "/search?" + urlencode({"q": '"unclosed'}), status=400)
    assert "the query has an unmatched double quote" in html
    assert 'value="&#34;unclosed"' in html


def test_report_page_has_metadata_outline_passages_measures_and_initiatives(web_server):
    html = page(web_server, f"/reports/{ID_2022}")
    assert "<h1>Safeguarding Report</h1>" in html
    assert "<dd>Police and Crime Panel</dd>" in html and "<dd>10 June 2022</dd>" in html
    assert "Wendy Stevens" in html
    assert '<a href="#s' in html and "2.6 Stalking and Harassment" in html
    passage = html.split('id="p56">')[1].split("</div>")[0]
    assert '<span class="label">2.6.1</span>' in passage and "p. 6" in passage
    assert "Stalking Coordination Team" in passage
    assert "Reduce number of repeat victims of Domestic Abuse" in html
    assert "2019/20: 30,836" in html
    assert '<a href="/initiatives/smartwater">SmartWater</a>' in html


def test_unknown_report_and_initiative_are_404_pages(web_server):
    assert "no ingested report matches" in page(web_server, "/reports/no-such-report", status=404)
    assert "no initiative called" in page(web_server, "/initiatives/no-such-thing", status=404)
    assert "no page at /nowhere" in page(web_server, "/nowhere", status=404)


def test_initiative_page_charts_the_timeline_and_offers_the_brief(web_server):
    html = page(web_server, "/initiatives/wyasp")
    assert "<h1>West Yorkshire Anti-Slavery Partnership</h1>" in html
    chart = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    marks = re.findall(r'<a href="#report-([^"]+)" class="mark" data-status="([^"]+)">', chart)
    assert (ID_2021, "live") in marks and len(marks) == 3
    assert "undated" not in chart  # every report here has a date
    assert f'<section class="entry" id="report-{ID_2021}">' in html
    assert "Safeguarding, Community Outcomes Meeting, 15 June 2021, para 5, bullet 3, p. 2" in html
    code, headers, body = fetch(web_server + "/initiatives/wyasp/brief.html")
    assert code == 200 and "Progress brief: West Yorkshire Anti-Slavery Partnership" in body.decode()
    assert "script-src" not in headers["Content-Security-Policy"]
    code, headers, body = fetch(web_server + "/initiatives/wyasp/brief.md")
    assert code == 200 and headers["Content-Disposition"].startswith("attachment")
    assert body.decode().startswith("# Progress brief: West Yorkshire Anti-Slavery Partnership")


def test_measures_page_charts_every_series_and_gives_the_csv(web_server, web_index):
    html = page(web_server, "/measures")
    assert html.count('<figure class="series') == 6
    assert "<title>Reduce number of repeat victims of Domestic Abuse</title>" in html
    assert ">30,836</text>" in html
    code, headers, body = fetch(web_server + "/measures.csv?q=repeat+victims")
    assert code == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body.decode() == cli_json(web_index, "measures", "repeat victims", "--csv")


def test_compare_page_aligns_passages_and_marks_sentences(web_server):
    html = page(web_server, "/compare?" + urlencode({"a": "2021-06-15", "b": "2022-06-10", "topic": "WYASP"}))
    assert "Topic: West Yorkshire Anti-Slavery Partnership" in html
    assert "1 matched passage(s): 1 changed" in html
    assert "para 5, bullets 3-4 → paras 2.1 e) to 2.1 f) · similarity 0.45" in html
    assert "<ins>+ The West Yorkshire Anti-Slavery Partnership (WYASP) chaired by the Deputy Mayor" in html
    assert "<del>− Since June 2020, the coordination and delivery of the WYASP" in html
    form = page(web_server, "/compare")
    assert f'<option value="{ID_2021}">' in form


# --------------------------------------------------------------------------------------------
# The API: the command line's --json, byte for byte


@pytest.mark.parametrize(
    "path, args",
    [
        ("/api/search?q=stalking+orders&limit=3", ["search", "stalking orders", "--limit", "3", "--json"]),
        ("/api/search?" + urlencode({"q": "SPO", "from": "2022", "sort": "date", "facets": "1"}),
         ["search", "SPO", "--from", "2022", "--sort", "date", "--facets", "--json"]),
        ("/api/search?" + urlencode({"q": "modern slavery", "meeting": "Police and Crime Panel", "kind": "paragraph", "explain": "1"}),
         ["search", "modern slavery", "--meeting", "Police and Crime Panel", "--kind", "paragraph", "--explain", "--json"]),
        ("/api/search?" + urlencode({"q": "SmartWater", "initiative": "smartwater", "report": "2022-06-10", "exact": "1"}),
         ["search", "SmartWater", "--initiative", "smartwater", "--report", "2022-06-10", "--exact", "--json"]),
        ("/api/reports", ["reports", "--json"]),
        (f"/api/reports/{ID_2022}", ["show", ID_2022, "--json"]),
        ("/api/initiatives", ["initiatives", "--json"]),
        ("/api/initiatives/SmartWater", ["progress", "SmartWater", "--json"]),
        ("/api/measures?q=DVPO", ["measures", "DVPO", "--json"]),
        ("/api/compare?a=2021-06-15&b=2022-06-10&topic=WYASP", ["compare", "2021-06-15", "2022-06-10", "--topic", "WYASP", "--json"]),
    ],
)
def test_api_answers_exactly_what_json_prints(web_server, web_index, path, args):
    code, headers, body = fetch(web_server + path)
    assert code == 200, body[:300]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert body.decode("utf-8") == cli_json(web_index, *args)
    assert json.loads(body)  # and it is JSON with something in it


def test_api_errors_are_json_with_the_message(web_server):
    code, _, body = fetch(web_server + "/api/reports/nothing-like-it")
    assert code == 404
    assert json.loads(body) == {"error": "no ingested report matches 'nothing-like-it'. `report-index reports` lists them.", "status": 404}
    code, _, body = fetch(web_server + "/api/search?q=%28open")
    assert code == 400 and json.loads(body)["error"] == "the query has unbalanced parentheses"


# --------------------------------------------------------------------------------------------
# Safety


def test_every_page_carries_the_strict_policy_and_report_markup_is_text(web_server):
    code, headers, body = fetch(web_server + f"/reports/{HOSTILE_ID}")
    assert code == 200
    assert headers["Content-Security-Policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP and "default-src 'none'" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    html = body.decode()
    assert "<h1>Scripted &lt;script&gt;window.pwnedTitle = 1&lt;/script&gt; Report</h1>" in html
    assert "&lt;img src=x onerror=&#34;window.pwned = 2&#34;&gt;" in html
    assert "<script>window" not in html and "<img src=x" not in html
    # the only scripts are the bundled one, from this server
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
    search = page(web_server, "/search?" + urlencode({"q": "Hostile Markup Pilot"}))
    assert "<script>" not in search.replace('<script src="/static/app.js" defer></script>', "")
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in search


def test_nothing_is_loaded_from_elsewhere(web_server):
    for path in ("/", "/search?q=SPO", f"/reports/{ID_2022}", "/initiatives/smartwater", "/measures", "/compare?a=2021&b=2022"):
        html = page(web_server, path)
        assert not re.search(r'(src|href)="(https?:)?//', html), path
    code, headers, body = fetch(web_server + "/static/style.css")
    assert code == 200 and headers["Content-Type"] == "text/css; charset=utf-8" and b"font" in body


def test_files_are_served_by_report_id_only(web_server):
    code, headers, body = fetch(web_server + f"/files/{ID_2022}")
    assert code == 200 and headers["Content-Type"] == "application/pdf"
    assert body == PDF_2022.read_bytes()
    code, headers, body = fetch(web_server + f"/files/{quote(HOSTILE_ID)}")
    assert code == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "sandbox" in headers["Content-Security-Policy"]
    for path in ("/files/..%2F..%2Fetc%2Fpasswd", "/files/../../etc/passwd", "/files/%2Fetc%2Fpasswd", "/files/", "/files/nothing"):
        code, _, body = fetch(web_server + path)
        assert code == 404, path
        assert b"root:" not in body


def test_requests_are_bounded_and_read_only(web_server):
    code, headers, _ = fetch(web_server + "/search?q=x", method="POST", data=b"q=x")
    assert code in (405, 413)
    code, headers, _ = fetch(web_server + "/api/reports", method="DELETE")
    assert code == 405 and headers["Allow"] == "GET, HEAD"
    code, _, body = fetch(web_server + "/search?" + urlencode({"q": "word " * (MAX_QUERY_CHARS // 5 + 1)}))
    assert code == 400 and b"too long" in body
    code, _, _ = fetch(web_server + "/search?q=" + "a" * 5000)
    assert code == 414
    code, _, _ = fetch(web_server + "/search?q=x&limit=abc")
    assert code == 400
    code, _, body = fetch(web_server + "/search?" + "&".join(f"p{n}=1" for n in range(50)))
    assert code == 400 and b"too many parameters (at most 40)" in body
    code, _, body = fetch(web_server + "/api/search?q=stalking&limit=100000")
    assert code == 200 and len(json.loads(body)["hits"]) <= 100


# --------------------------------------------------------------------------------------------
# Serving


def test_a_new_commit_is_served_without_a_restart(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED_2022, folder / "panel-2022.txt")
    index_dir = tmp_path / "index"
    ingest([folder], index_dir)
    with running(index_dir) as address:
        titles = [r["date"] for r in json.loads(fetch(address + "/api/reports")[2])["reports"]]
        assert titles == ["2022-06-10"]
        shutil.copy(SEED_2021, folder / "outcomes-2021.txt")
        ingest([folder], index_dir)
        listed = json.loads(fetch(address + "/api/reports")[2])["reports"]
        assert [(r["date"], r["title"]) for r in listed] == [("2021-06-15", "Safeguarding"), ("2022-06-10", "Safeguarding Report")]
        assert "Community Outcomes Meeting" in fetch(address + "/search?q=WYASP")[2].decode()


def test_serve_says_what_is_wrong_in_one_line(tmp_path, web_index):
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "none"), "serve", "--port", "0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: no index at ") and "report-index ingest" in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--index", str(web_index), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == f"Error: port {port} on 127.0.0.1 is in use: stop what uses it or choose another with --port\n"


def test_only_a_loopback_address_is_served_without_a_warning():
    assert exposure_warning("127.0.0.1") is None and exposure_warning("::1") is None and exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning.startswith("Warning: serving on 0.0.0.0: every report in the index can be read by anyone")


@pytest.mark.slow
def test_load_script_has_no_errors_while_ingests_commit():
    """``scripts/load.py`` for a few seconds: 20 clients, at least one ingest committing under them."""
    import subprocess
    import sys

    from .conftest import ROOT

    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "load.py"), "--clients", "20", "--seconds", "8", "--ingest-every", "2.5"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"20 clients for \d+ s on http://127\.0\.0\.1:\d+: \d+ requests \(\d+/s\), 0 errors", lines[0]), lines
    assert re.fullmatch(r"latency p50 \d+ ms, p95 \d+ ms, max \d+ ms, mean \d+ ms", lines[1]), lines
    committed = re.fullmatch(r"(\d+) ingests committed during the run: reports 2 -> (\d+)", lines[2])
    assert committed and int(committed.group(1)) >= 1 and int(committed.group(2)) > 2, lines


def test_the_timeline_puts_undated_reports_apart_and_measures_ring_restated_figures(web_index):
    """The charts' two promises the corpus cannot show: an undated report in a band of its own,
    a restated figure ringed in red."""
    import dataclasses

    from report_index.api import Index
    from report_index.output.svg import RESTATED, series_svg, timeline_svg
    from report_index.series import MeasureSeries, SeriesPoint
    from report_index.timeline import Timeline

    found = Index(web_index).progress("WYASP")
    first = found.entries[0]
    undated = dataclasses.replace(first.report, date=None, id="undated-report")
    chart = timeline_svg(Timeline(found.initiative, (type(first)(undated, first.mentions, first.change), *found.entries[1:])))
    band = chart.split(">undated</text>", 1)
    assert len(band) == 2 and 'href="#report-undated-report"' in band[1]
    assert f'href="#report-{ID_2022}"' in band[0]
    series = MeasureSeries("Repeat victims", None, [
        SeriesPoint("2020/21", 40.0, "40", "a", "2021-06-15", restated=True),
        SeriesPoint("2020/21", 42.0, "42", "b", "2022-06-10", restated=True),
        SeriesPoint("2021/22", 120.0, "120", "b", "2022-06-10"),
    ])
    drawn = series_svg(series)
    assert drawn.count('<g class="point restated">') == 2 and drawn.count(f'stroke="{RESTATED}"') == 2
    assert ">120</text>" in drawn and "<title>2020/21: 40 (a) - restated</title>" in drawn
