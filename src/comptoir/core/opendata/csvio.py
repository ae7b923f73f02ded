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

Reading is bounded (:class:`ReadLimits`), so that a file that is not the format at all cannot
exhaust memory: the number of rows, of cells in a row, the length of a record and of a cell. Each
line is read with at most ``max_record_bytes + 1`` bytes, so an overlong line (a file of quotation
marks is one quoted cell) is refused before it is held whole. The bound on a record is below the
``csv`` module's own field limit (131,072 characters by default), which is process-wide and is
therefore left as it is. Over a bound, :class:`CsvFormatError` says which (``limit`` is the bound).
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
    "DEFAULT_LIMITS",
    "LINE_TERMINATOR",
    "CsvFormatError",
    "CsvRow",
    "OpenDataReader",
    "ReadLimits",
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
      column of the resource, or has one the resource does not have (``detail`` names it);
    - over a bound of :class:`ReadLimits` (``limit`` is the bound, ``row`` the row reached):
      ``too_many_rows``, ``too_many_cells`` (in one row), ``record_too_long`` (bytes of one
      record, its line breaks included), ``cell_too_long`` (characters of one cell).
    """

    def __init__(
        self, code: str, *, row: int | None = None, detail: str = "", limit: int | None = None
    ) -> None:
        super().__init__(f"{code} (row {row}): {detail}" if row else f"{code}: {detail}")
        self.code = code
        self.row = row
        self.detail = detail
        self.limit = limit


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much of a file one read takes in; the defaults are far above the published files.

    The government-wide ``service.csv`` has 1,752 records of 46 cells, its longest record is
    under 6,000 bytes and its longest cell 2,349 characters.
    """

    #: Rows of the file, the header and blank lines included.
    max_rows: int = 100_000
    #: Cells in one row (the official files have 46 and 24 columns).
    max_cells: int = 200
    #: Bytes of one record, with the line breaks inside its quoted cells.
    max_record_bytes: int = 128 * 1024
    #: Characters of one cell.
    max_cell_chars: int = 32 * 1024


DEFAULT_LIMITS: Final = ReadLimits()


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
    row. Reading stops with :class:`CsvFormatError` past a bound of ``limits``.
    """

    def __init__(self, lines: Iterable[bytes], *, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self._number = 1
        self._limits = limits
        self._record_bytes = 0
        self._reader = csv.reader(self._decode(lines), strict=True)
        first = self._next_cells()
        if first is None:
            raise CsvFormatError("empty_file", row=1)
        self.header: tuple[str, ...] = tuple(first)

    def _decode(self, lines: Iterable[bytes]) -> Iterator[str]:
        is_first = True
        for line in lines:
            # Bytes since the record began: a quoted cell spans lines until it is closed.
            self._record_bytes += len(line)
            if self._record_bytes > self._limits.max_record_bytes:
                raise CsvFormatError(
                    "record_too_long", row=self._number, limit=self._limits.max_record_bytes
                )
            if is_first:
                line = line.removeprefix(BYTE_ORDER_MARK)
                is_first = False
            yield line.decode(_ENCODING)

    def _next_cells(self) -> list[str] | None:
        limits = self._limits
        self._record_bytes = 0
        try:
            cells = next(self._reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as error:
            raise CsvFormatError("not_utf8", row=self._number, detail=str(error)) from error
        except csv.Error as error:
            raise CsvFormatError("malformed_csv", row=self._number, detail=str(error)) from error
        if self._number > limits.max_rows:
            raise CsvFormatError("too_many_rows", row=self._number, limit=limits.max_rows)
        if len(cells) > limits.max_cells:
            raise CsvFormatError("too_many_cells", row=self._number, limit=limits.max_cells)
        if any(len(cell) > limits.max_cell_chars for cell in cells):
            raise CsvFormatError("cell_too_long", row=self._number, limit=limits.max_cell_chars)
        return cells

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


def _bounded_lines(stream: IO[bytes], limits: ReadLimits) -> Iterator[bytes]:
    """The lines of ``stream``, none read longer than ``max_record_bytes + 1`` bytes (a longer
    line comes in pieces, and the reader refuses it at its first piece)."""
    size = limits.max_record_bytes + 1
    return iter(lambda: stream.readline(size), b"")


@contextmanager
def open_csv(
    source: str | Path | IO[bytes], *, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[OpenDataReader]:
    """Open a file, given its path or a binary stream (e.g. an upload), for reading.

    The reader's ``header`` can be checked (``validation.check_header``) before its records are
    iterated. A binary stream given by the caller is left open.
    """
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield OpenDataReader(_bounded_lines(stream, limits), limits=limits)
    else:
        yield OpenDataReader(_bounded_lines(source, limits), limits=limits)


def read_rows(
    source: str | Path | IO[bytes], *, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[CsvRow]:
    """Stream the records of a file (path or binary stream), without its header."""
    with open_csv(source, limits=limits) as reader:
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
