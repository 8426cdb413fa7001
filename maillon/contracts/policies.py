"""Who may see the ACI of a CPTS and take which step on it — the one place that says it; the
pages (maillon/www/contracts_views/) and the API (maillon/api/contracts.py,
maillon/api/reports.py) both ask here.

- The coordinators of the CPTS read and write: the contract, its missions' dates and
  avenants, the indicators and their values, the facts, receipts and spending; they send the
  report of the dialogue de gestion.
- The authorities (ARS, CPAM agents) over the CPTS's territory (a `TerritoryRole` over a
  département or région where the CPTS has communes) read, and sign a sent report off or send
  it back; the observers of the territory read.
- Platform admins (superusers), least access: the ACI names nobody (its report counts the
  members' time by mission), so they keep reading it as they did; but a platform admin is
  neither the coordination nor the ARS: they no longer write the contract, send a report nor
  sign one off (they used to, counted as coordinators and let through the report decision).
- Anyone else (a member of the CPTS, the SAS regulation, another territory's reader): nothing.

The callers answer 404 (as for a missing CPTS) when `can_read_contract` says no, and 403 when
the user reads the ACI but may not take the action.
"""

from maillon.core.policies import is_authenticated, is_coordinator, is_platform_admin
from maillon.territories import policies as territory

COORDINATOR = "coordinator"
AUTHORITY = "authority"
OBSERVER = "observer"
ADMIN = "admin"


def contract_role(user, cpts, cpts_role=None) -> str | None:
    """coordinator, authority or observer: the user's role on the CPTS's ACI, None without one
    (a platform admin included). `cpts_role` is ignored: `core.policies` knows it already (kept
    for the callers that still pass `request.cpts_role`)."""
    if not is_authenticated(user):
        return None
    if is_coordinator(user, cpts):
        return COORDINATOR
    if territory.is_authority(user, cpts):
        return AUTHORITY
    if territory.is_observer(user, cpts):
        return OBSERVER
    return None


def reader_role(user, cpts) -> str | None:
    """Who reads the ACI: `contract_role`, else « admin » for a platform admin, else None."""
    role = contract_role(user, cpts)
    if role is None and is_platform_admin(user):
        return ADMIN
    return role


def is_authority(user, cpts) -> bool:
    """An authority (ARS, CPAM agent) over the CPTS's département or région."""
    return territory.is_authority(user, cpts)


# --- The contract ------------------------------------------------------------------------


def can_read_contract(user, cpts) -> bool:
    """The ACI's pages and API, its documents and reports: the coordinators, the authorities
    and observers of the territory, the platform admins."""
    return reader_role(user, cpts) is not None


def can_edit_contract(user, cpts) -> bool:
    """Record the contract, its missions' dates, avenants, indicators and values, facts,
    receipts and spending: the coordinators."""
    return is_coordinator(user, cpts)


# --- The dialogue de gestion ------------------------------------------------------------


def can_send_report(user, cpts) -> bool:
    """Freeze the year's report as a new version sent to the ARS and the CPAM: the coordinators."""
    return is_coordinator(user, cpts)


def can_see_report(user, report) -> bool:
    """A sent version of the report (and its files): the readers of its CPTS's ACI."""
    return can_read_contract(user, report.contract.cpts_id)


def can_decide_report(user, report) -> bool:
    """Sign a sent version off or send it back: the authorities over its CPTS's territory only
    (not the coordinators, not the observers, not a platform admin). A coordinator of the CPTS who
    also holds an authority role counts as its coordination: nobody decides on their own report."""
    cpts_id = report.contract.cpts_id
    return territory.is_authority(user, cpts_id) and not is_coordinator(user, cpts_id)
