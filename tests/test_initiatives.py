"""Initiatives: the gazetteer, recognition and discovery, mentions with status and figures, change."""

from __future__ import annotations

import json
import re

import pytest

from report_index.errors import ReportIndexError
from report_index.pipeline import extract_report
from report_index.initiatives.figures import describe_change, find_figures, find_status
from report_index.initiatives.gazetteer import initiative_id, load_gazetteer, resolve, suggest
from report_index.initiatives.recognition import ANNOTATOR_VERSION, Recogniser, gazetteer_fingerprint
from report_index.models import Initiative, Mention, Paragraph, Report

from .conftest import FIXTURES, GOLD, PDF_2021, PDF_2022, SEED_2021, SEED_2022

SYNTHETIC = sorted((FIXTURES / "synthetic").glob("*.txt"))

#: Gold initiatives deliberately left out of the gazetteer: discovery has to find them.
NOT_IN_GAZETTEER = [
    "Stalking Coordination Team",
    "Stalking Screening Tool",
    "West Yorkshire Safeguarding Communications Group",
    "Domestic and Sexual Abuse Board",
    "National Enforcement Powers Guide",
    "Transparency in Supply Chains Statement",
    "16 Days of Action Against Domestic Abuse",
    "Domestic Abuse Matters",
]
#: Phrases that must never be discovered as initiatives: the force, the panel, bodies, people.
GENERIC = [
    "the Force",
    "Force",
    "Panel",
    "Police and Crime Panel",
    "Police and Crime Plan",
    "West Yorkshire Police",
    "Home Office",
    "HMICFRS",
    "College of Policing",
    "West Yorkshire Combined Authority",
    "Suzy Lamplugh Trust",
    "Hope for Justice",
    "Karma Nirvana",
    "Medaille Trust",
    "Dame Sara Thornton",
    "Rebecca Hurlock",
    "Alison Lowe",
    "Wendy Stevens",
    "Jane Monckton-Smith",
    "Local Safeguarding Partnerships",
    "Safeguarding Team",
    "Deputy Mayor for Policing and Crime",
    "Independent Anti-Slavery Commissioner",
]


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def gazetteer() -> list[Initiative]:
    return load_gazetteer()


@pytest.fixture(scope="module")
def recogniser(gazetteer) -> Recogniser:
    return Recogniser(gazetteer)


@pytest.fixture(scope="module")
def seeds() -> dict[str, Report]:
    reports = {}
    for path in (PDF_2021, PDF_2022):
        report = extract_report(path, path.read_bytes())
        reports[report.date] = report
    assert sorted(reports) == ["2021-06-15", "2022-06-10"]
    return reports


@pytest.fixture(scope="module")
def annotated(recogniser, seeds) -> dict[str, tuple[list[Mention], list[Initiative]]]:
    return {date: recogniser.annotate(report) for date, report in seeds.items()}


@pytest.fixture(scope="module")
def synthetic(recogniser) -> list[tuple[Report, list[Mention]]]:
    result = []
    for path in SYNTHETIC:
        report = extract_report(path, path.read_bytes())
        result.append((report, recogniser.annotate(report)[0]))
    assert [r.date for r, _ in result] == ["2022-06-09", "2023-06-08", "2024-06-13"]
    return result


def everything(gazetteer, annotated) -> list[Initiative]:
    """The gazetteer plus every initiative discovered in the seeds."""
    return gazetteer + [i for _, discovered in annotated.values() for i in discovered]


def of(mentions: list[Mention], initiative: str) -> list[Mention]:
    return [m for m in mentions if m.initiative == initiative]


def make_report(*texts: str, heading: str = "INFORMATION") -> Report:
    paragraphs = [
        Paragraph(ordinal=i, kind="paragraph", text=t, section=f"2.{i + 1}", heading_path=[heading], pages=[1])
        for i, t in enumerate(texts)
    ]
    return Report(id="test", source="test.txt", sha256="0", date="2024-01-01", paragraphs=paragraphs)


def figures_of(mention: Mention) -> list[tuple]:
    return [(f.value, f.unit, f.counts, f.of) for f in mention.figures]


# --------------------------------------------------------------------------------------------
# The gazetteer


def test_gazetteer_has_the_required_entries(gazetteer):
    ids = {i.id for i in gazetteer}
    for name, alias in [
        ("SmartWater", None),
        ("TecSOS", None),
        ("Operation Encompass", None),
        ("Clare's Law", "DVDS"),
        ("Stalking Protection Orders", "SPO"),
        ("Domestic Violence Protection Orders", "DVPO"),
        ("Domestic Violence Protection Notices", "DVPN"),
        ("Domestic Abuse Protection Orders", "DAPO"),
        ("Multi-Agency Safeguarding Hub", "MASH"),
        ("#LookCloser", None),
        ("West Yorkshire Anti-Slavery Partnership", "WYASP"),
        ("Niche Missing Module 2", "NMM2"),
        ("Forced Marriage Protection Orders", "FMPO"),
        ("Female Genital Mutilation Protection Orders", "FGMPO"),
        ("Multi-Agency Risk Assessment Conference", "MARAC"),
        ("Public Protection Notice", "PPN"),
        ("Prevent", None),
        ("Violence Reduction Unit", "VRU"),
        ("National Referral Mechanism", "NRM"),
        ("Independent Domestic Violence Advisors", "IDVA"),
        ("Independent Sexual Violence Advisors", "ISVA"),
    ]:
        entry = resolve(name, gazetteer)
        assert entry is not None, name
        assert entry.id == initiative_id(name) and entry.id in ids
        assert entry.source == "gazetteer" and entry.description and entry.kind
        if alias:
            assert alias in entry.aliases
            assert resolve(alias, gazetteer) is entry
    assert resolve("Domestic Abuse Prevention Orders", gazetteer).id == "domestic-abuse-protection-orders"
    assert "SmartWater" in [i.name for i in gazetteer]
    assert "forensic marking" in resolve("SmartWater", gazetteer).description.lower()


def test_left_out_gold_initiatives_are_not_in_the_gazetteer(gazetteer):
    for name in NOT_IN_GAZETTEER:
        assert resolve(name, gazetteer) is None, name


def test_ids_are_stable_slugs():
    assert initiative_id("Stalking Protection Orders") == "stalking-protection-orders"
    assert initiative_id("#LookCloser") == "lookcloser"
    assert initiative_id("Clare’s Law") == initiative_id("Clare's Law") == "clares-law"
    assert initiative_id("Modern Slavery & Organised Immigration Crime Unit") == (
        "modern-slavery-and-organised-immigration-crime-unit"
    )


@pytest.mark.parametrize(
    "alias, name",
    [
        ("SPO", "Stalking Protection Orders"),
        ("SPOs", "Stalking Protection Orders"),
        ("Stalking Prevention Orders", "Stalking Protection Orders"),
        ("stalking prevention order", "Stalking Protection Orders"),
        ("DAPO", "Domestic Abuse Protection Orders"),
        ("Domestic Abuse Prevention Orders", "Domestic Abuse Protection Orders"),
        ("WYASP", "West Yorkshire Anti-Slavery Partnership"),
        ("NMM2", "Niche Missing Module 2"),
        ("Domestic Violence Disclosure Scheme", "Clare's Law"),
        ("Clare’s Law", "Clare's Law"),
        ("clare's law", "Clare's Law"),
        ("DVPOs", "Domestic Violence Protection Orders"),
        ("lookcloser", "#LookCloser"),
        ("operation-encompass", "Operation Encompass"),
    ],
)
def test_gold_aliases_resolve(gazetteer, alias, name):
    found = resolve(alias, gazetteer)
    assert found is not None and found.name == name


def test_gold_aliases_from_the_gold_file_resolve(gazetteer, annotated):
    known = everything(gazetteer, annotated)
    for gold in GOLD["initiatives"]:
        target = resolve(gold["name"], known)
        assert target is not None, gold["name"]
        for alias in gold.get("aliases", []):
            assert resolve(alias, known) is target, alias


def test_resolve_unknown_and_suggest(gazetteer):
    assert resolve("Operation Nonesuch", gazetteer) is None
    assert resolve("", gazetteer) is None
    assert suggest("Smart Watter", gazetteer)[0] == "SmartWater"
    assert suggest("operation encompas", gazetteer)[0] == "Operation Encompass"
    assert "Stalking Protection Orders" in suggest("stalking", gazetteer)
    assert suggest("zzzz", gazetteer) == []
    assert len(suggest("order", gazetteer, n=2)) == 2


def test_fingerprint_is_stable_and_changes_with_the_gazetteer(gazetteer):
    first = gazetteer_fingerprint(gazetteer)
    assert first == gazetteer_fingerprint(load_gazetteer())
    assert first == gazetteer_fingerprint(list(reversed(gazetteer)))
    changed = [Initiative(**{**i.__dict__, "aliases": [*i.aliases, "SW"]}) if i.id == "smartwater" else i for i in gazetteer]
    assert gazetteer_fingerprint(changed) != first
    assert ANNOTATOR_VERSION


# --------------------------------------------------------------------------------------------
# User gazetteer files


def test_user_json_file_adds_and_overrides(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            [
                {"name": "Right Care Right Person", "aliases": ["RCRP"], "description": "Mental health calls", "kind": "scheme"},
                {"name": "SmartWater", "description": "Our own description"},
            ]
        ),
        encoding="utf-8",
    )
    initiatives = load_gazetteer(path)
    added = resolve("RCRP", initiatives)
    assert added is not None and added.id == "right-care-right-person" and added.source == "user"
    smartwater = resolve("SmartWater", initiatives)
    assert smartwater.source == "user" and smartwater.description == "Our own description"
    assert [i.id for i in initiatives].count("smartwater") == 1
    assert len(initiatives) == len(load_gazetteer()) + 1

    mentions, discovered = Recogniser(initiatives).annotate(
        make_report("The force began the RCRP work in May. Right Care Right Person is now live in Leeds.")
    )
    assert [(m.initiative, m.via, m.status) for m in mentions] == [
        ("right-care-right-person", "acronym", None),
        ("right-care-right-person", "name", "live"),
    ]
    assert mentions[0].matched == "RCRP"
    assert discovered == []


def test_user_csv_file_adds_an_initiative(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "name,aliases,description,kind\n"
        "Street Safe,StreetSafe;Street Safe reporting tool,Reporting unsafe places,tool\n"
        "\n"
        "Op Sentinel,Operation Sentinel,,operation\n",
        encoding="utf-8",
    )
    initiatives = load_gazetteer(path)
    street = resolve("street safe reporting tool", initiatives)
    assert street is not None and street.id == "street-safe" and street.kind == "tool" and street.source == "user"
    assert street.aliases == ["StreetSafe", "Street Safe reporting tool"]
    mentions, _ = Recogniser(initiatives).annotate(
        make_report("Operation Sentinel was expanded to all five districts.", "Reports through streetsafe rose to 300 reports.")
    )
    # 300 reports through the tool: it is in use
    assert [(m.initiative, m.status) for m in mentions] == [("op-sentinel", "expanded"), ("street-safe", "live")]
    assert figures_of(mentions[0]) == [(5.0, "", "districts", 5.0)]
    assert figures_of(mentions[1]) == [(300.0, "", "reports", None)]


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("bad.json", '[{"name": "A"},', "not valid JSON"),
        ("obj.json", '{"name": "A"}', "expected a JSON list"),
        ("noname.json", '[{"aliases": ["X"]}]', '"name" is missing'),
        ("blank.json", '[{"name": "  "}]', '"name" is missing'),
        ("aliases.json", '[{"name": "A", "aliases": 3}]', '"aliases" must be'),
        ("typo.json", '[{"name": "A", "alias": ["X"]}]', "unknown field 'alias'"),
        ("dupe.json", '[{"name": "A B"}, {"name": "a-b"}]', "same id"),
        ("notobj.json", '["A"]', "entry 1 is not an object"),
        ("empty.json", "", "empty"),
        ("none.json", "[]", "lists no initiatives"),
        ("cols.csv", "title,aliases\nA,B\n", 'no "name" column'),
        ("extra.csv", "name,notes\nA,B\n", "unknown column 'notes'"),
        ("row.csv", "name,aliases\nA,B\n,C\n", "row 3"),
        ("list.txt", "SmartWater\n", "unsupported file type"),
    ],
)
def test_malformed_user_files_name_the_file_and_the_problem(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReportIndexError) as caught:
        load_gazetteer(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_missing_or_undecodable_user_file(tmp_path):
    with pytest.raises(ReportIndexError, match="no such file"):
        load_gazetteer(tmp_path / "absent.json")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nClare\x92s Law\n".encode("latin-1"))
    with pytest.raises(ReportIndexError, match=r"latin\.csv: not UTF-8"):
        load_gazetteer(latin)


# --------------------------------------------------------------------------------------------
# The seeds: gold initiatives, discovery, progress


def test_every_gold_initiative_is_found_in_exactly_its_reports(gazetteer, annotated):
    known = everything(gazetteer, annotated)
    wrong = {}
    for gold in GOLD["initiatives"]:
        target = resolve(gold["name"], known)
        found = sorted(
            date for date, (mentions, _) in annotated.items() if target and any(m.initiative == target.id for m in mentions)
        )
        if found != sorted(gold["reports"]):
            wrong[gold["name"]] = found
    recall = 1 - len(wrong) / len(GOLD["initiatives"])
    assert recall >= 0.9, wrong
    assert wrong == {}  # the aim: all of them


def test_discovered_initiatives_have_the_same_id_in_every_report(annotated):
    by_date = {date: {i.name: i.id for i in discovered} for date, (_, discovered) in annotated.items()}
    name = "West Yorkshire Safeguarding Communications Group"
    assert by_date["2021-06-15"][name] == by_date["2022-06-10"][name] == initiative_id(name)


def test_discovery_finds_real_initiatives_and_nothing_generic(gazetteer, annotated):
    discovered = {i.name: i for _, found in annotated.values() for i in found}
    for initiative in discovered.values():
        assert initiative.source == "discovered"
        assert initiative.id == initiative_id(initiative.name)
        assert resolve(initiative.name, gazetteer) is None, initiative.name
    real = [name for name in NOT_IN_GAZETTEER if name in discovered]
    assert len(real) >= 5, real
    assert real == NOT_IN_GAZETTEER
    for name in ["Safeguarding Central Governance Unit", "National Anti-Slavery Network", "Non-Recent CSEA Team"]:
        assert name in discovered
    assert "Before you see red, talk to someone instead" in discovered  # a quoted campaign title
    names = [n.lower() for n in discovered]
    ids = {i.id for i in discovered.values()}
    for phrase in GENERIC:
        assert initiative_id(phrase) not in ids, phrase
        assert phrase.lower() not in names, phrase
    for person_or_body in ["Sara Thornton", "Rebecca Hurlock", "Home Office", "West Yorkshire Police", "Trust"]:
        assert not any(re.search(rf"\b{person_or_body.lower()}\b", n) for n in names), person_or_body


def test_discovered_acronyms_resolve_later_uses(annotated):
    mentions, discovered = annotated["2022-06-10"]
    scgu = next(i for i in discovered if i.name == "Safeguarding Central Governance Unit")
    assert "SCGU" in scgu.aliases
    sections = [m.section for m in mentions if m.initiative == scgu.id and m.via == "acronym"]
    assert {"2.5.4", "2.6.1", "2.6.3", "2.7.3", "2.8.1"} <= set(sections)
    # "WYP Safeguarding Central Governance Unit" is the same unit, not another discovery
    assert "WYP Safeguarding Central Governance Unit" in scgu.aliases
    wyrv = next(i for i in discovered if "WYR&V" in i.aliases)
    assert wyrv.name == "West Yorkshire Children's Risk and Vulnerability Group"
    assert [m.via for m in of(mentions, wyrv.id) if m.section == "2.1 k)"] == ["acronym", "follow-up"]
    nasn = next(i for i in discovered if i.name == "National Anti-Slavery Network")
    assert [m.section for m in of(mentions, nasn.id)] == ["2.1 g)", "2.1 i)", "2.1 l)"]


@pytest.mark.parametrize("progress", GOLD["progress"], ids=lambda p: p["initiative"])
def test_gold_progress(gazetteer, annotated, progress):
    target = resolve(progress["initiative"], everything(gazetteer, annotated))
    assert target is not None
    for date in progress.get("mentioned_in", []):
        assert of(annotated[date][0], target.id), date
    for date in progress.get("not_mentioned_in", []):
        assert not of(annotated[date][0], target.id), date
    sentences = [m.sentence for date in progress["mentioned_in"] for m in of(annotated[date][0], target.id)]
    for phrase in progress.get("must_contain", []):
        assert any(phrase in s for s in sentences), phrase
    if "status" in progress:
        statuses = [m.status for date in progress["mentioned_in"] for m in of(annotated[date][0], target.id)]
        assert progress["status"] in statuses


def test_smartwater_in_2022(annotated):
    mentions = of(annotated["2022-06-10"][0], "smartwater")
    assert [(m.section, m.via) for m in mentions] == [("2.5.6", "name"), ("2.5.7", "follow-up")]
    named, follow = mentions
    assert named.status == "live"
    assert named.matched == "SmartWater"
    assert "live across four of the five Districts" in named.sentence
    assert figures_of(named) == [(4.0, "", "Districts", 5.0)]
    assert named.figures[0].text == "four of the five Districts"
    assert named.pages == [6]
    assert follow.matched == "the initiative"
    # the figures' sentences are all quoted, "Over 100 victims" among them (not only the next one)
    assert follow.sentence.startswith("Over 100 victims have now been protected in West Yorkshire. 83% of these report the initiative")
    assert all(f.text in follow.sentence for f in follow.figures)
    assert (100.0, "", "victims", None) in figures_of(follow)
    assert (83.0, "%", "", None) in figures_of(follow)
    assert (7.0, "", "Forces", None) in figures_of(follow)
    assert all(f.value != 2022 for f in follow.figures)  # "(May 2022)" is a date
    assert not of(annotated["2021-06-15"][0], "smartwater")


def test_stalking_protection_orders(annotated, seeds):
    mentions = of(annotated["2022-06-10"][0], "stalking-protection-orders")
    report = seeds["2022-06-10"]
    kinds = {m.section: report.paragraphs[m.paragraph].kind for m in mentions}
    assert kinds == {"1.4": "measure", "2.6.1": "paragraph"}
    measure = [m for m in mentions if m.section == "1.4"]
    assert [(m.matched, m.via) for m in measure] == [("Stalking Prevention Orders", "alias"), ("SPOs", "acronym")]
    comment = measure[1]
    assert "All four SPOs obtained by the Force are currently live" in comment.sentence
    assert comment.status == "live"
    assert figures_of(comment) == [(4.0, "", "SPOs", 4.0)]
    assert figures_of(measure[0]) == []  # "2019/20: 0; 2020/21: 3" are a table's periods, not figures
    para = next(m for m in mentions if m.section == "2.6.1")
    assert para.matched == "Stalking Protection Orders" and para.via == "name"


def test_wyasp_across_the_years(annotated):
    early = of(annotated["2021-06-15"][0], "west-yorkshire-anti-slavery-partnership")
    late = of(annotated["2022-06-10"][0], "west-yorkshire-anti-slavery-partnership")
    assert "strategic meeting framework" in early[0].sentence and early[0].via == "name"
    assert {m.via for m in early[1:]} == {"acronym", "follow-up"}
    # the sentence after the one naming it, in its passage: "All five West Yorkshire districts are represented"
    beside = [m for m in early if m.via == "follow-up"]
    assert [(m.matched, [f.text for f in m.figures]) for m in beside] == [("West Yorkshire Anti-Slavery Partnership", ["All five West Yorkshire districts"])]
    assert "met in December 2021 and March 2022" in late[0].sentence
    assert [m.section for m in late] == ["2.1 e)", "2.1 f)", "2.1 l)"]
    assert "live" in [m.status for m in early]  # "has continued to meet quarterly"
    assert all(f.value not in (2021, 2022) for m in late for f in m.figures)


def test_operation_encompass_and_other_gazetteer_mentions_in_2022(annotated):
    mentions = annotated["2022-06-10"][0]
    encompass = of(mentions, "operation-encompass")
    assert [(m.section, m.status) for m in encompass] == [("2.5.5", None)]
    assert "early years provision" in encompass[0].sentence
    assert [(m.section, m.status) for m in of(mentions, "niche-missing-module-2")] == [("2.9.1", "live")]
    assert [(m.section, m.status) for m in of(mentions, "domestic-abuse-protection-orders")] == [("2.5.5", "planned")]
    assert [m.status for m in of(mentions, "multi-agency-safeguarding-hub")][0] == "review"
    assert [(m.section, m.matched) for m in of(mentions, "clares-law")] == [("2.5.2", "Clare's Law")]
    assert [(m.section, m.status) for m in of(mentions, "stalking-screening-tool")] == [("2.6.4", "pilot"), ("2.6.4", "pilot")]
    assert [m.section for m in of(mentions, "prevent")] == ["2.1 j)"]
    assert [m.section for m in of(mentions, "domestic-violence-protection-orders")] == ["1.4", "1.4"]


def test_typed_follow_ups_in_2021(annotated):
    mentions = annotated["2021-06-15"][0]
    follow = {(m.initiative, m.matched) for m in mentions if m.via == "follow-up"}
    assert ("domestic-and-sexual-abuse-board", "the board") in follow
    assert ("transparency-in-supply-chains-statement", "The statement") in follow
    assert ("national-enforcement-powers-guide", "the guide") in follow
    assert ("west-yorkshire-safeguarding-communications-group", "the group") in follow


def test_mentions_are_ordered_and_carry_their_passage(annotated, seeds, gazetteer):
    for date, (mentions, discovered) in annotated.items():
        report = seeds[date]
        ids = {i.id for i in gazetteer} | {i.id for i in discovered}
        assert [m.paragraph for m in mentions] == sorted(m.paragraph for m in mentions)
        for mention in mentions:
            paragraph = report.paragraphs[mention.paragraph]
            assert mention.initiative in ids
            assert mention.section == paragraph.section and mention.pages == paragraph.pages
            assert mention.sentence and mention.sentence in " ".join(paragraph.text.split())
            assert mention.via in ("name", "alias", "acronym", "follow-up")
            assert mention.status in (None, "planned", "pilot", "live", "expanded", "review", "ended")
            if mention.via != "follow-up":
                assert mention.matched in paragraph.text
        # every discovered initiative is mentioned in its report
        assert {i.id for i in discovered} <= {m.initiative for m in mentions}


def test_seed_texts_annotate_like_the_pdfs(recogniser, annotated):
    for path, date in [(SEED_2021, "2021-06-15"), (SEED_2022, "2022-06-10")]:
        report = extract_report(path, path.read_bytes())
        mentions, discovered = recogniser.annotate(report)
        pdf_mentions, pdf_discovered = annotated[date]
        shape = lambda ms: [(m.initiative, m.section, m.via, m.status, m.matched, figures_of(m)) for m in ms]  # noqa: E731
        assert shape(mentions) == shape(pdf_mentions)
        assert [i.id for i in discovered] == [i.id for i in pdf_discovered]


def test_annotating_again_gives_the_same_answer(recogniser, seeds, annotated):
    # The recogniser is built once (the slow part); annotating a report is quick and repeatable.
    again = recogniser.annotate(seeds["2022-06-10"])
    assert again == annotated["2022-06-10"]


# --------------------------------------------------------------------------------------------
# Recognition rules on small texts


def test_acronyms_match_case_sensitively_and_names_do_not(recogniser):
    mentions, _ = recogniser.annotate(
        make_report(
            "Two SPOs were granted.",
            "A spo was not what we meant.",
            "STALKING PROTECTION ORDERS and dvpo and DVPOs.",
            "Prevent work continued. The team works on Prevent.",
            "Clare’s Law requests rose.",
        )
    )
    got = [(m.section, m.initiative, m.matched, m.via) for m in mentions]
    assert got == [
        ("2.1", "stalking-protection-orders", "SPOs", "acronym"),
        ("2.3", "stalking-protection-orders", "STALKING PROTECTION ORDERS", "name"),
        ("2.3", "domestic-violence-protection-orders", "DVPOs", "acronym"),
        ("2.4", "prevent", "Prevent", "name"),
        ("2.5", "clares-law", "Clare’s Law", "name"),
    ]
    assert mentions[1].sentence == "STALKING PROTECTION ORDERS and dvpo and DVPOs."


def test_discovery_rules_on_new_text(recogniser):
    mentions, discovered = recogniser.annotate(
        make_report(
            "The Force launched Operation Sceptre in May 2023 and Project Vigilant is now live in Leeds.",
            "Our #NotOnMyWatch campaign and the StreetSafe app were shared on YouTube by Dame Sara Thornton.",
            "The Domestic Abuse Perpetrator Programme (DAPP) was piloted in Bradford. The DAPP has supported 45 perpetrators.",
            "The Safeguarding Team met the Crown Prosecution Service and the Suzy Lamplugh Trust.",
            "The West Yorkshire Safeguarding Communications Group and Violence Reduction Unit met.",
        )
    )
    names = {i.name: i.kind for i in discovered}
    assert names == {
        "Operation Sceptre": "operation",
        "Project Vigilant": "project",
        "#NotOnMyWatch": "campaign",
        "StreetSafe": "brand",
        "Domestic Abuse Perpetrator Programme": "programme",
        "West Yorkshire Safeguarding Communications Group": "group",
    }
    dapp = [m for m in mentions if m.initiative == "domestic-abuse-perpetrator-programme"]
    # "has supported 45 perpetrators": a programme that is used is running
    assert [(m.via, m.status) for m in dapp] == [("name", "pilot"), ("acronym", "live")]
    assert figures_of(dapp[1]) == [(45.0, "", "perpetrators", None)]
    assert [m.initiative for m in mentions if m.section == "2.5"] == [
        "west-yorkshire-safeguarding-communications-group",
        "violence-reduction-unit",
    ]


def test_follow_ups_attach_to_the_last_named_initiative(recogniser):
    mentions, _ = recogniser.annotate(
        make_report(
            "TecSOS phones were issued in Leeds.",
            "Over 50 victims now carry one. The scheme will be extended to Bradford.",
            "The scheme is popular.",  # two passages on, none naming anything else: still TecSOS
            "Funding is agreed.",
            "Staff are trained.",
            "Partners are briefed.",
            "The scheme is reviewed yearly.",  # four passages naming nothing on: nothing to attach to
        )
    )
    assert [(m.section, m.via, m.status, m.matched) for m in mentions] == [
        ("2.1", "name", None, "TecSOS"),
        ("2.2", "follow-up", "expanded", "The scheme"),
        ("2.3", "follow-up", None, "The scheme"),
    ]
    assert figures_of(mentions[1]) == [(50.0, "", "victims", None)]
    # a new heading starts afresh
    other = make_report("TecSOS phones were issued.")
    other.paragraphs.append(Paragraph(ordinal=1, kind="paragraph", text="The scheme is popular.", section="3.1", heading_path=["OTHER"]))
    assert [m.via for m in recogniser.annotate(other)[0]] == ["name"]


# --------------------------------------------------------------------------------------------
# Status and figures


@pytest.mark.parametrize(
    "text, status",
    [
        ("The SmartWater pilot began in the Eastmoor District in March 2022.", "pilot"),
        ("From 4 July 2022, West Yorkshire Police will be a pilot force.", "pilot"),
        ("Notifications to schools are planned for the autumn term.", "planned"),
        ("WYP are also bidding for a further £2.4 m from Government.", "planned"),
        ("Applying to partake in the National Pilot for DAPO", "planned"),
        ("A multi-agency Terms of Reference document is currently being drawn up.", "planned"),
        ("Recruitment and set up of this is now underway", "planned"),
        ("The scheme will start in May.", "planned"),
        ("It went live in September 2022.", "live"),
        ("It is now live across four of the five Districts.", "live"),
        ("NMM2 has now been delivered across the Force and is now Business as Usual.", "live"),
        ("A revamped regional meeting structure is now in place.", "live"),
        ("The now established Domestic and Sexual Abuse Board continues to meet.", "live"),
        ("It has been expanded to all four Districts.", "expanded"),
        ("Nationally seven other Forces are also now adopting this approach.", "expanded"),
        ("It was extended to Kirklees.", "expanded"),
        ("The course which they hope to roll out further nationwide.", "expanded"),
        ("It is under review by the partnership.", "review"),
        ("A MASH review is underway.", "review"),
        ("The pilot is being evaluated.", "review"),
        ("The scheme ended in March.", "ended"),
        ("The hub was decommissioned.", "ended"),
        ("Hosting a West Yorkshire wide Operation Encompass meeting.", None),
        ("Training to all operational officers.", None),
    ],
)
def test_status_words(text, status):
    assert find_status(text) == status


def test_status_prefers_the_mention_s_own_clause():
    text = "The scheme was decommissioned after the Right Care Programme went live in Leeds."
    assert find_status(text) == "ended"
    assert find_status(text, text.index("Right Care")) == "live"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Over 100 victims have now been protected", [("Over 100 victims", 100, "", "victims", None)]),
        ("83% of these report it", [("83%", 83, "%", "", None)]),
        ("70% of people said so", [("70% of people", 70, "%", "people", None)]),
        ("live across four of the five Districts.", [("four of the five Districts", 4, "", "Districts", 5)]),
        ("bidding for a further £2.4 m from Government", [("£2.4 m", 2400000, "£", "", None)]),
        ("a grant of £350,000 and £1.2 million", [("£350,000", 350000, "£", "", None), ("£1.2 million", 1200000, "£", "", None)]),
        ("Nationally seven other Forces are now adopting it", [("seven other Forces", 7, "", "Forces", None)]),
        ("expanded to all four Districts", [("all four Districts", 4, "", "Districts", 4)]),
        ("training to 120 officers and staff", [("120 officers", 120, "", "officers", None)]),
        ("there are 32 external transferees", [("32 external transferees", 32, "", "transferees", None)]),
        ("twenty-one referrals were made", [("twenty-one referrals", 21, "", "referrals", None)]),
        ("in May 2022, on 4 July 2022 and in 2021", []),
        ("the 7th - 20th March 2022 and 25th April", []),
        ("2019/20: 0; 2020/21: 3; 2021/22: 1; difference -2", []),
        ("a 12-month pilot for six months, a six weekly meeting", []),
        ("one of the largest providers", []),
        ("Niche Missing Module 2 (NMM2) in 2022/2023", []),
    ],
)
def test_figures(text, expected):
    got = [(f.text, f.value, f.unit, f.counts, f.of) for f in find_figures(text)]
    assert got == [(t, float(v), u, c, None if o is None else float(o)) for t, v, u, c, o in expected]


def test_figures_inside_a_name_are_not_figures():
    text = "16 Days of Action Against Domestic Abuse reached 300 families"
    assert [(f.value, f.counts) for f in find_figures(text, [(0, 40)])] == [(300.0, "families")]


# --------------------------------------------------------------------------------------------
# Across the synthetic series


def test_synthetic_smartwater_and_encompass_progress(synthetic):
    smart = [of(mentions, "smartwater") for _, mentions in synthetic]
    assert [[m.status for m in ms] for ms in smart] == [["pilot"], ["live"], ["expanded"]]
    victims = [[f.value for m in ms for f in m.figures if f.counts == "victims"] for ms in smart]
    assert victims == [[40.0], [120.0], [210.0]]
    districts = [[(f.value, f.of) for m in ms for f in m.figures if f.counts == "Districts"] for ms in smart]
    assert districts == [[], [(3.0, 4.0)], [(4.0, 4.0)]]
    encompass = [[m.status for m in of(mentions, "operation-encompass")] for _, mentions in synthetic]
    assert encompass == [["planned"], ["live"], ["review"]]


def test_describe_change_across_the_synthetic_series(synthetic):
    smart = [of(mentions, "smartwater") for _, mentions in synthetic]
    assert describe_change([], smart[0]) == "first mentioned (pilot; 40 victims)"
    assert describe_change(smart[0], smart[1]) == "pilot -> live; 40 -> 120 victims"
    later = describe_change(smart[1], smart[2])
    assert later.startswith("live -> expanded; ")
    assert "120 -> 210 victims" in later and "three -> four Districts" in later
    assert describe_change(smart[2], smart[2]) == ""
    assert describe_change(smart[2], []) == "no longer mentioned"
    encompass = [of(mentions, "operation-encompass") for _, mentions in synthetic]
    assert describe_change(encompass[0], encompass[1]) == "planned -> live"
    assert describe_change(encompass[1], encompass[2]) == "live -> review"


def test_describe_change_on_parts_of_a_whole():
    def mention(status, *figures):
        from report_index.models import Figure

        return [Mention(initiative="x", paragraph=0, section="1", status=status, figures=[Figure(**f) for f in figures])]

    before = mention("live", {"text": "four of the five Districts", "value": 4, "counts": "Districts", "of": 5})
    after = mention("live", {"text": "five of the six Districts", "value": 5, "counts": "Districts", "of": 6})
    assert describe_change(before, after) == "four of five -> five of six Districts"
    same = mention("live", {"text": "four of the five districts", "value": 4, "counts": "districts", "of": 5})
    assert describe_change(before, same) == ""
    money = mention(None, {"text": "£3 m", "value": 3000000, "unit": "£"})
    assert describe_change(mention(None, {"text": "£2.4 m", "value": 2400000, "unit": "£"}), money) == "£2.4 m -> £3 m"


def test_skipping_the_matchers_on_passages_without_their_words_changes_nothing() -> None:
    """The discovery rules run only on passages holding words they need; run on every passage
    instead, they must find exactly the same mentions and initiatives."""
    from report_index.text.clean import fold_quotes_in_place

    paths = [PDF_2022, PDF_2021, *sorted((FIXTURES / "synthetic").glob("*.txt"))]
    reports = [extract_report(path, path.read_bytes()) for path in paths]
    recogniser = Recogniser(load_gazetteer())
    filtered = [recogniser.annotate(report) for report in reports]
    texts = [fold_quotes_in_place(p.text) for r in reports for p in r.paragraphs]
    docs = [recogniser.nlp.make_doc(text) for text in texts]
    # the filter does skip most passages
    assert sum(1 for doc, text in zip(docs, texts) if not recogniser.may_match(doc, text)) > len(texts) // 2
    recogniser.may_match = lambda doc, text: True
    assert [recogniser.annotate(report) for report in reports] == filtered
    assert sum(len(mentions) for mentions, _ in filtered) >= 100
    assert sum(len(discovered) for _, discovered in filtered) >= 5


def test_gazetteer_matches_are_the_entity_ruler_s() -> None:
    """The gazetteer's phrase matchers choose what spaCy's entity ruler, given the same
    patterns, makes entities of: in every bundled and synthetic passage, and where names overlap,
    two initiatives share a surface, a plain word starts a sentence or an acronym is split."""
    import spacy

    from report_index.initiatives.gazetteer import is_acronym, is_plain_word, surfaces
    from report_index.initiatives.recognition import LABEL
    from report_index.text.clean import fold_quotes_in_place

    initiatives = load_gazetteer() + [
        Initiative(id="safer-streets", name="Safer Streets", aliases=["SSF"]),
        Initiative(id="safer-streets-fund", name="Safer Streets Fund"),
        Initiative(id="streets-fund-board", name="Streets Fund Board", aliases=["SSF"]),
        Initiative(id="prevent-duty", name="Prevent Duty", aliases=["Prevent", "spo"]),
        Initiative(id="risk-and-vulnerability", name="Risk and Vulnerability Group", aliases=["WYR&V", "R&V"]),
    ]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = []
    for initiative in initiatives:
        for surface in map(fold_quotes_in_place, surfaces(initiative)):
            if is_acronym(surface):
                for form in [surface] if surface.endswith("s") else [surface, surface + "s"]:
                    patterns.append({"label": LABEL, "id": initiative.id, "pattern": [{"ORTH": form}]})
            elif is_plain_word(surface):
                patterns.append({"label": LABEL, "id": initiative.id, "pattern": [{"ORTH": surface, "IS_SENT_START": False}]})
            else:
                patterns.append({"label": LABEL, "id": initiative.id, "pattern": surface})
    ruler.add_patterns(patterns)

    paths = [PDF_2022, PDF_2021, *sorted((FIXTURES / "synthetic").glob("*.txt"))]
    texts = [fold_quotes_in_place(p.text) for path in paths for p in extract_report(path, path.read_bytes()).paragraphs]
    texts += [
        "The Safer Streets Fund Board met. Safer Streets Fund bids and the SAFER STREETS scheme.",
        "Prevent. Prevent Duty training, then Prevent and PREVENT and prevent. Prevent ends it.",
        "Two SPOs and one SPO, an spo, the SSF and SSFs (the Safer Streets Fund).",
        "The WYR&V and R&V met; WYR & V did not.",
    ]
    recogniser = Recogniser(initiatives)
    expected = [[(e.start_char, e.end_char, e.ent_id_) for e in nlp(text).ents] for text in texts]
    got = [
        [(h.start, h.end, h.initiative) for h in recogniser._gazetteer_hits(0, recogniser.nlp.make_doc(text), text)]
        for text in texts
    ]
    assert got == expected
    assert sum(map(len, expected)) >= 80
    assert {ident for ents in expected[-4:] for _, _, ident in ents} >= {
        "safer-streets-fund", "prevent", "prevent-duty", "stalking-protection-orders", "risk-and-vulnerability"
    }
