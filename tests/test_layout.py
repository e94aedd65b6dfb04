"""The two views of a layout (`physiology.layout`): IntEnum columns for Python code and
a record type over the same row for the compiled kernels."""

from __future__ import annotations

import numpy as np
import pytest

from medtwin.physiology.layout import (
    M_RECORD,
    ROW_FIELD,
    S_RECORD,
    M,
    S,
    make_layout,
    make_record,
)
from medtwin.physiology.parameters import P_RECORD, P

LAYOUTS = [(S, S_RECORD), (P, P_RECORD), (M, M_RECORD)]


@pytest.mark.parametrize(("layout", "record"), LAYOUTS, ids=["S", "P", "M"])
def test_every_record_field_reads_its_enum_column(layout, record):
    row = np.arange(len(layout), dtype=np.float64)
    view = row.view(record)[0]
    assert record.itemsize == 8 * len(layout)
    for name in record.names:
        if name == ROW_FIELD:
            np.testing.assert_array_equal(view[name], row)
        elif name in layout.__members__:
            assert view[name] == layout[name]
        else:  # a run: the columns of its members stem_0, stem_1, ... in order
            dtype, offset = record.fields[name][:2]
            columns = np.arange(dtype.shape[0]) + offset // 8
            np.testing.assert_array_equal(view[name], columns)
            assert all(layout(c).name.startswith(f"{name}_") for c in columns)


def test_writing_a_record_field_writes_the_row():
    row = np.zeros(len(S))
    view = row.view(S_RECORD)[0]
    view["V_LV"] = 120.0
    view["DRUG_X"][5] = 2.0
    view["V_V"][3] = 7.0
    assert row[S.V_LV] == 120.0 and row[S.DRUG_X_5] == 2.0 and row[S.V_V_KIDNEY] == 7.0


def test_named_runs_keep_their_members_numbered_runs_only_the_array():
    entries = ["A", ("BED", ("LEFT", "RIGHT")), ("SLOT", 3)]
    layout, record = make_layout("X", entries), make_record(entries)
    assert list(layout.__members__) == ["A", "BED_LEFT", "BED_RIGHT", "SLOT_0", "SLOT_1", "SLOT_2"]
    assert set(record.names) == {"A", "BED_LEFT", "BED_RIGHT", "BED", "SLOT", ROW_FIELD}
    assert record.fields["BED"][0].shape == (2,) and record.fields["SLOT"][0].shape == (3,)


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="duplicate names in layout X"):
        make_layout("X", ["A", ("A", ("B",)), "A_B"])
