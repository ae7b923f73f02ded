"""Reading and writing the official CSV files, streaming.

The published files (``service.csv``, ``service-std.csv``) are UTF-8 with a byte-order mark, comma
separated, with minimal quoting (a cell is quoted only when it holds a comma, a quote or a line
break; quotes inside are doubled) and CRLF line endings, including the line breaks *inside* quoted
multi-line cells. :func:`write_rows` writes exactly that, so reading a published file and writing
its rows back gives the same bytes.

Reading accepts the same files with or without the byte-order mark and with CRLF or LF line
endings. Cells are returned as raw strings, untouched (line breaks inside cells are kept as they
are in the file): interpreting them is the job of ``validation`` and of the caller.

Row numbers are those a spreadsheet user sees: the header is row 1, the first record row 2, and a
record with a multi-line cell is still one row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from comptoir.core.opendata.schema import Resource, columns_of

__all__ = [
    "BYTE_ORDER_MARK",
    "LINE_TERMINATOR",
    "CsvFormatError",
    "CsvRow",
    "OpenDataReader",
    "iter_csv_bytes",
    "open_csv",
    "read_rows",
    "write_rows",
]

#: Every published file starts with the UTF-8 byte-order mark.
BYTE_ORDER_MARK: Final = codecs.BOM_UTF8
#: Published records end with CRLF.
LINE_TERMINATOR: Final = "\r\n"
_ENCODING: Final = "utf-8"


class CsvFormatError(ValueError):
    """The file cannot be read as an open-data CSV file (not a per-cell problem).

    ``code`` is stable, for the Django layer to translate:

    - ``empty_file``: no header row;
    - ``not_utf8``: bytes that are not UTF-8 (``row`` is the row being read);
    - ``malformed_csv``: the CSV syntax is broken (``row`` is the row being read);
    - ``missing_column`` / ``unexpected_column``: a row given to :func:`write_rows` lacks a
      column of the resource, or has one the resource does not have (``detail`` names it).
    """

    def __init__(self, code: str, *, row: int | None = None, detail: str = "") -> None:
        super().__init__(f"{code} (row {row}): {detail}" if row else f"{code}: {detail}")
        self.code = code
        self.row = row
        self.detail = detail


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One record of a file.

    ``values`` maps each header name to its raw cell (``""`` when the record has fewer cells than
    the header); ``cell_count`` is the number of cells actually present, so a record with too few
    or too many cells can be reported; ``extra_cells`` holds the cells beyond the header.
    """

    number: int
    values: Mapping[str, str]
    cell_count: int
    extra_cells: tuple[str, ...] = field(default=())


class OpenDataReader:
    """Iterate over the records of an open-data CSV file given as binary lines.

    ``lines`` is any iterable of ``bytes`` lines that keep their line endings (a file opened in
    binary mode, an upload): each line is decoded on its own, so a byte that is not UTF-8 is
    reported with the row it is in. A leading byte-order mark is dropped. ``header`` is the first
    row.
    """

    def __init__(self, lines: Iterable[bytes]) -> None:
        self._number = 1
        self._reader = csv.reader(self._decode(lines), strict=True)
        first = self._next_cells()
        if first is None:
            raise CsvFormatError("empty_file", row=1)
        self.header: tuple[str, ...] = tuple(first)

    @staticmethod
    def _decode(lines: Iterable[bytes]) -> Iterator[str]:
        iterator = iter(lines)
        for first in iterator:
            yield first.removeprefix(BYTE_ORDER_MARK).decode(_ENCODING)
            break
        for line in iterator:
            yield line.decode(_ENCODING)

    def _next_cells(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as error:
            raise CsvFormatError("not_utf8", row=self._number, detail=str(error)) from error
        except csv.Error as error:
            raise CsvFormatError("malformed_csv", row=self._number, detail=str(error)) from error

    def __iter__(self) -> Iterator[CsvRow]:
        header = self.header
        width = len(header)
        while True:
            self._number += 1
            cells = self._next_cells()
            if cells is None:
                return
            if not cells:
                # A blank line between records is not a record.
                continue
            count = len(cells)
            if count < width:
                cells = [*cells, *([""] * (width - count))]
            yield CsvRow(
                number=self._number,
                values=dict(zip(header, cells, strict=False)),
                cell_count=count,
                extra_cells=tuple(cells[width:]),
            )


@contextmanager
def open_csv(source: str | Path | IO[bytes]) -> Iterator[OpenDataReader]:
    """Open a file, given its path or a binary stream (e.g. an upload), for reading.

    The reader's ``header`` can be checked (``validation.check_header``) before its records are
    iterated. A binary stream given by the caller is left open.
    """
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield OpenDataReader(stream)
    else:
        yield OpenDataReader(source)


def read_rows(source: str | Path | IO[bytes]) -> Iterator[CsvRow]:
    """Stream the records of a file (path or binary stream), without its header."""
    with open_csv(source) as reader:
        yield from reader


def _record(resource: Resource, row: Mapping[str, str], columns: Sequence[str]) -> list[str]:
    if len(row) != len(columns):
        unexpected = sorted(set(row) - set(columns))
        if unexpected:
            raise CsvFormatError(
                "unexpected_column", detail=f"{resource.value}: {', '.join(unexpected)}"
            )
    try:
        return [row[column] for column in columns]
    except KeyError as error:
        raise CsvFormatError(
            "missing_column", detail=f"{resource.value}: {error.args[0]}"
        ) from error


def iter_csv_bytes(
    resource: Resource, rows: Iterable[Mapping[str, str]], *, chunk_rows: int = 500
) -> Iterator[bytes]:
    """The file of ``resource`` as chunks of bytes: byte-order mark, header, then ``rows``.

    Each row maps every column of the resource to its cell text (no more, no fewer: a missing or
    unexpected column raises :class:`CsvFormatError` before anything of that row is produced).
    Columns are written in the official order whatever the mapping's order. Suitable for a
    streaming HTTP response; nothing is held beyond ``chunk_rows`` rows.
    """
    columns = columns_of(resource)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_TERMINATOR, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    yield BYTE_ORDER_MARK + buffer.getvalue().encode(_ENCODING)
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow(_record(resource, row, columns))
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue().encode(_ENCODING)
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode(_ENCODING)


def write_rows(resource: Resource, rows: Iterable[Mapping[str, str]], out: IO[bytes]) -> int:
    """Write the file of ``resource`` to the binary stream ``out``; return the number of rows."""
    count = 0

    def counted() -> Iterator[Mapping[str, str]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in iter_csv_bytes(resource, counted()):
        out.write(chunk)
    return count
