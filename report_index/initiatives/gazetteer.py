"""The gazetteer: the initiatives these reports take for granted (``report_index/data/
initiatives.json``) and the user's own lists (JSON or CSV), and finding one of them by any name,
alias or acronym."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ..errors import ReportIndexError, UnknownInitiativeError
from ..models import Initiative
from ..text.clean import fold_quotes_in_place, squash
from ..text.slug import slug


_FIELDS = ("name", "id", "aliases", "description", "kind", "formerly", "generic")


def initiative_id(name: str) -> str:
    """An initiative's id: the slug of its name (``text.slug``)."""
    return slug(name)


@lru_cache(maxsize=8192)
def _slug(text: str) -> str:
    return initiative_id(text)


def is_acronym(alias: str) -> bool:
    """``SPO``, ``SPOs``, ``NMM2``, ``WYR&V``: matched case-sensitively."""
    core = alias[:-1] if len(alias) > 2 and alias.endswith("s") and alias[-2].isupper() else alias
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]+", core)) and sum(c.isupper() for c in core) >= 2


def is_plain_word(alias: str) -> bool:
    """A one-word name that is also an ordinary English word (``Prevent``): capital and mid-sentence only."""
    return bool(re.fullmatch(r"[A-Z][a-z]+", alias))


def _package_entries() -> list[dict[str, Any]]:
    text = resources.files("report_index").joinpath("data/initiatives.json").read_text(encoding="utf-8")
    return json.loads(text)


def _entry_to_initiative(entry: dict[str, Any], source: str, where: str) -> Initiative:
    """An Initiative from one gazetteer entry; ``where`` names the entry in error messages."""
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r} (fields are {', '.join(_FIELDS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not squash(name):
        raise ValueError(f"{where}: \"name\" is missing or empty")
    name = squash(name)
    lists: dict[str, list[str]] = {}
    for key in ("aliases", "formerly", "generic"):
        values = entry.get(key) or []
        if isinstance(values, str):
            values = values.split(";")
        if not isinstance(values, list) or not all(isinstance(a, str) for a in values):
            raise ValueError(f"{where} ({name}): \"{key}\" must be a list of strings or a ';'-separated string")
        lists[key] = values
    for key in ("description", "kind", "id"):
        if entry.get(key) is not None and not isinstance(entry.get(key), str):
            raise ValueError(f"{where} ({name}): \"{key}\" must be a string")
    ident = initiative_id(entry.get("id") or "") or initiative_id(name)
    if not ident:
        raise ValueError(f"{where} ({name}): the name gives no usable id (it has no letters or digits)")
    seen: set[str] = {name.lower()}
    clean: dict[str, list[str]] = {}
    for key, values in lists.items():
        clean[key] = []
        for alias in values:
            alias = squash(alias)
            if alias and alias.lower() not in seen:
                seen.add(alias.lower())
                clean[key].append(alias)
    return Initiative(
        id=ident,
        name=name,
        aliases=clean["aliases"],
        formerly=clean["formerly"],
        generic=clean["generic"],
        description=squash(entry.get("description") or ""),
        kind=squash(entry.get("kind") or "").lower(),
        source=source,
    )


def _read_user_file(path: Path) -> list[Initiative]:
    def fail(problem: str) -> ReportIndexError:
        return ReportIndexError(f"initiatives file {path}: {problem}")

    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise fail("unsupported file type (use a .json list of objects or a .csv with columns name,aliases,description,kind)")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("it is a folder, not a file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    if not text.strip():
        raise fail("the file is empty")
    entries: list[tuple[str, dict[str, Any]]] = []
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise fail(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        if isinstance(data, dict) and isinstance(data.get("initiatives"), list):
            data = data["initiatives"]
        if not isinstance(data, list):
            raise fail("expected a JSON list of objects, each with at least a \"name\"")
        for number, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise fail(f"entry {number} is not an object with a \"name\"")
            entries.append((f"entry {number}", item))
    else:
        try:
            reader = csv.DictReader(io.StringIO(text))
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "name" not in header:
                raise fail("the CSV has no \"name\" column (columns are name,aliases,description,kind)")
            unknown = [h for h in header if h and h not in _FIELDS]
            if unknown:
                raise fail(f"unknown column {unknown[0]!r} (columns are name,aliases,description,kind and optionally id)")
            for row in reader:
                if None in row:
                    raise fail(f"row {reader.line_num} has more cells than the header")
                values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                if not any(values.values()):
                    continue
                entries.append((f"row {reader.line_num}", {k: v for k, v in values.items() if v or k == "name"}))
        except csv.Error as exc:
            raise fail(f"not a valid CSV file: {exc}") from None
    if not entries:
        raise fail("it lists no initiatives")
    result: list[Initiative] = []
    ids: dict[str, str] = {}
    for where, entry in entries:
        try:
            initiative = _entry_to_initiative(entry, "user", where)
        except ValueError as exc:
            raise fail(str(exc)) from None
        if initiative.id in ids:
            raise fail(f"{where} ({initiative.name}) has the same id {initiative.id!r} as {ids[initiative.id]}")
        ids[initiative.id] = f"{where} ({initiative.name})"
        result.append(initiative)
    return result


def load_gazetteer(*extra: Path) -> list[Initiative]:
    """The curated gazetteer plus the user's own files, which override entries with the same id.

    A user file is a JSON list of objects with ``name`` (required), ``id``, ``aliases`` (a list, or
    one string separated by ``;``), ``description`` and ``kind``; or a CSV with columns
    ``name,aliases,description,kind`` (and optionally ``id``), aliases separated by ``;``. An entry
    without an id gets the slug of its name. A malformed file raises
    :class:`~report_index.errors.ReportIndexError` naming the file and the problem.
    """
    merged: dict[str, Initiative] = {}
    for number, entry in enumerate(_package_entries(), 1):
        initiative = _entry_to_initiative(entry, "gazetteer", f"gazetteer entry {number}")
        merged[initiative.id] = initiative
    for path in extra:
        for initiative in _read_user_file(Path(path)):
            merged[initiative.id] = initiative  # replaces in place, or appends
    return list(merged.values())


def _keys(text: str) -> list[str]:
    """Lookup keys of a name as typed: its slug, with and without a plural s and a leading 'the'."""
    slug = initiative_id(text)
    if slug.startswith("the-"):
        slug = slug[4:]
    keys = [slug]
    if slug.endswith("s") and len(slug) > 3:
        keys.append(slug[:-1])
    else:
        keys.append(slug + "s")
    return keys


def surfaces(initiative: Initiative) -> list[str]:
    """Every name an initiative goes by: its name, aliases, former names and generic descriptions."""
    return [initiative.name, *initiative.aliases, *initiative.formerly, *initiative.generic]


def surface_kinds(initiative: Initiative) -> list[tuple[str, str]]:
    """Each of ``surfaces`` with what a mention by it is ``via``: "name", "alias", "former name"
    or "description" (a generic description the gazetteer lists: "forensic marking")."""
    return (
        [(initiative.name, "name")]
        + [(a, "alias") for a in initiative.aliases]
        + [(a, "former name") for a in initiative.formerly]
        + [(a, "description") for a in initiative.generic]
    )


def resolve(name: str, initiatives: list[Initiative]) -> Initiative | None:
    """The initiative ``name`` means, by id, name, alias or acronym.

    Case does not matter, curly and straight apostrophes are the same (``Clare’s Law``), and a
    plural or singular form finds the other (``SPOs``, ``Stalking Prevention Order``).
    """
    if not name or not squash(name):
        return None
    for key in _keys(name):  # the name as typed first, then its plural or singular
        for initiative in initiatives:
            if key == initiative.id or key in {_slug(s) for s in surfaces(initiative)}:
                return initiative
    return None


def suggest(name: str, initiatives: list[Initiative], n: int = 5) -> list[str]:
    """Canonical names close to an unknown ``name`` (difflib), best first."""
    query = squash(fold_quotes_in_place(name)).lower()
    if not query:
        return []
    surface_to_name: dict[str, str] = {}
    for initiative in initiatives:
        for surface in (*surfaces(initiative), initiative.id):
            surface_to_name.setdefault(fold_quotes_in_place(surface).lower(), initiative.name)
    ranked: list[str] = []
    # names that contain every word of the query first ("stalking" -> Stalking Protection Orders)
    words = re.findall(r"[a-z0-9]+", query)
    for surface, canonical in surface_to_name.items():
        if words and all(re.search(rf"\b{re.escape(w)}", surface) for w in words) and canonical not in ranked:
            ranked.append(canonical)
    for surface in difflib.get_close_matches(query, list(surface_to_name), n=n * 3, cutoff=0.6):
        canonical = surface_to_name[surface]
        if canonical not in ranked:
            ranked.append(canonical)
    return ranked[:n]


def known_initiatives(files: Iterable[Path], discovered: Iterable[Initiative]) -> list[Initiative]:
    """The curated gazetteer, the user's lists (``files``) and the initiatives ingest discovered."""
    found = {item.id: item for item in load_gazetteer(*files)}
    for item in discovered:
        if item.id not in found:
            found[item.id] = replace(item, aliases=list(item.aliases))
            continue
        known = found[item.id]
        # an acronym or short form defined only in a later report still resolves
        known.aliases.extend(a for a in item.aliases if a not in known.aliases and a != known.name)
    return list(found.values())


def find_initiative(name: str, initiatives: list[Initiative]) -> Initiative:
    """The initiative ``name`` means (any alias or acronym, any case); an error with suggestions if none."""
    found = resolve(name, initiatives)
    if found is not None:
        return found
    close = suggest(name, initiatives)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownInitiativeError(f"no initiative called '{name}' is known.{hint} `report-index initiatives` lists them.")
