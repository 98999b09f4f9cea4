"""The phrase check of the array ranking (``report_index.index.ranking``) reads Whoosh's stored
positions in bulk: one position a passage straight from its bytes, the others from one pickle
made of all their pickles. Both must give what Whoosh's ``Positions.decode_positions`` gives."""

from whoosh.formats import Positions

from report_index.index.ranking import _decode_positions, _single_positions

LISTS = [[0], [5], [255], [256], [70000], [2, 16], [1, 300, 301], list(range(0, 2000, 7)), [3, 3 + 65536]]


def test_positions_decoded_in_one_pickle_are_whooshs():
    positions = Positions()
    values = [positions.encode(lst) for lst in LISTS]
    assert _decode_positions(values, positions.decode_positions) == LISTS
    # a value without its pickle's final stop (Whoosh reads those too) is decoded Whoosh's way
    odd = values[:3] + [values[3][:-1]]
    assert _decode_positions(odd, positions.decode_positions) == LISTS[:4]
    assert _decode_positions([], positions.decode_positions) == []


def test_one_position_is_read_from_its_bytes_only_in_the_form_it_knows():
    positions = Positions()
    values = [positions.encode(lst) for lst in LISTS]
    # 256 and above are pickled in two or more bytes, several positions as a list of them: -1, decoded by pickle
    assert _single_positions(values).tolist() == [0, 5, 255, -1, -1, -1, -1, -1, -1]
    assert _single_positions([values[1][:-1] + b"x"]).tolist() == [-1]
    assert _single_positions([]).tolist() == []
