"""Pure .xlsx builders (openpyxl write-only); text can never become a formula."""
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from commentflow.core.text import clean


def _sheet_title(title: str) -> str:
    """Excel's rules for a sheet name: 31 characters, none of : \\ / ? * [ ]."""
    return "".join(" " if ch in ":\\/?*[]" else ch for ch in clean(title))[:31].strip() or "-"


def build_table(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
                widths: dict[str, Sequence[int]] | None = None) -> bytes:
    """One sheet per (title, header, rows); header bold, text wrapped at the top of its cell.
    `widths` may give column widths (in characters) per sheet title."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(title))
        for index, width in enumerate((widths or {}).get(title, ()), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=clean(name))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        # One style for every text cell, built once: setting an Alignment on each cell makes
        # openpyxl hash it again and again (most of the time of a 20,000-row export).
        template = WriteOnlyCell(sheet)
        template.alignment = Alignment(wrap_text=True, vertical="top")
        wrapped = template._style
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    value = clean(value)  # Excel refuses control characters in a cell
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    # Always a text cell: "=HYPERLINK(…)" typed by an agency stays text.
                    cell.data_type = "s"
                    cell._style = wrapped
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
