"""Titled tables as XLSX (openpyxl: numbers stay numbers, formula-like text made inert by
`core.reports.formulas`) and PDF (reportlab, `core.reports.pdf`)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from core.reports.formulas import neutralise, neutralise_row
from core.reports.pdf import CJK_FONT
from core.reports.tables import DATE, INT, MONEY, MONTH, Table


def _cell(value, kind: str):
    if value is None or (isinstance(value, float) and value != value):
        return None
    if kind == MONEY:
        return float(Decimal(value).quantize(Decimal("0.01")))
    if kind == INT:
        return int(value)
    if kind in (DATE, MONTH):
        return value if isinstance(value, dt.date) else neutralise(str(value))
    return value if isinstance(value, int | float) else neutralise(str(value))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)  # RFC 6266
    return response


def report_xlsx(title: str, tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", table.title)[:31] or "-")  # no sheet-name specials
        sheet.append([neutralise(str(title))])
        sheet.append(neutralise_row(str(h) for h in table.headers))
        for row in table.rows:
            sheet.append([_cell(v, k) for v, k in zip(row, table.kinds, strict=True)])
        for k, kind in enumerate(table.kinds, start=1):
            fmt = {"money": "#,##0.00", "pct": "0.0%", "change": "+0.0%;-0.0%", "date": "yyyy-mm-dd", "month": "yyyy-mm"}.get(kind)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=k, max_col=k):
                    cell.number_format = fmt
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(title: str, subtitle: str, tables: list[Table | Flowable]) -> bytes:
    """Title, subtitle and each table under its title; a reportlab flowable among the tables (a
    chart from `core.reports.pdf_charts`) goes in as it is."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, title=title)
    heading = ParagraphStyle("h", fontName=CJK_FONT, fontSize=15, leading=20, spaceAfter=4)
    small = ParagraphStyle("s", fontName=CJK_FONT, fontSize=9, leading=12)
    section = ParagraphStyle("t", fontName=CJK_FONT, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    # Paragraph reads markup: names typed by users are escaped (a name "A & B <b>" broke the PDF,
    # an <a href> made a live link).
    story = [Paragraph(escape(title), heading), Paragraph(escape(subtitle), small), Spacer(0, 4 * mm)]
    for table in tables:
        if not isinstance(table, Table):
            story.extend([table, Spacer(0, 3 * mm)])
            continue
        story.append(Paragraph(escape(table.title), section))
        data = [table.headers, *table.formatted()]
        grid = PdfTable(data, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
                    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef2")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story.append(grid)
    doc.build(story)
    return out.getvalue()
