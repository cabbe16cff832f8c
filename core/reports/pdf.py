"""PDF basics shared by every printable document: reportlab with its built-in Chinese CID font,
so nothing has to be installed on the machine to print Chinese."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
