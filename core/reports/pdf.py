"""PDF basics shared by every printable document: reportlab with its built-in Chinese CID font,
so nothing has to be installed on the machine to print Chinese.

STSong-Light is one of the standard Adobe-GB1 fonts every PDF reader supplies (Acrobat's Asian font
pack, PDFium, pdf.js, Preview), so it is named, not embedded. reportlab writes the text as UTF-16
whatever CMap it names, but by default it names UniGB-UCS2-H, a CMap with no entry for "·" (U+00B7,
the separator in our titles) or "•": readers drew them as "�". UniGB-UTF16-H, the same font's
UTF-16 CMap, maps them (to CID 99, the middle dot) and everything UCS2-H maps ("—", "％", "¥", …).
"""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"
CJK_CMAP = "UniGB-UTF16-H"


class _ChineseFont(UnicodeCIDFont):
    def __init__(self) -> None:
        super().__init__(CJK_FONT)
        self.encodingName = CJK_CMAP  # the /Encoding the PDF names; the text is UTF-16 either way


pdfmetrics.registerFont(_ChineseFont())
