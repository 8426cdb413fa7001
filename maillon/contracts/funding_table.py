"""The funding table of a contract year: the one builder of every face that shows it.

The funding page, the public simulator and its API, the contract's API, the dialogue de
gestion report and its PDF and workbook all show the same table: the lines of
`funding.compute_year` grouped as the seeds present them (fonctionnement, then each
mission), with the year's total and maximum. `build(year_funding)` makes it from the
engine's answer; `to_data` / `from_data` turn it into the plain dict a frozen report keeps
(amounts as « 1234.56 » strings) and back, so that a sent report's files render the table
it froze. Pure: no ORM, no web.
"""

from dataclasses import dataclass
from decimal import Decimal

from maillon.core import missions

from .funding import ZERO, YearFunding, euros, to_cents
from .tariffs import FIXED_PARTS, TARIFFS


@dataclass(frozen=True)
class Row:
    mission: int | None  # None: fonctionnement
    part: str
    label: str
    envelope: Decimal
    amount: Decimal
    detail: str

    @property
    def mission_label(self) -> str:
        """« 1 — Accès aux soins », or « Fonctionnement »."""
        return missions.label(self.mission)

    @property
    def title(self) -> str:
        """The seeds' heading of the row's block."""
        return missions.contract_title(self.mission)

    @property
    def fixed(self) -> bool:
        return self.part == "fonctionnement" or self.part in FIXED_PARTS


@dataclass(frozen=True)
class Block:
    """Fonctionnement or one mission: its rows and their sums."""

    mission: int | None
    rows: tuple[Row, ...]

    @property
    def title(self) -> str:
        return missions.contract_title(self.mission)

    @property
    def envelope(self) -> Decimal:
        return sum((row.envelope for row in self.rows), ZERO)

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    @property
    def has_total(self) -> bool:
        return self.mission is not None


@dataclass(frozen=True)
class FundingTable:
    contract_year: int
    tariff_version: str
    rows: tuple[Row, ...]
    total: Decimal
    maximum: Decimal

    @property
    def tariff_label(self) -> str:
        return next((tariff.label for tariff in TARIFFS if tariff.version == self.tariff_version), self.tariff_version)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Rows grouped as the seeds' table, fonctionnement first."""
        order = [None, *sorted({row.mission for row in self.rows if row.mission is not None})]
        return tuple(
            Block(mission, tuple(row for row in self.rows if row.mission == mission))
            for mission in order
            if any(row.mission == mission for row in self.rows)
        )

    def rows_of(self, mission: int | None) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.mission == mission)

    def with_total(self) -> list[tuple[str, str, str, Decimal, Decimal]]:
        """(mission, line, detail, envelope, amount) per row, then the total: the files' table."""
        rows = [(row.mission_label, row.label, row.detail, row.envelope, row.amount) for row in self.rows]
        rows.append(("Total", "", "", self.maximum, self.total))
        return rows


def build(year_funding: YearFunding) -> FundingTable:
    rows = tuple(
        Row(line.mission, line.part, line.label_fr, line.envelope, line.amount, line.detail)
        for line in year_funding.lines
    )
    return FundingTable(
        year_funding.contract_year, year_funding.tariff_version, rows, year_funding.total, year_funding.maximum
    )


# --- Faces ----------------------------------------------------------------------------------------


def amount_text(value) -> str:
    """« 1234.56 »: a Decimal as a string, two decimals, never a float."""
    return str(to_cents(Decimal(value)))


def row_data(row: Row) -> dict:
    """One line as a report keeps it (amounts as strings)."""
    return {
        "mission": row.mission,
        "mission_label": row.mission_label,
        "part": row.part,
        "label": row.label,
        "envelope": amount_text(row.envelope),
        "amount": amount_text(row.amount),
        "detail": row.detail,
    }


def to_data(table: FundingTable) -> dict:
    """The table as a frozen report keeps it."""
    return {
        "contract_year": table.contract_year,
        "tariff_version": table.tariff_version,
        "lines": [row_data(row) for row in table.rows],
        "total": amount_text(table.total),
        "maximum": amount_text(table.maximum),
    }


def from_data(data: dict) -> FundingTable:
    """A frozen report's table back (its lines as they were frozen)."""
    rows = tuple(
        Row(
            line["mission"],
            line["part"],
            line["label"],
            Decimal(line["envelope"]),
            Decimal(line["amount"]),
            line["detail"],
        )
        for line in data["lines"]
    )
    return FundingTable(
        data.get("contract_year", 0),
        data.get("tariff_version", ""),
        rows,
        Decimal(data["total"]),
        Decimal(data["maximum"]),
    )


def api_lines(table: FundingTable) -> list[dict]:
    """The lines of the API's answers (simulator and contract): amounts as Decimal, the
    block's heading as `mission_label` (as the API has always said)."""
    return [
        {
            "mission": row.mission,
            "mission_label": row.title,
            "part": row.part,
            "label": row.label,
            "envelope": row.envelope,
            "amount": row.amount,
            "detail": row.detail,
        }
        for row in table.rows
    ]


def page_blocks(table: FundingTable) -> list[dict]:
    """The blocks of the pages (funding page, simulator), amounts in French."""
    return [
        {
            "mission": block.mission,
            "title": block.title,
            "lines": [
                {
                    "label": row.label,
                    "envelope": euros(row.envelope),
                    "amount": euros(row.amount),
                    "detail": row.detail,
                    "fixed": row.fixed,
                }
                for row in block.rows
            ],
            "envelope": euros(block.envelope),
            "amount": euros(block.amount),
            "has_total": block.has_total,
        }
        for block in table.blocks
    ]


def page_context(table: FundingTable) -> dict:
    """What a page shows of the table."""
    return {
        "funding_table": table,
        "blocks": page_blocks(table),
        "total": euros(table.total),
        "maximum": euros(table.maximum),
        "tariff_label": table.tariff_label,
    }
