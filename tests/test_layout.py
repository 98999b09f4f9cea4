"""The package keeps its layering: read from every module's source with ``ast``, every import
(at module level or inside a function) goes down the stages, never up, and never round a cycle;
each heavy library is imported by the one stage that owns it.

Layers, lowest first (a module may import its own layer's modules and lower layers' only)::

    0  text, errors, models           shared records and text helpers
    1  sources                        reading files
    2  structure                      a RawDocument into a Report
    3  measures                       performance tables
    4  initiatives                    spaCy rules
    5  pipeline, trace, synthetic     one file into a Report; synthetic test reports
    6  index                          Whoosh
    7  ingest                         bringing an index up to date
    8  search, timeline, compare, series, evaluation
    9  api
    10 output                         briefs, plots and charts
    11 web                            the web app (waitress, Jinja)
    12 cli, __main__                  the command (click)

A module that does not exist (yet) is simply not checked; a module that is not in the table
fails the test until it is given a layer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = "report_index"
SOURCE = ROOT / PACKAGE

LAYERS = {
    "text": 0, "errors": 0, "models": 0,
    "sources": 1,
    "structure": 2,
    "measures": 3,
    "initiatives": 4,
    "pipeline": 5, "trace": 5, "synthetic": 5,
    "index": 6,
    "ingest": 7,
    "search": 8, "timeline": 8, "compare": 8, "series": 8, "evaluation": 8, "fidelity": 8,
    "api": 9,
    "output": 10,
    "web": 11,
    "cli": 12, "__main__": 12,
}

#: Third-party libraries and where they may be imported: module names, a name ending in "."
#: stands for a subpackage and everything in it.
OWNERS = {
    "whoosh": ("report_index.index.",),
    "spacy": ("report_index.initiatives.",),
    "pdfplumber": ("report_index.sources.",),
    "pypdfium2": ("report_index.sources.",),
    "pdfminer": ("report_index.sources.",),
    "matplotlib": ("report_index.output.plot",),
    "click": ("report_index.cli",),
    "waitress": ("report_index.web.",),
    "jinja2": ("report_index.web.",),
    "reportlab": ("report_index.synthetic",),  # a test dependency: imported inside functions only
}


@dataclass(frozen=True)
class Import:
    importer: str  # the module whose source holds the import
    target: str  # a module of the package, or a top-level third-party name
    line: int
    code: str  # the import as written
    in_function: bool  # run when a function is called, not when the module is imported

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}): {self.code}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _resolve(importer: str, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``importer``."""
    if not level:
        return name or ""
    base = importer.split(".")
    if not _is_package(importer):
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(module: str) -> list[Import]:
    """Every import in the module's source, anywhere in it: the package modules it names (a
    ``from X import y`` names X, and X.y too when that is a module) and the third-party
    libraries (by top-level name)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    in_functions = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for inner in ast.walk(node)
    }
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node.level, node.module)
            targets = [base]
            targets += [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
        else:
            continue
        code = ast.unparse(node)
        for target in targets:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                assert target in MODULES, f"{module} (line {node.lineno}) imports {target}, which does not exist: {code}"
            else:
                target = target.split(".")[0]
            found.append(Import(module, target, node.lineno, code, id(node) in in_functions))
    return found


IMPORTS = [imp for module in MODULES for imp in imports_of(module)]


def internal(imp: Import) -> bool:
    return imp.target.startswith(PACKAGE + ".")


def layer_of(module: str) -> int | None:
    """The layer of a package module (by its first name under the package); None for the
    package's own ``__init__``."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    return LAYERS[parts[1]]


# --------------------------------------------------------------------------------------------


def test_every_module_has_a_layer() -> None:
    unknown = sorted({m.split(".")[1] for m in MODULES if "." in m} - set(LAYERS))
    assert unknown == [], f"give these modules a layer in tests/test_layout.py: {unknown}"
    # the modules the table expects do exist, or it says which are to come
    assert {"text", "sources", "pipeline", "index", "ingest", "search", "output", "cli"} <= {
        m.split(".")[1] for m in MODULES if "." in m
    }


def test_the_imports_are_found() -> None:
    """The reader of imports sees relative, absolute, function-level and ``from . import``
    imports (a guard against a check that passes because it sees nothing)."""
    edges = {(imp.importer, imp.target) for imp in IMPORTS}
    assert ("report_index.pipeline", "report_index.sources") in edges  # from .sources import read_document
    assert ("report_index.__main__", "report_index.cli") in edges
    assert ("report_index.sources", "report_index.sources.pdf") in edges  # inside read_document
    assert ("report_index.pipeline", "report_index.initiatives.recognition") in edges  # inside Annotator
    assert ("report_index.index.schema", "whoosh") in edges
    nested = {(imp.importer, imp.target) for imp in IMPORTS if imp.in_function}
    assert ("report_index.sources", "report_index.sources.pdf") in nested
    assert ("report_index.pipeline", "report_index.sources") not in nested
    assert len({imp.importer for imp in IMPORTS if internal(imp)}) >= 30


def _graph() -> dict[str, set[str]]:
    """Which package modules importing each module runs: what it imports, and the packages
    those are in (importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first), but not
    itself or its own packages, which are being imported already."""
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for imp in IMPORTS:
        if not internal(imp):
            continue
        own = {".".join(imp.importer.split(".")[:n]) for n in range(1, imp.importer.count(".") + 2)}
        parts = imp.target.split(".")
        for n in range(2, len(parts) + 1):
            target = ".".join(parts[:n])
            if target not in own:
                graph[imp.importer].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles = []
    for group in groups:  # the shortest path round the group, from its first member back to it
        members, start = set(group), group[0]
        came_from: dict[str, str] = {}
        frontier = [start]
        while frontier and start not in came_from:
            following = []
            for node in frontier:
                for nxt in sorted(graph[node] & members):
                    if nxt not in came_from:
                        came_from[nxt] = node
                        following.append(nxt)
            frontier = following
        path = [start]
        while path[-1] != start or len(path) == 1:
            path.append(came_from[path[-1]])
        cycles.append(path[::-1])
    return cycles


def test_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    cycles = _cycles(_graph())
    described = []
    for cycle in cycles:
        steps = []
        for a, b in zip(cycle, cycle[1:]):
            via = next(
                (str(imp) for imp in IMPORTS if imp.importer == a and (imp.target == b or imp.target.startswith(b + "."))),
                f"{a} -> {b}",
            )
            steps.append(via)
        described.append(" -> ".join(cycle) + "\n      " + "\n      ".join(steps))
    assert cycles == [], "import cycles:\n  " + "\n  ".join(described)


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_is_imported_by_its_stage_only(library: str) -> None:
    allowed = OWNERS[library]
    outside = [
        str(imp)
        for imp in IMPORTS
        if imp.target == library
        and not any(imp.importer == owner or (owner.endswith(".") and imp.importer.startswith(owner)) for owner in allowed)
    ]
    assert outside == [], f"{library} may be imported only in {', '.join(allowed)}:\n  " + "\n  ".join(outside)


def test_test_dependencies_are_imported_only_inside_functions() -> None:
    """reportlab is installed for the tests only: importing ``synthetic`` must not need it."""
    assert [str(imp) for imp in IMPORTS if imp.target == "reportlab" and not imp.in_function] == []


def test_output_does_not_import_click() -> None:
    assert [str(imp) for imp in IMPORTS if imp.importer.startswith("report_index.output") and imp.target == "click"] == []


def test_imports_go_down_the_layers() -> None:
    upward = [
        f"{imp}  [layer {layer_of(imp.importer)} imports layer {layer_of(imp.target)}]"
        for imp in IMPORTS
        if internal(imp) and layer_of(imp.importer) is not None and layer_of(imp.target) > layer_of(imp.importer)
    ]
    assert upward == [], "imports of a higher layer:\n  " + "\n  ".join(upward)


def test_the_package_init_imports_nothing_of_its_own() -> None:
    """``report_index/__init__`` runs before every module: it must stay free of imports."""
    assert [str(imp) for imp in IMPORTS if imp.importer == PACKAGE and internal(imp)] == []
