"""Reading and writing the official CSV files."""

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.opendata.csvio import (
    DEFAULT_LIMITS,
    CsvFormatError,
    CsvRow,
    ReadLimits,
    iter_csv_bytes,
    open_csv,
    read_rows,
    write_rows,
)
from comptoir.core.opendata.schema import STANDARD_COLUMNS, Resource


def _standard(**cells: str) -> dict[str, str]:
    row = dict.fromkeys(STANDARD_COLUMNS, "")
    row.update(cells)
    return row


def _written(rows: list[dict[str, str]]) -> bytes:
    out = io.BytesIO()
    assert write_rows(Resource.STANDARD, rows, out) == len(rows)
    return out.getvalue()


def test_written_file_has_bom_header_crlf_and_minimal_quoting() -> None:
    data = _written(
        [
            _standard(service_id="1", service_standard_en="Within 10 days, usually", target="0.8"),
            _standard(service_id="2", comments_en='Say "hello"\r\nthen wait'),
        ]
    )
    assert data.startswith(b"\xef\xbb\xbffiscal_yr,service_id,service_name_en,")
    lines = data.split(b"\r\n")
    assert lines[0].endswith(b"owner_org,owner_org_title")
    assert lines[1] == b',1,,,,"Within 10 days, usually",,,,,,0.8,,,,,,,,,,,,'
    # The quote is doubled and the cell keeps its CRLF inside quotes.
    assert lines[2] == b",2" + b"," * 14 + b'"Say ""hello""'
    assert lines[3] == b'then wait",,,,,,,,'
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_columns_are_written_in_official_order_whatever_the_mapping_order() -> None:
    row = dict(reversed(list(_standard(fiscal_yr="2023-2024", owner_org="ec").items())))
    data = _written([row])
    assert data.split(b"\r\n")[1] == b"2023-2024" + b"," * 22 + b"ec,"


def test_write_rejects_missing_and_unexpected_columns() -> None:
    missing = _standard()
    del missing["target"]
    with pytest.raises(CsvFormatError) as error:
        _written([missing])
    assert error.value.code == "missing_column"
    assert "target" in error.value.detail
    with pytest.raises(CsvFormatError) as error:
        _written([{**_standard(), "colour": "blue"}])
    assert error.value.code == "unexpected_column"
    assert "colour" in error.value.detail


def test_iter_csv_bytes_streams_in_chunks() -> None:
    rows = [_standard(service_id=str(n)) for n in range(7)]
    chunks = list(iter_csv_bytes(Resource.STANDARD, rows, chunk_rows=3))
    assert len(chunks) == 1 + 3  # header, then 3 + 3 + 1 rows
    assert b"".join(chunks) == _written(rows)


def test_read_numbers_rows_as_a_spreadsheet_does(tmp_path: Path) -> None:
    path = tmp_path / "service-std.csv"
    path.write_bytes(
        _written([_standard(service_id="1", comments_en="a\r\nb\r\nc"), _standard(service_id="2")])
    )
    rows = list(read_rows(path))
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values["comments_en"] == "a\r\nb\r\nc"
    assert rows[1].values["service_id"] == "2"
    assert rows[1].cell_count == 24


def test_read_accepts_lf_and_no_bom_and_ignores_blank_lines() -> None:
    text = b'service_id,target\n1,0.8\n\n2,"x\ny"\n'
    with open_csv(io.BytesIO(text)) as reader:
        assert reader.header == ("service_id", "target")
        rows = list(reader)
    assert rows == [
        CsvRow(2, {"service_id": "1", "target": "0.8"}, 2),
        CsvRow(4, {"service_id": "2", "target": "x\ny"}, 2),
    ]


def test_read_pads_short_rows_and_keeps_extra_cells() -> None:
    with open_csv(io.BytesIO(b"\xef\xbb\xbfa,b,c\r\n1\r\n1,2,3,4\r\n")) as reader:
        assert reader.header == ("a", "b", "c")
        short, long = list(reader)
    assert short.values == {"a": "1", "b": "", "c": ""}
    assert short.cell_count == 1
    assert long.values == {"a": "1", "b": "2", "c": "3"}
    assert long.extra_cells == ("4",)
    assert long.cell_count == 4


def test_a_binary_stream_is_left_open() -> None:
    stream = io.BytesIO(b"a\r\n1\r\n")
    assert [r.values for r in read_rows(stream)] == [{"a": "1"}]
    assert not stream.closed


@pytest.mark.parametrize(
    ("data", "code", "row"),
    [
        (b"", "empty_file", 1),
        (b"a,b\r\n1,2\r\n\xff\xfe,3\r\n", "not_utf8", 3),
        (b'a,b\r\n1,"2\r\n', "malformed_csv", 2),
        (b'a,b\r\n"1"x,2\r\n', "malformed_csv", 2),
    ],
)
def test_unreadable_files_raise_a_coded_error(data: bytes, code: str, row: int) -> None:
    with pytest.raises(CsvFormatError) as error:
        list(read_rows(io.BytesIO(data)))
    assert error.value.code == code
    assert error.value.row == row


SMALL = ReadLimits(max_rows=4, max_cells=3, max_record_bytes=64, max_cell_chars=10)


@pytest.mark.parametrize(
    ("data", "code", "row", "limit"),
    [
        # Rows: the header, three records and a blank line are five rows.
        (b"a\r\n1\r\n2\r\n\r\n3\r\n", "too_many_rows", 5, 4),
        (b"a,b,c,d\r\n", "too_many_cells", 1, 3),
        (b"a,b\r\n1,2,3,4\r\n", "too_many_cells", 2, 3),
        (b"a\r\n" + b"x" * 11 + b"\r\n", "cell_too_long", 2, 10),
        # One line longer than a record may be (read in pieces, refused at the first).
        (b"a\r\n" + b"y" * 1000, "record_too_long", 2, 64),
        # A quoted cell that never closes: the record grows line after line until refused.
        (b'a\r\n"' + b"z\r\n" * 100, "record_too_long", 2, 64),
        # A file of quotation marks is one endless quoted cell.
        (b'"' * 10_001, "record_too_long", 1, 64),
    ],
)
def test_reading_stops_at_its_bounds(data: bytes, code: str, row: int, limit: int) -> None:
    with pytest.raises(CsvFormatError) as error:
        list(read_rows(io.BytesIO(data), limits=SMALL))
    assert (error.value.code, error.value.row, error.value.limit) == (code, row, limit)


def test_reading_up_to_the_bounds_is_allowed() -> None:
    data = b"a,b,c\r\n" + b"1234567890,2,3\r\n" * 3
    assert len(list(read_rows(io.BytesIO(data), limits=SMALL))) == 3
    # A multi-line cell counts its line breaks in the record's bytes, not as rows.
    data = b'a\r\n"' + b"x\r\n" * 3 + b'"\r\n'
    assert [r.values["a"] for r in read_rows(io.BytesIO(data), limits=SMALL)] == ["x\r\n" * 3]


def test_the_default_bounds_hold_a_hostile_file_without_reading_it_whole() -> None:
    # 10,000 columns: refused at the header, whatever follows.
    wide = (b"," * 9_999 + b"\r\n") * 1_000
    with pytest.raises(CsvFormatError) as error:
        list(read_rows(io.BytesIO(wide)))
    assert (error.value.code, error.value.row) == ("too_many_cells", 1)
    quotes = io.BytesIO(b'"' * (DEFAULT_LIMITS.max_record_bytes * 4))
    with pytest.raises(CsvFormatError) as error:
        list(read_rows(quotes))
    assert error.value.code == "record_too_long"
    # The reader stopped after one record's worth of bytes, not at the end of the file.
    assert quotes.tell() <= DEFAULT_LIMITS.max_record_bytes + 1


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "resource", "count"),
    [("service.csv", Resource.SERVICE, 1752), ("service-std.csv", Resource.STANDARD, 2343)],
)
def test_real_files_round_trip(
    real_inventory_dir: Path, name: str, resource: Resource, count: int
) -> None:
    path = real_inventory_dir / name
    rows = list(read_rows(path))
    assert len(rows) == count
    assert rows[-1].number == count + 1
    assert all(r.cell_count == len(r.values) for r in rows)
    out = io.BytesIO()
    write_rows(resource, (r.values for r in rows), out)
    # Same bytes as published: BOM, quoting, CRLF (also inside multi-line cells).
    assert out.getvalue() == path.read_bytes()
    again = list(read_rows(io.BytesIO(out.getvalue())))
    assert [r.values for r in again] == [r.values for r in rows]
    assert any("\r\n" in v for r in rows for v in r.values.values())


_CELL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(',"\r\n'),
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(STANDARD_COLUMNS, _CELL)), max_size=5))
def test_any_rows_survive_write_then_read(rows: list[dict[str, str]]) -> None:
    again = [r.values for r in read_rows(io.BytesIO(_written(rows)))]
    assert again == rows
