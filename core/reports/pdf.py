"""PDF basics shared by every printable document: one Chinese font, `CJK_FONT`.

Where a TrueType CJK font is installed (`PDF_CJK_FONT_FILES`: WenQuanYi Micro Hei from Debian's
fonts-wqy-microhei, which CI and the production image install), it is embedded in every PDF (only
the glyphs used: reportlab subsets TrueType), so a document prints the same on any reader and
printer. On a machine without one, reportlab's built-in CID font STSong-Light is named instead, so
nothing has to be installed to print Chinese: it is one of the standard Adobe-GB1 fonts every PDF
reader supplies (Acrobat's Asian font pack, PDFium, pdf.js, Preview), named, not embedded.
reportlab writes its text as UTF-16 whatever CMap it names, but by default it names UniGB-UCS2-H, a
CMap with no entry for "·" (U+00B7, the separator in our titles) or "•": readers drew them as "�".
UniGB-UTF16-H, the same font's UTF-16 CMap, maps them (to CID 99, the middle dot) and everything
UCS2-H maps ("—", "％", "¥", …).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

CID_FONT = "STSong-Light"
CJK_CMAP = "UniGB-UTF16-H"
EMBEDDED_FONT = "CJK-Embedded"
DEFAULT_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


class _ChineseFont(UnicodeCIDFont):
    def __init__(self) -> None:
        super().__init__(CID_FONT)
        self.encodingName = CJK_CMAP  # the /Encoding the PDF names; the text is UTF-16 either way


def _register() -> str:
    for path in getattr(settings, "PDF_CJK_FONT_FILES", DEFAULT_FONT_FILES):
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path, subfontIndex=0))
            return EMBEDDED_FONT
    pdfmetrics.registerFont(_ChineseFont())
    return CID_FONT


CJK_FONT = _register()
