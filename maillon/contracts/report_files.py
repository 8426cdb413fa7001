"""The dialogue de gestion report as files: a PDF (`maillon.core.pdf`) and an XLSX workbook.

In the domain, not the web layer: the pages, the API and `bench/report.py` render it alike.

Both render the dict of `maillon.contracts.report.build_report` — a sent version's frozen
data — and nothing else: a sent version's files never change. PDF: a cover summary, the
contract, the year's funding, one section per mission, the money received, next year's
forecast and, in an annex, every spending row. Workbook: a « Synthèse » sheet, one sheet per
mission (calendar, indicators, funding lines, spending), « Fonctionnement » and
« Financement »; numbers are numbers (euros in a euro format), dates are dates, and text a
spreadsheet would run as a formula is neutralised (`spreadsheets.neutralise`).
"""

import datetime
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from maillon.core import pdf
from maillon.core.spreadsheets import xlsx_cell

from . import funding_table

EURO_FORMAT = '#,##0.00 "€"'
PDF_TYPE = "application/pdf"


# --- Shared wording ----------------------------------------------------------------------------


def date_fr(value: str | None) -> str:
    """« 2024-03-01 » → « 01/03/2024 »; nothing → « — »."""
    if not value:
        return "—"
    return datetime.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")


def money(value) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def quantity(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def quantity_fr(value: str | None, unit: str = "") -> str:
    if value in (None, ""):
        return "—"
    text = value.replace(".", ",")
    return f"{text}{pdf.NBSP}{unit}" if unit else text


def tiers_text(indicator: dict) -> str:
    tiers = [f"{tier['label']} : {pdf.euros(money(tier['amount']))}" for tier in indicator["tiers"]]
    return " ; ".join(tiers) or "—"


def baseline_text(indicator: dict) -> str:
    baseline = indicator["baseline"]
    if baseline["value"] is None:
        return "—"
    text = quantity_fr(baseline["value"], indicator["unit"])
    if baseline["date"]:
        text += f" au {date_fr(baseline['date'])}"
    if baseline["source"]:
        text += f" ({baseline['source']})"
    return text


def version_text(data: dict) -> str:
    meta = data["meta"]
    if meta.get("version"):
        return f"Version {meta['version']}, envoyée le {date_fr(meta.get('sent_at'))} par {meta['generated_by'] or '—'}"
    return f"Aperçu du {date_fr(meta['generated_at'])} (non envoyé)"


def summary_pairs(data: dict) -> list[tuple[str, str]]:
    cpts, contract, year = data["cpts"], data["contract"], data["year"]
    pairs = [("CPTS", cpts["name"])]
    if cpts.get("finess"):
        pairs.append(("FINESS", cpts["finess"]))
    if cpts.get("siren"):
        pairs.append(("SIREN", cpts["siren"]))
    reference = f" (réf. {contract['reference']})" if contract["reference"] else ""
    pairs += [
        ("Contrat", f"ACI signé le {date_fr(contract['signed_on'])}{reference}"),
        ("Terme du contrat", date_fr(contract["ends_on"])),
        ("Année du contrat", f"{year['number']} : du {date_fr(year['starts_on'])} au {date_fr(year['ends_on'])}"),
        ("Taille en vigueur", str(contract["taille_in_force"])),
        ("Avenants", str(len(contract["amendments"])) if contract["amendments"] else "aucun"),
        ("Financement de l'année", pdf.euros(money(data["funding"]["total"]))),
        ("Maximum possible de l'année", pdf.euros(money(data["funding"]["maximum"]))),
        ("Part variable demandée", pdf.euros(money(data["variable_claimed"]))),
        ("Versements reçus", pdf.euros(money(data["received"]["total"]))),
        ("Dépenses de l'année", pdf.euros(money(data["spending"]["total"]))),
        (
            "Temps des professionnels",
            f"{quantity_fr(data['members_time']['hours'])} h validées, "
            f"{pdf.euros(money(data['members_time']['indemnities_capped']))} d'indemnités",
        ),
    ]
    following = data["next_year"]
    if following:
        pairs.append(
            (f"Financement de l'année {following['number']} (prévisionnel)", pdf.euros(money(following["total"])))
        )
    return pairs


def mission_state(mission: dict) -> str:
    if mission["removed_on"]:
        return f"retirée le {date_fr(mission['removed_on'])}"
    if mission["deployed_on"]:
        return f"déployée le {date_fr(mission['deployed_on'])}"
    if mission["started_on"]:
        return f"démarrée le {date_fr(mission['started_on'])}"
    return "non démarrée"


# --- PDF ---------------------------------------------------------------------------------------


def _funding_table(funding: dict) -> pdf.Table:
    rows = [
        [mission, label, detail, pdf.euros(envelope), pdf.euros(amount)]
        for mission, label, detail, envelope, amount in funding_table.from_data(funding).with_total()
    ]
    return pdf.Table(["Mission", "Ligne", "Détail", "Enveloppe", "Montant"], rows, align_right=frozenset({3, 4}))


def _spending_blocks(spending: dict, what: str) -> list:
    if not spending["by_category"]:
        return [pdf.Paragraph(f"Aucune dépense enregistrée pour {what} cette année.")]
    rows = [[item["category_label"], pdf.euros(money(item["amount"]))] for item in spending["by_category"]]
    rows.append(["Total", pdf.euros(money(spending["total"]))])
    return [pdf.Table(["Nature de la dépense", "Montant"], rows, align_right=frozenset({1}))]


def _time_paragraph(time: dict) -> pdf.Paragraph:
    if not time["entries"]:
        return pdf.Paragraph("Temps des professionnels : aucun temps validé.")
    return pdf.Paragraph(
        f"Temps des professionnels : {quantity_fr(time['hours'])} h validées "
        f"({time['entries']} déclaration{'s' if time['entries'] > 1 else ''}), "
        f"valorisées {pdf.euros(money(time['indemnities']))}."
    )


def _mission_blocks(mission: dict) -> list:
    blocks = [
        pdf.Heading(f"Mission {mission['label']}"),
        pdf.Paragraph(mission["title"]),
        pdf.KeyValues(
            [
                ("Nature", "socle" if mission["socle"] else "optionnelle"),
                ("Incluse le", date_fr(mission["included_on"])),
                ("État", mission_state(mission)),
            ]
        ),
    ]
    if mission["deadlines"]:
        blocks.append(
            pdf.Table(
                ["Échéance", "Due le", "Faite le", "État"],
                [
                    [
                        deadline["label"],
                        date_fr(deadline["due_on"]),
                        date_fr(deadline["done_on"]),
                        deadline["state_label"],
                    ]
                    for deadline in mission["deadlines"]
                ],
            )
        )
    if mission["indicators"]:
        blocks.append(
            pdf.Table(
                ["Indicateur", "Référence", "Cible et paliers", "Valeur de l'année", "Montant atteint"],
                [
                    [
                        indicator["name"] + (f" ({indicator['unit']})" if indicator["unit"] else ""),
                        baseline_text(indicator),
                        " — ".join(filter(None, [indicator["target"], tiers_text(indicator)])),
                        quantity_fr(indicator["value"], indicator["unit"]),
                        pdf.euros(money(indicator["earned"])),
                    ]
                    for indicator in mission["indicators"]
                ],
                align_right=frozenset({3, 4}),
            )
        )
    else:
        blocks.append(pdf.Paragraph("Aucun indicateur en vigueur cette année."))
    variable = mission["variable"]
    capped = " (plafonnée à l'enveloppe)" if variable["capped"] else ""
    blocks.append(
        pdf.Paragraph(
            f"Part variable : {pdf.euros(money(variable['earned']))} atteints, "
            f"{pdf.euros(money(variable['claimed']))} demandés{capped}, "
            f"sur une enveloppe de {pdf.euros(money(variable['envelope']))}. "
            f"Part fixe : {pdf.euros(money(variable['fixed']))}."
        )
    )
    blocks += _spending_blocks(mission["spending"], "cette mission")
    blocks.append(_time_paragraph(mission["members_time"]))
    return blocks


def pdf_blocks(data: dict) -> list:
    contract = data["contract"]
    blocks: list = [
        pdf.Paragraph(version_text(data)),
        pdf.Heading("Synthèse"),
        pdf.KeyValues(summary_pairs(data)),
        pdf.Table(
            ["Mission", "État", "Fixe", "Variable demandé", "Dépenses"],
            [
                [
                    mission["label"],
                    mission_state(mission),
                    pdf.euros(money(mission["variable"]["fixed"])),
                    pdf.euros(money(mission["variable"]["claimed"])),
                    pdf.euros(money(mission["spending"]["total"])),
                ]
                for mission in data["missions"]
            ],
            align_right=frozenset({2, 3, 4}),
        ),
        pdf.Heading("Contrat et avenants"),
        pdf.Paragraph(
            f"ACI signé le {date_fr(contract['signed_on'])} pour {contract['duration_years']} ans "
            f"(terme : {date_fr(contract['ends_on'])}), taille {contract['taille_at_signature']} à la signature."
        ),
    ]
    if contract["amendments"]:
        blocks.append(
            pdf.Table(
                ["Avenant", "Signé le", "Objet", "Nouvelle taille"],
                [
                    [
                        f"n° {item['number']}",
                        date_fr(item["signed_on"]),
                        item["summary"],
                        str(item["new_taille"] or "—"),
                    ]
                    for item in contract["amendments"]
                ],
            )
        )
    blocks += [
        pdf.Heading(f"Financement de l'année {data['year']['number']}"),
        pdf.Paragraph(
            "Faits de l'année : "
            + " ; ".join(f"{fact['label']} : {'oui' if fact['value'] else 'non'}" for fact in data["facts"].values())
            + "."
        ),
        _funding_table(data["funding"]),
    ]
    for mission in data["missions"]:
        blocks += _mission_blocks(mission)
    blocks.append(pdf.Heading("Fonctionnement"))
    blocks += _spending_blocks(data["fonctionnement"]["spending"], "le fonctionnement")
    blocks.append(_time_paragraph(data["fonctionnement"]["members_time"]))
    blocks.append(pdf.Heading("Versements reçus"))
    if data["received"]["rows"]:
        rows = [
            [date_fr(row["received_on"]), row["label"], pdf.euros(money(row["amount"]))]
            for row in data["received"]["rows"]
        ]
        rows.append(["Total", "", pdf.euros(money(data["received"]["total"]))])
        blocks.append(pdf.Table(["Reçu le", "Libellé", "Montant"], rows, align_right=frozenset({2})))
    else:
        blocks.append(pdf.Paragraph("Aucun versement enregistré pour cette année."))
    balance = data["balance"]
    blocks.append(
        pdf.Paragraph(
            f"Reçu {pdf.euros(money(balance['received']))}, dépensé {pdf.euros(money(balance['spent']))} : "
            f"écart {pdf.euros(money(balance['received_minus_spent']))}."
        )
    )
    following = data["next_year"]
    if following:
        blocks += [
            pdf.Heading(f"Financement de l'année {following['number']} (prévisionnel)"),
            pdf.Paragraph("Hypothèses : " + " ".join(following["assumptions"])),
            _funding_table(following),
        ]
    rows = [
        [
            date_fr(row["spent_on"]),
            mission["label"],
            row["category_label"],
            row["label"],
            pdf.euros(money(row["amount"])),
        ]
        for mission in [*data["missions"], {"label": "Fonctionnement", "spending": data["fonctionnement"]["spending"]}]
        for row in mission["spending"]["rows"]
    ]
    if rows:
        rows.sort(key=lambda row: row[0][6:] + row[0][3:5] + row[0][:2])
        blocks += [
            pdf.Heading("Annexe : détail des dépenses"),
            pdf.Table(["Date", "Mission", "Nature", "Libellé", "Montant"], rows, align_right=frozenset({4})),
        ]
    return blocks


def report_pdf(data: dict) -> bytes:
    year = data["year"]
    return pdf.render_pdf(
        title=f"{data['title']} — {data['cpts']['name']}",
        subtitle=f"Année {year['number']} du contrat : du {date_fr(year['starts_on'])} au {date_fr(year['ends_on'])}",
        blocks=pdf_blocks(data),
    )


# --- XLSX --------------------------------------------------------------------------------------

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class Money(Decimal):
    """An amount in euros: a number with the euro format."""


def sheet_title(text: str) -> str:
    """A valid sheet name (31 characters at most), cut at a word."""
    text = SHEET_FORBIDDEN.sub(" ", text)
    if len(text) > 31:
        text = text[:32].rsplit(" ", 1)[0]
    return text.strip()


class SheetWriter:
    """Rows of typed values on a write-only sheet (text neutralised, numbers as numbers)."""

    def __init__(self, workbook, title, widths):
        self.sheet = workbook.create_sheet(sheet_title(title))
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[chr(ord("A") + index)].width = width
        self.bold = Font(bold=True)

    def cell(self, value, *, bold=False):
        if isinstance(value, Money):
            cell = WriteOnlyCell(self.sheet, value=Decimal(value))
            cell.number_format = EURO_FORMAT
        elif isinstance(value, Decimal):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = "General"
        else:
            cell = xlsx_cell(self.sheet, value)
        if bold:
            cell.font = self.bold
        return cell

    def row(self, *values, bold=False):
        self.sheet.append([self.cell(value, bold=bold) for value in values])

    def title(self, text):
        self.row(text, bold=True)

    def blank(self):
        self.sheet.append([])


def iso_date(value: str | None):
    return datetime.date.fromisoformat(value[:10]) if value else None


def _funding_rows(writer: SheetWriter, funding: dict):
    writer.row("Mission", "Ligne", "Détail", "Enveloppe", "Montant", bold=True)
    rows = funding_table.from_data(funding).with_total()
    for mission, label, detail, envelope, amount in rows[:-1]:
        writer.row(mission, label, detail, Money(envelope), Money(amount))
    _, _, _, maximum, total = rows[-1]
    writer.row("Total", "", "", Money(maximum), Money(total), bold=True)


def _spending_rows(writer: SheetWriter, spending: dict):
    writer.title("Dépenses par nature")
    writer.row("Nature", "Montant", bold=True)
    for item in spending["by_category"]:
        writer.row(item["category_label"], Money(item["amount"]))
    writer.row("Total", Money(spending["total"]), bold=True)
    writer.blank()
    writer.title("Détail des dépenses")
    writer.row("Date", "Nature", "Libellé", "Montant", bold=True)
    for row in spending["rows"]:
        writer.row(iso_date(row["spent_on"]), row["category_label"], row["label"], Money(row["amount"]))


def _time_rows(writer: SheetWriter, time: dict):
    writer.title("Temps des professionnels (validé)")
    writer.row("Déclarations", "Heures", "Indemnités valorisées", bold=True)
    writer.row(time["entries"], quantity(time["hours"]), Money(time["indemnities"]))


def _mission_sheet(workbook, mission: dict):
    writer = SheetWriter(workbook, f"M{mission['number']} {mission['short_label']}", [34, 26, 40, 18, 18, 18, 18])
    writer.title(f"Mission {mission['label']}")
    writer.row(mission["title"])
    writer.row("Nature", "socle" if mission["socle"] else "optionnelle")
    writer.row("Incluse le", iso_date(mission["included_on"]))
    writer.row("Démarrée le", iso_date(mission["started_on"]))
    writer.row("Pleinement déployée le", iso_date(mission["deployed_on"]))
    writer.blank()
    writer.title("Calendrier")
    writer.row("Échéance", "Due le", "Faite le", "État", bold=True)
    for deadline in mission["deadlines"]:
        writer.row(
            deadline["label"], iso_date(deadline["due_on"]), iso_date(deadline["done_on"]), deadline["state_label"]
        )
    writer.blank()
    writer.title("Indicateurs")
    writer.row(
        "Indicateur",
        "Unité",
        "Cible et paliers",
        "Référence",
        "Date de la référence",
        "Source de la référence",
        "Valeur de l'année",
        "Montant atteint",
        bold=True,
    )
    for indicator in mission["indicators"]:
        baseline = indicator["baseline"]
        writer.row(
            indicator["name"],
            indicator["unit"],
            " — ".join(filter(None, [indicator["target"], tiers_text(indicator)])),
            quantity(baseline["value"]),
            iso_date(baseline["date"]),
            baseline["source"],
            quantity(indicator["value"]),
            Money(indicator["earned"]),
        )
    writer.blank()
    variable = mission["variable"]
    writer.title("Financement de la mission")
    writer.row("Part fixe", Money(variable["fixed"]))
    writer.row("Part variable atteinte", Money(variable["earned"]))
    writer.row("Enveloppe variable", Money(variable["envelope"]))
    writer.row("Part variable demandée", Money(variable["claimed"]))
    writer.blank()
    _spending_rows(writer, mission["spending"])
    writer.blank()
    _time_rows(writer, mission["members_time"])


def report_xlsx(data: dict) -> bytes:
    workbook = Workbook(write_only=True)

    summary = SheetWriter(workbook, "Synthèse", [40, 40, 18, 18, 18])
    summary.title(f"{data['title']} — {data['cpts']['name']}")
    summary.row(version_text(data))
    summary.blank()
    for key, value in summary_pairs(data):
        summary.row(key, value)
    summary.blank()
    summary.row("Mission", "État", "Part fixe", "Part variable demandée", "Dépenses", bold=True)
    for mission in data["missions"]:
        summary.row(
            mission["label"],
            mission_state(mission),
            Money(mission["variable"]["fixed"]),
            Money(mission["variable"]["claimed"]),
            Money(mission["spending"]["total"]),
        )
    summary.blank()
    summary.title("Avenants")
    summary.row("Numéro", "Objet", "Signé le", "Nouvelle taille", bold=True)
    for item in data["contract"]["amendments"]:
        summary.row(item["number"], item["summary"], iso_date(item["signed_on"]), item["new_taille"])

    for mission in data["missions"]:
        _mission_sheet(workbook, mission)

    operating = SheetWriter(workbook, "Fonctionnement", [34, 26, 40, 18])
    operating.title("Fonctionnement")
    _spending_rows(operating, data["fonctionnement"]["spending"])
    operating.blank()
    _time_rows(operating, data["fonctionnement"]["members_time"])

    money_sheet = SheetWriter(workbook, "Financement", [34, 40, 50, 18, 18])
    money_sheet.title(f"Financement de l'année {data['year']['number']}")
    _funding_rows(money_sheet, data["funding"])
    money_sheet.blank()
    money_sheet.title("Versements reçus")
    money_sheet.row("Reçu le", "Libellé", "Montant", bold=True)
    for row in data["received"]["rows"]:
        money_sheet.row(iso_date(row["received_on"]), row["label"], Money(row["amount"]))
    money_sheet.row("Total", "", Money(data["received"]["total"]), bold=True)
    money_sheet.blank()
    money_sheet.row("Dépenses de l'année", Money(data["spending"]["total"]))
    money_sheet.row("Reçu moins dépensé", Money(data["balance"]["received_minus_spent"]))
    following = data["next_year"]
    if following:
        money_sheet.blank()
        money_sheet.title(f"Financement de l'année {following['number']} (prévisionnel)")
        for text in following["assumptions"]:
            money_sheet.row(text)
        _funding_rows(money_sheet, following)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
