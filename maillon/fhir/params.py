"""The search parameters of the SAS's CPTS slot search (`GET [base]/Slot?…`), parsed and checked.

Every error names the parameter in French; the view turns it into a 400 OperationOutcome.
Unknown parameters are ignored, as FHIR's default lenient handling says (`_count` and
`_include` included: one page holds every match, and the whole graph the guide expects is
always included — docs/fhir.md).
"""

import datetime
import re
from dataclasses import dataclass

from django.http import QueryDict

from maillon.core.time import paris

# The national identifier of health professionals (IDNPS): RPPS with the « 8 » prefix,
# ADELI with the « 0 » prefix.
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
MAX_PRACTITIONERS = 25
# The window a search may span (the guide's example covers three days); bounds the work.
MAX_WINDOW = datetime.timedelta(days=31)
START = "start"
ACTOR = "schedule.actor:Practitioner.identifier"
STATUS = "status"
FORMAT = "_format"
JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir", "text/json"}

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_PATTERN = re.compile(
    r"^(?P<value>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(?P<zone>Z|[+-]\d{2}:\d{2})?$"
)
RPPS_PATTERN = re.compile(r"^8?(?P<rpps>\d{11})$")
ADELI_PATTERN = re.compile(r"^0?(?P<adeli>(?:\d{2}|2A|2B)\d{7})$", re.IGNORECASE)


class SearchError(Exception):
    """A search that cannot run; `diagnostics` is French and names the parameter."""

    def __init__(self, diagnostics: str, *, code: str = "invalid", status: int = 400):
        super().__init__(diagnostics)
        self.diagnostics = diagnostics
        self.code = code
        self.status = status


@dataclass(frozen=True)
class SlotSearch:
    start_from: datetime.datetime
    start_until: datetime.datetime
    rpps: frozenset[str]
    adeli: frozenset[str]


def parse(query: QueryDict) -> SlotSearch:
    check_format(query)
    start_from, start_until = parse_start(query.getlist(START))
    rpps, adeli = parse_practitioners(query.getlist(ACTOR))
    parse_status(query.getlist(STATUS))
    return SlotSearch(start_from=start_from, start_until=start_until, rpps=frozenset(rpps), adeli=frozenset(adeli))


def check_format(query: QueryDict) -> None:
    for value in query.getlist(FORMAT):
        if value.strip().lower().replace(" ", "+") not in JSON_FORMATS:
            raise SearchError(
                f"Paramètre {FORMAT} : seul le format JSON (application/fhir+json) est servi.",
                code="not-supported",
                status=406,
            )


# --- start=ge…&start=le… ---------------------------------------------------------------------


def parse_start(values: list[str]) -> tuple[datetime.datetime, datetime.datetime]:
    bounds = {}
    for raw in values:
        prefix, value = raw[:2], raw[2:]
        if prefix not in ("ge", "le"):
            raise SearchError(
                f"Paramètre {START} : préfixe attendu « ge » (début) ou « le » (fin), par exemple "
                f"start=ge2024-06-12T16:20:00+02:00."
            )
        if prefix in bounds:
            raise SearchError(f"Paramètre {START} : le préfixe « {prefix} » est donné deux fois.")
        bounds[prefix] = parse_instant(value, upper=prefix == "le")
    missing = [prefix for prefix in ("ge", "le") if prefix not in bounds]
    if missing:
        raise SearchError(
            f"Paramètre {START} : les deux bornes sont obligatoires (start=ge… et start=le…) ; manque « {missing[0]} »."
        )
    if bounds["le"] < bounds["ge"]:
        raise SearchError(f"Paramètre {START} : la borne « le » précède la borne « ge ».")
    if bounds["le"] - bounds["ge"] > MAX_WINDOW:
        raise SearchError(f"Paramètre {START} : la fenêtre de recherche dépasse {MAX_WINDOW.days} jours.")
    return bounds["ge"], bounds["le"]


def parse_instant(value: str, *, upper: bool) -> datetime.datetime:
    """A FHIR date or dateTime. A date covers its whole day (the upper bound is its last
    instant); a time without zone is Paris time. A « + » of the zone left unencoded in the
    query string arrives as a space: it is put back."""
    value = value.strip().replace(" ", "+")
    if DATE_PATTERN.match(value):
        day = _date(value)
        moment = datetime.datetime.combine(day, datetime.time.max if upper else datetime.time.min)
        return paris(moment)
    match = DATETIME_PATTERN.match(value)
    if match is None:
        raise _bad_instant(value)
    try:
        moment = datetime.datetime.fromisoformat(match["value"][:26])
    except ValueError as error:
        raise _bad_instant(value) from error
    zone = match["zone"]
    if zone is None:
        return paris(moment)
    offset = datetime.UTC if zone == "Z" else _offset(zone, value)
    return moment.replace(tzinfo=offset)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise _bad_instant(value) from error


def _offset(zone: str, value: str) -> datetime.timezone:
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 14 or minutes > 59:
        raise _bad_instant(value)
    delta = datetime.timedelta(hours=hours, minutes=minutes)
    return datetime.timezone(-delta if zone[0] == "-" else delta)


def _bad_instant(value: str) -> SearchError:
    shown = value[:40]
    return SearchError(
        f"Paramètre {START} : « {shown} » n'est pas une date FHIR (AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ss+hh:mm)."
    )


# --- schedule.actor:Practitioner.identifier=system|value,… ---------------------------------------


def parse_practitioners(values: list[str]) -> tuple[set[str], set[str]]:
    """RPPS (« 8 » + 11 digits, or the 11 digits alone) and ADELI (« 0 » + 9, or 9) numbers.
    A repeated parameter adds to the list. The key is not checked: an unknown number finds
    nothing, as the guide asks for numbers the software does not hold."""
    tokens = [token.strip() for value in values for token in value.split(",")]
    tokens = [token for token in tokens if token]
    if not tokens:
        raise SearchError(
            f"Paramètre {ACTOR} : obligatoire, de 1 à {MAX_PRACTITIONERS} identifiants nationaux "
            f"({IDNPS_SYSTEM}|8 + RPPS).",
            code="required",
        )
    if len(tokens) > MAX_PRACTITIONERS:
        raise SearchError(
            f"Paramètre {ACTOR} : {len(tokens)} identifiants donnés, {MAX_PRACTITIONERS} au plus par recherche."
        )
    rpps, adeli = set(), set()
    for token in tokens:
        system, _, value = token.rpartition("|")
        if system and system != IDNPS_SYSTEM:
            raise SearchError(f"Paramètre {ACTOR} : système d'identifiants attendu {IDNPS_SYSTEM}.")
        value = value.strip()
        if match := RPPS_PATTERN.match(value):
            rpps.add(match["rpps"])
        elif match := ADELI_PATTERN.match(value):
            adeli.add(match["adeli"].upper())
        else:
            raise SearchError(
                f"Paramètre {ACTOR} : « {value[:20]} » n'est ni un RPPS (8 + 11 chiffres) ni un ADELI (0 + 9 chiffres)."
            )
    return rpps, adeli


# --- status=free -------------------------------------------------------------------------------


def parse_status(values: list[str]) -> None:
    tokens = {token.strip() for value in values for token in value.split(",") if token.strip()}
    if not tokens:
        raise SearchError(f"Paramètre {STATUS} : obligatoire, avec la valeur « free ».", code="required")
    if tokens != {"free"}:
        raise SearchError(f"Paramètre {STATUS} : seule la valeur « free » est prise en charge.")
