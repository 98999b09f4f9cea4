"""The web app as a WSGI application: each route parses the request, makes one call to the
library (``report_index.api.Index``, the calls the command line makes) and renders the record it
gets, as an HTML page (Jinja templates, everything escaped) or as the JSON ``--json`` prints.

Read-only: GET and HEAD only, no request body, bounded query strings and queries. Every page is
sent with a strict Content-Security-Policy (scripts and styles from this server only, nothing
inline, nothing from elsewhere), and ``/files/<report id>`` serves only the file the index holds
for that report, never a path taken from the request.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from urllib.parse import parse_qs, quote, urlencode

from jinja2 import Environment, PackageLoader

from .. import api, output
from ..compare import citation_number
from ..errors import (
    IndexMissingError,
    QueryError,
    ReportIndexError,
    SourceMissingError,
    UnknownInitiativeError,
    UnknownReportError,
)
from ..output.brief import cite, long_date, mention_citation, progress_brief
from ..output.csv import measures_csv
from ..output.svg import STATUS_COLOURS, measures_svg, series_svg, timeline_svg

LOG = logging.getLogger("report_index.web")

#: The longest query string accepted (longer: 414), and the longest search query (longer: 400).
MAX_QUERY_STRING = 4096
MAX_QUERY_CHARS = 500
MAX_FIELDS = 40
#: The most hits a page or an API call shows.
MAX_LIMIT = 100
SEARCH_LIMIT = 20

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: Briefs are one self-contained page with their own style element and no script.
BRIEF_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
SAFE_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
]
STATIC_FILES = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "favicon.svg": "image/svg+xml"}
PASSAGE_KINDS = [("", "any passage"), ("paragraph", "paragraphs"), ("list_item", "list items"), ("measure", "performance measures"), ("table_row", "table rows")]

STATUS = {200: "200 OK", 400: "400 Bad Request", 404: "404 Not Found", 405: "405 Method Not Allowed",
          413: "413 Payload Too Large", 414: "414 URI Too Long", 500: "500 Internal Server Error",
          503: "503 Service Unavailable"}


class HTTPError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: list[tuple[str, str]]


def _status_of(error: ReportIndexError) -> int:
    if isinstance(error, (UnknownReportError, UnknownInitiativeError, SourceMissingError)):
        return 404
    if isinstance(error, QueryError):
        return 400
    if isinstance(error, IndexMissingError):
        return 503
    return 500


class Request:
    """A GET request's path and query parameters (the first value of each), bounded."""

    def __init__(self, environ: dict):
        self.method = environ.get("REQUEST_METHOD", "GET")
        raw_path = environ.get("PATH_INFO", "/") or "/"
        # WSGI gives the path as latin-1 decoded bytes; read them as the UTF-8 they are
        try:
            self.path = raw_path.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            raise HTTPError(400, "the address is not valid UTF-8") from None
        self.query_string = environ.get("QUERY_STRING", "")
        if len(self.query_string) > MAX_QUERY_STRING:
            raise HTTPError(414, f"the address is too long (at most {MAX_QUERY_STRING} characters of parameters)")
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > 0:
            raise HTTPError(413, "this server is read-only: requests carry no body")
        try:
            parsed = parse_qs(self.query_string, keep_blank_values=False, max_num_fields=MAX_FIELDS)
        except ValueError:
            raise HTTPError(400, f"too many parameters (at most {MAX_FIELDS})") from None
        self.params = {key: values[0].strip() for key, values in parsed.items() if values}

    def get(self, name: str, limit: int = 200) -> str | None:
        value = self.params.get(name) or None
        if value is not None and len(value) > limit:
            raise HTTPError(400, f"'{name}' is too long (at most {limit} characters)")
        return value

    def flag(self, name: str) -> bool:
        return (self.params.get(name) or "").lower() in ("1", "true", "yes", "on")

    def number(self, name: str, default: int, low: int, high: int) -> int:
        value = self.params.get(name)
        if not value:
            return default
        if not value.isdigit():
            raise HTTPError(400, f"'{name}' must be a whole number")
        return max(low, min(high, int(value)))


def _url_for_search(params: dict, **changes) -> str:
    merged = {key: value for key, value in {**params, **changes}.items() if value}
    return "/search?" + urlencode(merged)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("report_index.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["long_date"] = long_date
    env.filters["path"] = lambda value: quote(str(value), safe="")
    env.globals.update(search_url=_url_for_search, mention_citation=mention_citation, cite=cite, citation_number=citation_number, status_colours=STATUS_COLOURS, passage_kinds=PASSAGE_KINDS)
    return env


class App:
    """The WSGI application over the index at ``index_path`` (the default index when None)."""

    def __init__(self, index_path=None):
        self.index = api.Index(index_path)
        self.templates = _environment()
        self.routes: list[tuple[re.Pattern, Callable[..., Response]]] = [
            (re.compile(pattern), handler)
            for pattern, handler in [
                (r"/", self.home),
                (r"/search", self.search),
                (r"/reports", self.reports),
                (r"/reports/(?P<name>[^/]+)", self.report),
                (r"/files/(?P<name>[^/]+)", self.file),
                (r"/initiatives", self.initiatives),
                (r"/initiatives/(?P<name>[^/]+)", self.initiative),
                (r"/initiatives/(?P<name>[^/]+)/brief\.(?P<fmt>html|md)", self.brief),
                (r"/measures", self.measures),
                (r"/measures\.csv", self.measures_csv),
                (r"/measures\.svg", self.measures_svg),
                (r"/compare", self.compare),
                (r"/static/(?P<name>[a-z]+\.(?:css|js|svg))", self.static),
                (r"/api/search", self.api_search),
                (r"/api/reports", self.api_reports),
                (r"/api/reports/(?P<name>[^/]+)", self.api_report),
                (r"/api/initiatives", self.api_initiatives),
                (r"/api/initiatives/(?P<name>[^/]+)", self.api_initiative),
                (r"/api/measures", self.api_measures),
                (r"/api/compare", self.api_compare),
            ]
        ]

    # ---- WSGI

    def __call__(self, environ: dict, start_response):
        api_call = (environ.get("PATH_INFO") or "").startswith("/api/")
        try:
            request = Request(environ)
            if request.method not in ("GET", "HEAD"):
                raise HTTPError(405, "this server is read-only: only GET and HEAD are answered")
            response = self.dispatch(request)
        except HTTPError as exc:
            response = self.error(exc.status, exc.message, api_call)
        except ReportIndexError as exc:
            response = self.error(_status_of(exc), str(exc), api_call)
        except Exception:  # a bug: logged with its traceback, the page says so and no more
            LOG.exception("error while answering %s", environ.get("PATH_INFO"))
            response = self.error(500, "an unexpected error stopped this answer; the server's log has the details", api_call)
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body)))]
        headers += [("Cache-Control", "no-store")] + SAFE_HEADERS + response.headers
        if not any(name == "Content-Security-Policy" for name, _ in response.headers):
            headers.append(("Content-Security-Policy", CSP))
        if response.status == 405:
            headers.append(("Allow", "GET, HEAD"))
        start_response(STATUS[response.status], headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [response.body]

    def dispatch(self, request: Request) -> Response:
        for pattern, handler in self.routes:
            found = pattern.fullmatch(request.path)
            if found:
                return handler(request, **found.groupdict())
        raise HTTPError(404, f"no page at {request.path}")

    # ---- rendering

    def page(self, template: str, **context) -> Response:
        body = self.templates.get_template(template).render(**context).encode("utf-8")
        return Response(200, body, "text/html; charset=utf-8", [])

    def json(self, record, **options) -> Response:
        return Response(200, output.to_json(record, **options).encode("utf-8"), "application/json; charset=utf-8", [])

    def error(self, status: int, message: str, api_call: bool) -> Response:
        if api_call:
            response = self.json({"error": message, "status": status})
        else:
            response = self.page("error.html", status=status, message=message, title=STATUS[status][4:])
        response.status = status
        return response

    # ---- pages

    def home(self, request: Request) -> Response:
        return self.page("home.html", overview=self.index.overview(), title="Reports")

    def reports(self, request: Request) -> Response:
        return self.page("reports.html", reports=self.index.reports(), title="Reports")

    def _search_options(self, request: Request, default_limit: int) -> tuple[str, dict, dict]:
        query = request.get("q", MAX_QUERY_CHARS)
        params = {name: request.get(name) for name in ("from", "to", "report", "initiative", "meeting", "kind", "sort")}
        if params["sort"] not in (None, "relevance", "date"):
            raise HTTPError(400, "'sort' must be relevance or date")
        options = {
            "limit": request.number("limit", default_limit, 1, MAX_LIMIT), "date_from": params["from"], "date_to": params["to"],
            "report": params["report"], "initiative": params["initiative"], "meeting": params["meeting"],
            "kind": params["kind"], "sort": params["sort"] or "relevance", "expand": not request.flag("exact"),
        }
        return query or "", params, options

    def search(self, request: Request) -> Response:
        query, params, options = self._search_options(request, SEARCH_LIMIT)
        shown = {"q": query, **params, "exact": "1" if not options["expand"] else None}
        if not query:
            return self.page("search.html", results=None, params=shown, title="Search", error=None)
        try:
            results = self.index.search(query, facets=True, **options)
        except QueryError as exc:  # the form again, with what to change
            response = self.page("search.html", results=None, params=shown, title="Search", error=str(exc))
            response.status = 400
            return response
        api_query = urlencode({key: value for key, value in shown.items() if value})
        return self.page("search.html", results=results, params=shown, api_query=api_query, title=f"Search: {query}", error=None)

    def report(self, request: Request, name: str) -> Response:
        detail = self.index.report_detail(name)
        return self.page("report.html", detail=detail, report=detail.report, title=detail.report.title or detail.report.id)

    def file(self, request: Request, name: str) -> Response:
        path = self.index.source_file(name)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or path.suffix.lower() == ".md":
            kind = "text/plain; charset=utf-8"
        headers = [("Content-Disposition", f"inline; filename*=UTF-8''{quote(path.name)}")]
        # a text file is shown as text in a sandbox; a PDF by the browser's own viewer, which a
        # sandbox or default-src 'none' would stop
        policy = "frame-ancestors 'none'" if kind == "application/pdf" else "default-src 'none'; sandbox"
        headers.append(("Content-Security-Policy", policy))
        return Response(200, path.read_bytes(), kind, headers)

    def initiatives(self, request: Request) -> Response:
        return self.page("initiatives.html", found=self.index.initiatives(), title="Initiatives")

    def initiative(self, request: Request, name: str) -> Response:
        found = self.index.progress(name)
        chart = timeline_svg(found)
        return self.page("initiative.html", found=found, chart=chart, title=found.initiative.name)

    def brief(self, request: Request, name: str, fmt: str) -> Response:
        found = self.index.progress(name)
        rendered = progress_brief(found, "html" if fmt == "html" else "markdown", generated=date.today().isoformat())
        if fmt == "html":
            return Response(200, rendered.encode("utf-8"), "text/html; charset=utf-8", [("Content-Security-Policy", BRIEF_CSP)])
        filename = f"{found.initiative.id}-progress.md"
        return Response(200, rendered.encode("utf-8"), "text/markdown; charset=utf-8",
                        [("Content-Disposition", f'attachment; filename="{filename}"')])

    def measures(self, request: Request) -> Response:
        query = request.get("q", MAX_QUERY_CHARS)
        found = self.index.measures(query)
        charts = [series_svg(series) for series in found]
        return self.page("measures.html", found=found, charts=charts, query=query or "", title="Measures")

    def measures_csv(self, request: Request) -> Response:
        found = self.index.measures(request.get("q", MAX_QUERY_CHARS))
        return Response(200, measures_csv(found).encode("utf-8"), "text/csv; charset=utf-8",
                        [("Content-Disposition", 'attachment; filename="measures.csv"')])

    def measures_svg(self, request: Request) -> Response:
        found = self.index.measures(request.get("q", MAX_QUERY_CHARS))
        return Response(200, measures_svg(list(found)).encode("utf-8"), "image/svg+xml", [])

    def compare(self, request: Request) -> Response:
        a, b, topic = request.get("a"), request.get("b"), request.get("topic", MAX_QUERY_CHARS)
        if not (a and b):
            return self.page("compare_form.html", reports=self.index.reports(), a=a or "", b=b or "", topic=topic or "", title="Compare")
        found = self.index.compare(a, b, topic=topic)
        return self.page("compare.html", found=found, a=a, b=b, topic=topic or "", title="Compare")

    def static(self, request: Request, name: str) -> Response:
        if name not in STATIC_FILES:
            raise HTTPError(404, f"no page at {request.path}")
        body = resources.files("report_index.web").joinpath("static", name).read_bytes()
        return Response(200, body, STATIC_FILES[name], [])

    # ---- the API: the JSON of the command line's --json

    def api_search(self, request: Request) -> Response:
        query, _, options = self._search_options(request, 10)
        if not query:
            raise HTTPError(400, "give a query: /api/search?q=WORDS")
        results = self.index.search(query, facets=request.flag("facets"), **options)
        return self.json(results, explain=request.flag("explain"))

    def api_reports(self, request: Request) -> Response:
        return self.json(self.index.reports())

    def api_report(self, request: Request, name: str) -> Response:
        return self.json(self.index.report(name))

    def api_initiatives(self, request: Request) -> Response:
        return self.json(self.index.initiatives())

    def api_initiative(self, request: Request, name: str) -> Response:
        return self.json(self.index.progress(name))

    def api_measures(self, request: Request) -> Response:
        return self.json(self.index.measures(request.get("q", MAX_QUERY_CHARS)))

    def api_compare(self, request: Request) -> Response:
        a, b = request.get("a"), request.get("b")
        if not (a and b):
            raise HTTPError(400, "give two reports: /api/compare?a=REPORT&b=REPORT[&topic=T]")
        return self.json(self.index.compare(a, b, topic=request.get("topic", MAX_QUERY_CHARS)))
