"""PDF documents, the same way for every download of the platform (statements, lists, reports…).

A tiny generic API: `render_pdf(title=…, subtitle=…, blocks=[…])` where blocks are
`Heading`, `Paragraph`, `Table` and `KeyValues`. A4 portrait, 2 cm margins, black text
on white with light grey rules (readable when printed in black and white), the table
header repeated on each page, and a footer with the generation date (Europe/Paris) and
« page n / N ».

Fonts: reportlab's built-in Helvetica (no font file to ship), which encodes text in
WinAnsi (cp1252): accents, « », œ, € and the no-break space are there. A character
outside it is replaced by its unaccented letter when it has one, else by « ? » (never an
error, never a missing glyph box). Text is plain text: markup characters are escaped.

Money: `euros(Decimal("1100"))` → « 1 100,00 € », with no-break spaces (U+00A0; the
narrow one of French typography is not in WinAnsi).
"""

import io
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

NBSP = "\u00a0"
MARGIN = 2 * cm
# The platform's page, in reportlab's words.
PAGE = {"pagesize": A4, "leftMargin": MARGIN, "rightMargin": MARGIN, "topMargin": MARGIN, "bottomMargin": MARGIN}
FOOTER_SIZE = 8
GREY = colors.Color(0.85, 0.85, 0.85)
LIGHT = colors.Color(0.95, 0.95, 0.95)

# --- Blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    align_right: set[int] = field(default_factory=frozenset)  # column indexes (amounts, hours)


@dataclass(frozen=True)
class KeyValues:
    pairs: list[tuple[str, str]]


# --- Text ----------------------------------------------------------------------------------


def winansi(text) -> str:
    """The text with every character Helvetica can draw (see the module's docstring)."""
    text = unicodedata.normalize("NFC", str(text if text is not None else ""))
    out = []
    for char in text:
        if char in "\u202f\u2009\u2007":
            out.append(NBSP)
            continue
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                base.encode("cp1252")
            except UnicodeEncodeError:
                base = ""
            out.append(base or "?")
        else:
            out.append(char)
    return "".join(out)


def markup(text) -> str:
    """Plain text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(winansi(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def decimal_fr(value, places: int = 2) -> str:
    """« 1 234,50 »: French grouping with no-break spaces and a decimal comma."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", NBSP).replace(".", ",")


def euros(amount) -> str:
    """« 1 100,00 € »."""
    return f"{decimal_fr(amount)}{NBSP}€"


# --- Styles --------------------------------------------------------------------------------

STYLES = {
    "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=18, leading=22, spaceAfter=4),
    "subtitle": ParagraphStyle("subtitle", fontName="Helvetica", fontSize=11, leading=14, spaceAfter=10),
    "heading": ParagraphStyle(
        "heading", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=10, spaceAfter=6
    ),
    "body": ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=6),
    "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=11),
    "cell_right": ParagraphStyle("cell_right", fontName="Helvetica", fontSize=9, leading=11, alignment=TA_RIGHT),
    "head": ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=9, leading=11),
    "head_right": ParagraphStyle("head_right", fontName="Helvetica-Bold", fontSize=9, leading=11, alignment=TA_RIGHT),
    "key": ParagraphStyle("key", fontName="Helvetica-Bold", fontSize=10, leading=13),
    "value": ParagraphStyle("value", fontName="Helvetica", fontSize=10, leading=13),
}

RULES = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, GREY),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]


def column_widths(header, rows, width) -> list[float]:
    """Widths in proportion to each column's longest text (bounded), filling `width`."""
    count = len(header)
    weights = []
    for index in range(count):
        texts = [header[index], *(row[index] if index < len(row) else "" for row in rows)]
        longest = max((len(str(text)) for text in texts), default=1)
        weights.append(min(max(longest, 4), 40))
    total = sum(weights)
    return [width * weight / total for weight in weights]


def table_flowable(block: Table, width):
    right = set(block.align_right)
    header = [
        RLParagraph(markup(text), STYLES["head_right" if index in right else "head"])
        for index, text in enumerate(block.header)
    ]
    rows = [
        [
            RLParagraph(
                markup(row[index] if index < len(row) else ""), STYLES["cell_right" if index in right else "cell"]
            )
            for index in range(len(block.header))
        ]
        for row in block.rows
    ]
    style = [
        *RULES,
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
    ]
    style += [("BACKGROUND", (0, index), (-1, index), LIGHT) for index in range(2, len(rows) + 1, 2)]
    table = RLTable(
        [header, *rows], colWidths=column_widths(block.header, block.rows, width), repeatRows=1, hAlign="LEFT"
    )
    table.setStyle(TableStyle(style))
    return table


def key_values_flowable(block: KeyValues, width):
    data = [
        [RLParagraph(markup(key), STYLES["key"]), RLParagraph(markup(value), STYLES["value"])]
        for key, value in block.pairs
    ]
    table = RLTable(data, colWidths=[width * 0.4, width * 0.6], hAlign="LEFT")
    table.setStyle(TableStyle(RULES))
    return KeepTogether(table)


def flowables(blocks, width) -> list:
    story = []
    for block in blocks:
        if isinstance(block, Heading):
            story.append(RLParagraph(markup(block.text), STYLES["heading"]))
        elif isinstance(block, Paragraph):
            story.append(RLParagraph(markup(block.text), STYLES["body"]))
        elif isinstance(block, Table):
            story += [table_flowable(block, width), Spacer(1, 8)]
        elif isinstance(block, KeyValues):
            story += [key_values_flowable(block, width), Spacer(1, 8)]
        else:
            raise TypeError(f"Unknown PDF block: {type(block).__name__}")
    return story


# --- Pages ---------------------------------------------------------------------------------


def numbered_canvas(footer_left: str):
    """A canvas class that writes « page n / N » once the number of pages is known."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", FOOTER_SIZE)
                self.setFillColor(colors.black)
                self.setStrokeColor(GREY)
                self.line(MARGIN, MARGIN - 0.5 * cm, A4[0] - MARGIN, MARGIN - 0.5 * cm)
                self.drawString(MARGIN, MARGIN - 0.9 * cm, footer_left)
                self.drawRightString(A4[0] - MARGIN, MARGIN - 0.9 * cm, f"page {number} / {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(*, title: str, subtitle: str = "", blocks: list) -> bytes:
    """The PDF of the blocks, under the title (and subtitle), as bytes; the footer numbers the
    pages and says when Maillon generated it."""
    footer = f"Généré le {timezone.localtime():%d/%m/%Y à %H:%M} par Maillon"
    return pdf_bytes(title, subtitle, blocks, numbered_canvas(footer), author="Maillon", creator="Maillon")


def pdf_bytes(title: str, subtitle: str, blocks: list, canvasmaker=pdf_canvas.Canvas, **metadata) -> bytes:
    """The blocks on the platform's A4 pages, under the title (and subtitle), as bytes; `metadata`
    for reportlab's document (its author, `invariant`…)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, **PAGE, title=winansi(title), subject=winansi(subtitle), lang="fr-FR", **metadata
    )
    story = [RLParagraph(markup(title), STYLES["title"])]
    if subtitle:
        story.append(RLParagraph(markup(subtitle), STYLES["subtitle"]))
    story += flowables(blocks, document.width)
    document.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()
