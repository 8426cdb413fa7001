"""Writes on the ACI contract that touch several rows, each in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from maillon.core.missions import SOCLE, parse_many
from maillon.core.models import CptsStatus

from . import catalogue, registry
from .models import (
    Amendment,
    Contract,
    FactCode,
    FactStatement,
    FundingReceipt,
    Indicator,
    IndicatorSource,
    IndicatorTier,
    IndicatorValue,
    ManagementReport,
    MissionCommitment,
    Spending,
)
from .tariffs import NoTariffError, tariff_on


def _check_missions(missions) -> list[int]:
    try:
        return parse_many(missions)
    except ValueError:
        raise ValidationError({"missions": "Missions : choisissez parmi les missions 1 à 6."}) from None


@transaction.atomic
def create_contract(*, cpts, signed_on, taille, missions, by, reference="", duration_years=5) -> Contract:
    """An ACI with its missions (the four socle missions are part of every ACI)."""
    missions = _check_missions(missions)
    missing = [mission for mission in SOCLE if mission not in missions]
    if missing:
        names = ", ".join(str(mission) for mission in missing)
        raise ValidationError(
            {"missions": f"Missions : les missions socle 1 à 4 font partie de tout ACI (manque {names})."}
        )
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "Date de signature : elle ne peut être dans le futur."})
    try:
        tariff_on(signed_on)
    except NoTariffError as error:
        raise ValidationError(
            {"signed_on": "Date de signature : aucun barème ACI n'était en vigueur à cette date."}
        ) from error
    contract = Contract(
        cpts=cpts, signed_on=signed_on, taille=taille, reference=reference, duration_years=duration_years, created_by=by
    )
    contract.full_clean(exclude=["cpts", "created_by"])
    overlapping = [
        other
        for other in Contract.objects.for_cpts(cpts)
        if other.signed_on < contract.ends_on and signed_on < other.ends_on
    ]
    if overlapping:
        raise ValidationError({"signed_on": f"Date de signature : elle chevauche l'{overlapping[0]}."})
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as error:
        raise ValidationError({"signed_on": "Date de signature : un contrat porte déjà cette date."}) from error
    for mission in missions:
        MissionCommitment.objects.create(contract=contract, mission=mission, included_on=signed_on)
    # The ACI recorded is the decision that moves the CPTS to « ACI signé », on its signature date.
    cpts.advance_to(CptsStatus.ACI_SIGNED, on=signed_on, by=by)
    return contract


@transaction.atomic
def sign_amendment(
    *,
    contract,
    signed_on,
    summary,
    by,
    new_taille=None,
    add_missions=(),
    remove_missions=(),
    add_indicators=(),
    retire_indicators=(),
) -> Amendment:
    """An avenant: a new taille from its date, missions added or removed (never a socle one),
    catalogue indicators added (`add_indicators`: catalogue codes) and indicators retired
    (`retire_indicators`: ids of the contract's indicators), all dated from the avenant."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    add_missions, remove_missions = _check_missions(add_missions), _check_missions(remove_missions)
    if set(add_missions) & set(remove_missions):
        raise ValidationError({"missions": "Missions : une même mission ne peut être ajoutée et retirée."})
    if any(mission in SOCLE for mission in remove_missions):
        raise ValidationError(
            {"remove_missions": "Missions retirées : une mission socle (1 à 4) ne peut être retirée."}
        )
    if not summary.strip():
        raise ValidationError({"summary": "Objet de l'avenant : dites ce qu'il change."})
    number = (contract.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
    amendment = Amendment(
        contract=contract, number=number, signed_on=signed_on, summary=summary, new_taille=new_taille, created_by=by
    )
    amendment.full_clean(exclude=["created_by"])
    if contract.amendments.filter(signed_on__gt=signed_on).exists():
        raise ValidationError({"signed_on": "Date de l'avenant : un avenant plus récent existe déjà."})
    if new_taille is not None and contract.amendments.filter(signed_on=signed_on, new_taille__isnull=False).exists():
        raise ValidationError(
            {
                "new_taille": "Nouvelle taille : un avenant change déjà la taille à cette date ; "
                "une seule taille par date."
            }
        )
    amendment.save()
    current = {commitment.mission: commitment for commitment in contract.missions.filter(removed_on__isnull=True)}
    for mission in add_missions:
        if mission in current:
            raise ValidationError(
                {"add_missions": f"Missions ajoutées : la mission {mission} fait déjà partie du contrat."}
            )
        MissionCommitment.objects.create(contract=contract, mission=mission, included_on=signed_on, added_by=amendment)
    for mission in remove_missions:
        if mission not in current:
            raise ValidationError(
                {"remove_missions": f"Missions retirées : la mission {mission} n'est pas au contrat."}
            )
        commitment = current[mission]
        commitment.removed_on, commitment.removed_by = signed_on, amendment
        commitment.save()
    _amend_indicators(contract, amendment, add_indicators, retire_indicators)
    return amendment


def _amend_indicators(contract, amendment, add_codes, retire_ids) -> None:
    retire_ids = {int(pk) for pk in retire_ids}
    retiring = list(contract.indicators.filter(pk__in=retire_ids, retired_on__isnull=True))
    if len(retiring) != len(retire_ids):
        raise ValidationError(
            {"retire_indicators": "Indicateurs retirés : choisissez des indicateurs en vigueur du contrat."}
        )
    for indicator in retiring:
        retire_indicator(indicator, on=amendment.signed_on, amendment=amendment)
    for code in add_codes:
        entry = catalogue.entry(code)
        if entry is None:
            raise ValidationError({"add_indicators": "Indicateurs ajoutés : choisissez dans le catalogue."})
        try:
            add_indicator(contract=contract, added_on=amendment.signed_on, amendment=amendment, catalogue_code=code)
        except ValidationError as error:
            detail = " ".join(error.messages)
            raise ValidationError({"add_indicators": f"Indicateurs ajoutés : « {entry.name} » — {detail}"}) from error


@transaction.atomic
def add_indicator(*, contract, added_on, mission=None, name="", tiers=(), amendment=None, catalogue_code="", **fields):
    """An indicator of the contract, from the catalogue (`catalogue_code`: its mission, name, unit
    and definition unless given) or the CPTS's own.

    `tiers`: [(low, high, amount, label)…]. A catalogue entry a mission app computes
    (registered) is computed; otherwise its values are entered.
    """
    entry = catalogue.entry(catalogue_code) if catalogue_code else None
    if entry:
        mission = entry.mission if mission is None else mission
        name = name or entry.name
        fields.setdefault("code", entry.code)
        fields.setdefault("unit", entry.unit)
        fields.setdefault("definition", entry.definition)
        if entry.computed_code and registry.indicator(entry.computed_code):
            fields.setdefault("source", IndicatorSource.COMPUTED)
            fields.setdefault("computed_code", entry.computed_code)
    fields.setdefault("code", _free_code(contract, name))
    if mission not in contract.state_on(added_on).mission_numbers:
        raise ValidationError({"mission": "Mission : elle ne fait pas partie du contrat à cette date."})
    indicator = Indicator(
        contract=contract, mission=mission, name=name, added_on=added_on, added_by=amendment, **fields
    )
    indicator.full_clean(exclude=["contract", "added_by"])
    if contract.indicators.filter(code=indicator.code, retired_on__isnull=True).exists():
        raise ValidationError({"code": "Code : un indicateur du contrat porte déjà ce code."})
    indicator.save()
    set_tiers(indicator, tiers)
    return indicator


def _free_code(contract, name) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:50] or "indicateur"
    code, n = base, 1
    while contract.indicators.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def set_tiers(indicator, tiers) -> None:
    """Replace the tiers of an indicator: [(low, high, amount, label)…]."""
    indicator.tiers.all().delete()
    for low, high, amount, label in tiers:
        tier = IndicatorTier(indicator=indicator, low=low, high=high, amount=amount, label=label or "")
        tier.full_clean(exclude=["indicator"])
        tier.save()


@transaction.atomic
def retire_indicator(indicator, *, on, amendment=None) -> None:
    if on < indicator.added_on:
        raise ValidationError({"retired_on": "Date de retrait : elle ne peut précéder l'ajout de l'indicateur."})
    indicator.retired_on, indicator.retired_by = on, amendment
    indicator.save()


def record_value(*, indicator, contract_year, value, by, note="", document=None) -> IndicatorValue:
    """Enter (or correct) the value of an indicator for a contract year."""
    if indicator.is_computed:
        raise ValidationError({"value": "Valeur : cet indicateur est calculé par la plateforme."})
    year = indicator.contract.year(contract_year)  # in range, or a clear error
    if not (
        indicator.added_on < year.ends_on and (indicator.retired_on is None or indicator.retired_on > year.starts_on)
    ):
        raise ValidationError(
            {"contract_year": f"Année du contrat : l'indicateur n'est pas au contrat pendant l'année {contract_year}."}
        )
    fields = {"value": value, "note": note, "entered_by": by, "entered_at": timezone.now()}
    if document:
        fields["document"] = document
    with transaction.atomic():
        row, _ = IndicatorValue.objects.update_or_create(
            indicator=indicator, contract_year=contract_year, defaults=fields
        )
    return row


@transaction.atomic
def refresh_computed_values(contract, contract_year: int) -> int:
    """Compute and store this year's values of the computed indicators; returns how many."""
    year = contract.year(contract_year)
    count = 0
    for indicator in contract.indicators.overlapping(year.starts_on, year.ends_on).filter(
        source=IndicatorSource.COMPUTED
    ):
        value = registry.compute_indicator(indicator.computed_code, contract.cpts, year.starts_on, year.ends_on)
        if value is None:
            continue
        IndicatorValue.objects.update_or_create(
            indicator=indicator,
            contract_year=contract_year,
            defaults={
                "value": value,
                "source": IndicatorSource.COMPUTED,
                "entered_by": None,
                "entered_at": timezone.now(),
            },
        )
        count += 1
    return count


def facts_of_year(contract, contract_year: int) -> dict[str, bool]:
    """Each fact of the year: a mission app's computation, else the hand-entered statement, else False."""
    year = contract.year(contract_year)
    statements = {row.code: row.value for row in contract.facts.filter(contract_year=contract_year)}
    facts = {}
    for code in FactCode.values:
        computed = registry.compute_fact(code, contract.cpts, year)
        facts[code] = computed if computed is not None else statements.get(code, False)
    return facts


def state_fact(*, contract, contract_year, code, value, by, note="") -> FactStatement:
    if registry.has_fact(code):
        raise ValidationError({"code": "Fait : il est établi par la plateforme, pas saisi à la main."})
    contract.year(contract_year)
    if code == FactCode.CRISIS_PLAN_FIRST_DRAFTED and value:
        # The plan is first drafted once: later years state its update.
        other = next(
            (
                number
                for number in range(1, contract.duration_years + 1)
                if number != contract_year and facts_of_year(contract, number)[code]
            ),
            None,
        )
        if other is not None:
            raise ValidationError(
                {
                    "value": f"Plan de crise rédigé pour la première fois : déjà déclaré en année {other} ; "
                    "déclarez plutôt une mise à jour du plan."
                }
            )
    with transaction.atomic():
        row, _ = FactStatement.objects.update_or_create(
            contract=contract,
            contract_year=contract_year,
            code=code,
            defaults={"value": value, "note": note, "entered_by": by, "entered_at": timezone.now()},
        )
    return row


@transaction.atomic
def freeze_report(*, contract, contract_year, data, by) -> ManagementReport:
    """Keep `data` as the next version of the year's report (locks the contract: versions never collide)."""
    Contract.objects.select_for_update().get(pk=contract.pk)
    last = contract.reports.filter(contract_year=contract_year).aggregate(last=Max("version"))["last"] or 0
    return ManagementReport.objects.create(
        contract=contract, contract_year=contract_year, version=last + 1, data=data, sent_by=by
    )


@transaction.atomic
def decide_report(report, *, by, sign_off: bool, comments="") -> ManagementReport:
    """The authority's act: sign the report off, or send it back with comments (locked: one decision)."""
    report = ManagementReport.objects.select_for_update().get(pk=report.pk)
    if sign_off:
        report.sign_off(by=by, comments=comments)
    else:
        report.send_back(by=by, comments=comments)
    return report


# --- Mission calendar, money ----------------------------------------------------------------


def record_mission_dates(commitment, *, started_on, deployed_on) -> MissionCommitment:
    """The day a mission started and the day it was fully deployed (either may stay empty)."""
    commitment.started_on, commitment.deployed_on = started_on, deployed_on
    if deployed_on and deployed_on > timezone.localdate():
        raise ValidationError({"deployed_on": "Déploiement complet : la date ne peut être dans le futur."})
    commitment.full_clean(exclude=["contract", "added_by", "removed_by"])
    commitment.save()
    return commitment


def _check_year_and_date(contract, contract_year, day, field, *, within_year=False) -> None:
    year = contract.year(contract_year)  # in range, or a clear error
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: "Date : elle ne peut être dans le futur."})
    if within_year and day is not None and not year.starts_on <= day < year.ends_on:
        last = year.ends_on - datetime.timedelta(days=1)
        raise ValidationError(
            {
                field: f"Date : elle doit tomber dans l'année {contract_year} du contrat "
                f"(du {year.starts_on:%d/%m/%Y} au {last:%d/%m/%Y})."
            }
        )


def add_spending(*, contract, contract_year, category, label, amount, spent_on, by, mission=None) -> Spending:
    """What the money paid for (mission None: fonctionnement)."""
    _check_year_and_date(contract, contract_year, spent_on, "spent_on", within_year=True)
    if mission is not None and mission not in {commitment.mission for commitment in contract.missions.all()}:
        raise ValidationError({"mission": "Mission : elle ne fait pas partie du contrat."})
    return _enter(
        Spending,
        contract,
        by,
        contract_year=contract_year,
        mission=mission,
        category=category,
        label=label,
        amount=amount,
        spent_on=spent_on,
    )


def delete_spending(spending) -> None:
    spending.delete()


def add_receipt(*, contract, contract_year, received_on, amount, by, label="") -> FundingReceipt:
    """A payment received from the Assurance Maladie for a contract year."""
    _check_year_and_date(contract, contract_year, received_on, "received_on")
    return _enter(
        FundingReceipt, contract, by, contract_year=contract_year, received_on=received_on, amount=amount, label=label
    )


def _enter(model, contract, by, **fields):
    """A spending or a receipt entered by `by`: checked, then saved."""
    entry = model(contract=contract, entered_by=by, **fields)
    entry.full_clean(exclude=["contract", "entered_by"])
    entry.save()
    return entry
