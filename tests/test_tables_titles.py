"""Table cells nobody wrote: a merged cell fills only the cells it covers, an empty cell stays
empty, and a measure's name goes to its own sub-rows only."""

from __future__ import annotations

from report_index.sources.tables import make_table


def test_make_table_reads_none_by_the_way_the_merged_cell_spans():
    table = make_table(
        [
            ["Measures", "", "2019/20", "2020/21"],
            ["Increase use of DVPO/DVPN", "DVPO", "303", "441"],
            [None, "DVPN", "308", "456"],  # nothing to its left: covered from above
            ["Total", "611", None, "897"],  # a cell to its left: "611" spans two columns
            ["Source: force systems", None, None, None],
        ],
        1,
        ruled=True,
    )
    assert table.rows == [
        ["Increase use of DVPO/DVPN", "DVPO", "303", "441"],
        ["Increase use of DVPO/DVPN", "DVPN", "308", "456"],
        ["Total", "611", "", "897"],
        ["Source: force systems", "", "", ""],
    ]


def test_breakdown_names_go_to_their_own_sub_rows_only():
    header = ["Measures", "", "2019/20", "2020/21"]
    # the name printed on the lower of its two sub-rows (as pdftotext lays it out), twice running
    table = make_table([header, ["", "DVPO", "1", "2"], ["Orders A", "DVPN", "3", "4"], ["", "DVPO", "5", "6"],
                        ["Orders B", "DVPN", "7", "8"]], None, ruled=False)
    assert [row[0] for row in table.rows] == ["Orders A", "Orders A", "Orders B", "Orders B"]
    # the name on the upper sub-row
    table = make_table([header, ["Victims", "Male", "1", "2"], ["", "Female", "3", "4"], ["Offenders", "Male", "5", "6"],
                        ["", "Female", "7", "8"]], None, ruled=False)
    assert [row[0] for row in table.rows] == ["Victims", "Victims", "Offenders", "Offenders"]
    # a titled second column is no breakdown: an empty first cell stays empty
    table = make_table([["Area", "Officers", "Staff"], ["Leeds", "120", "30"], ["", "95", "20"]], None, ruled=False)
    assert table.rows[1] == ["", "95", "20"]
    # a footnote row under a measure takes nothing
    table = make_table([header, ["Orders", "DVPO", "1", "2"], ["", "Figures are provisional", "", ""]], None, ruled=False)
    assert table.rows[1][0] == ""
