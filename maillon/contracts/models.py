"""The ACI of a CPTS: the contract, its avenants, its missions and their calendar, its
indicators with their yearly values, the facts of each year, spending, money received and
the frozen reports of the dialogue de gestion.

The contract as it stood on a date
==================================
The contract keeps its history: the taille at signature then each avenant that changes it
(`Amendment.new_taille`), missions included at signature or by an avenant and removed by
another (`MissionCommitment.included_on` / `removed_on`), indicators likewise
(`Indicator.added_on` / `retired_on`). `Contract.state_on(date)` reads them back.

Contract years
==============
Year n runs from the (n-1)th anniversary of the signature (included) to the nth
(excluded); the mission deadlines of DOMAIN.md §3 count from the signature — from the
avenant's date for a mission an avenant adds.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillon.core.missions import RULES, Mission
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log

TAILLE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
CONTRACT_YEAR_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


@dataclass(frozen=True)
class ContractYear:
    """Year `number` of `contract`: [starts_on, ends_on)."""

    contract: "Contract"
    number: int
    starts_on: datetime.date
    ends_on: datetime.date

    def __str__(self):
        return f"Année {self.number} ({self.starts_on:%d/%m/%Y} – {self.ends_on - datetime.timedelta(days=1):%d/%m/%Y})"


@dataclass(frozen=True)
class ContractState:
    on: datetime.date
    taille: int
    missions: tuple  # MissionCommitment in force, by mission number
    indicators: tuple  # Indicator in force

    @property
    def mission_numbers(self) -> list[int]:
        return [commitment.mission for commitment in self.missions]


class Contract(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="contracts", verbose_name="CPTS")
    reference = models.CharField("référence du contrat", max_length=50, blank=True)
    signed_on = models.DateField("signé le")
    duration_years = models.PositiveSmallIntegerField("durée (années)", default=5, validators=CONTRACT_YEAR_VALIDATORS)
    taille = models.PositiveSmallIntegerField("taille à la signature", validators=TAILLE_VALIDATORS)
    # Keep the contract when the account that recorded it is erased.
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créé par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat ACI"
        verbose_name_plural = "contrats ACI"
        ordering = ["cpts", "-signed_on"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "signed_on"], name="one_contract_per_cpts_and_signature_date"),
            models.CheckConstraint(condition=Q(taille__gte=1) & Q(taille__lte=4), name="contract_taille_1_to_4"),
        ]

    def __str__(self):
        return f"ACI du {self.signed_on:%d/%m/%Y}"

    # --- calendar ---------------------------------------------------------------------

    def anniversary(self, n: int) -> datetime.date:
        return self.signed_on + relativedelta(years=n)

    @property
    def ends_on(self) -> datetime.date:
        """The day after the last day of the contract."""
        return self.anniversary(self.duration_years)

    def year(self, number: int) -> ContractYear:
        if not 1 <= number <= self.duration_years:
            raise ValidationError({"contract_year": f"Année du contrat : choisissez entre 1 et {self.duration_years}."})
        return ContractYear(self, number, self.anniversary(number - 1), self.anniversary(number))

    def years(self) -> list[ContractYear]:
        return [self.year(n) for n in range(1, self.duration_years + 1)]

    def year_number_on(self, date: datetime.date) -> int | None:
        """The contract year holding `date`, or None outside the contract."""
        for contract_year in self.years():
            if contract_year.starts_on <= date < contract_year.ends_on:
                return contract_year.number
        return None

    def is_in_force_on(self, date: datetime.date) -> bool:
        return self.signed_on <= date < self.ends_on

    # --- the contract as it stood on a date -----------------------------------------

    def taille_periods(self) -> list[tuple[datetime.date, int]]:
        """[(from, taille)…] from the signature, one more each time an avenant changes it."""
        by_date = {self.signed_on: self.taille}
        # Ordered by date then creation: on a date with two changes (refused by
        # `sign_amendment`), the last one counts — one period per date.
        for amendment in self.amendments.filter(new_taille__isnull=False).order_by("signed_on", "pk"):
            by_date[amendment.signed_on] = amendment.new_taille
        periods: list[tuple[datetime.date, int]] = []
        for start, taille in sorted(by_date.items()):
            if not periods or taille != periods[-1][1]:
                periods.append((start, taille))
        return periods

    def taille_on(self, date: datetime.date) -> int:
        taille = self.taille
        for start, value in self.taille_periods():
            if start <= date:
                taille = value
        return taille

    def state_on(self, date: datetime.date) -> ContractState:
        missions = tuple(self.missions.in_force_on(date).order_by("mission"))
        indicators = tuple(self.indicators.in_force_on(date).order_by("mission", "position", "pk"))
        return ContractState(on=date, taille=self.taille_on(date), missions=missions, indicators=indicators)


class Amendment(JournaledModel):
    """An avenant: its date and what it changes (taille here; missions and indicators
    point to the avenant that included or removed them)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments", verbose_name="contrat ACI"
    )
    number = models.PositiveSmallIntegerField("numéro")
    signed_on = models.DateField("signé le")
    summary = models.TextField("objet de l'avenant")
    new_taille = models.PositiveSmallIntegerField(
        "nouvelle taille", null=True, blank=True, validators=TAILLE_VALIDATORS
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créé par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["contract", "signed_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="one_amendment_number_per_contract"),
            models.CheckConstraint(
                condition=Q(new_taille__isnull=True) | (Q(new_taille__gte=1) & Q(new_taille__lte=4)),
                name="amendment_taille_1_to_4",
            ),
        ]

    def __str__(self):
        return f"Avenant n° {self.number} du {self.signed_on:%d/%m/%Y}"

    def clean(self):
        contract = self.contract
        if self.signed_on and not contract.signed_on < self.signed_on < contract.ends_on:
            raise ValidationError(
                {"signed_on": "Date de l'avenant : elle doit tomber pendant le contrat, après sa signature."}
            )


class InForceQuerySet(models.QuerySet):
    """Rows included on a date and not yet removed."""

    start_field = "included_on"
    end_field = "removed_on"

    def in_force_on(self, date):
        return self.filter(**{f"{self.start_field}__lte": date}).filter(
            Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gt": date})
        )


class DueState(models.TextChoices):
    DONE = "done", "Fait"
    ON_TIME = "on_time", "Dans les délais"
    UPCOMING = "upcoming", "Échéance proche"
    OVERDUE = "overdue", "En retard"


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: datetime.date
    done_on: datetime.date | None
    state: str

    @property
    def state_label(self):
        return DueState(self.state).label


class MissionCommitment(JournaledModel):
    """A mission the contract includes: since when, its start and its full deployment."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="missions", verbose_name="contrat ACI"
    )
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices)
    included_on = models.DateField("incluse le")
    added_by = models.ForeignKey(
        Amendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions_added",
        verbose_name="ajout par",
    )
    removed_on = models.DateField("retirée le", null=True, blank=True)
    removed_by = models.ForeignKey(
        Amendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions_removed",
        verbose_name="retrait par",
    )
    started_on = models.DateField("démarrée le", null=True, blank=True)
    deployed_on = models.DateField("pleinement déployée le", null=True, blank=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = "mission du contrat"
        verbose_name_plural = "missions du contrat"
        ordering = ["contract", "mission", "included_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "mission"],
                condition=Q(removed_on__isnull=True),
                name="one_current_commitment_per_contract_and_mission",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=models.F("included_on")),
                name="mission_starts_after_inclusion",
            ),
            models.CheckConstraint(
                condition=Q(deployed_on__isnull=True)
                | (Q(started_on__isnull=False) & Q(deployed_on__gte=models.F("started_on"))),
                name="mission_deployed_after_start",
            ),
        ]

    def __str__(self):
        return self.get_mission_display()

    @property
    def rules(self):
        return RULES[Mission(self.mission)]

    @property
    def is_socle(self) -> bool:
        return self.rules.socle

    def clean(self):
        if self.started_on and self.started_on < self.included_on:
            raise ValidationError(
                {"started_on": "Date de démarrage : elle ne peut précéder l'inclusion de la mission."}
            )
        if self.deployed_on and (not self.started_on or self.deployed_on < self.started_on):
            raise ValidationError({"deployed_on": "Déploiement complet : il suit le démarrage de la mission."})
        if self.started_on and self.started_on > timezone.localdate():
            raise ValidationError({"started_on": "Date de démarrage : elle ne peut être dans le futur."})

    def deadlines(self, today: datetime.date | None = None) -> list[Deadline]:
        """The « start within » and « fully deployed within » due dates (none for optional missions)."""
        today = today or timezone.localdate()
        # An avenant's mission counts from the avenant; a signature mission from the signature.
        origin = self.included_on
        deadlines = []
        for label, months, done_on in (
            ("Démarrage", self.rules.start_within_months, self.started_on),
            ("Déploiement complet", self.rules.deployed_within_months, self.deployed_on),
        ):
            if months is None:
                continue
            due_on = origin + relativedelta(months=months)
            deadlines.append(Deadline(label, due_on, done_on, due_state(due_on, done_on, today)))
        return deadlines


def due_state(due_on, done_on, today) -> str:
    if done_on:
        return DueState.DONE
    if today > due_on:
        return DueState.OVERDUE
    if (due_on - today).days <= settings.MAILLON_DUE_WARNING_DAYS:
        return DueState.UPCOMING
    return DueState.ON_TIME


# --- Indicators ---------------------------------------------------------------------------


class IndicatorSource(models.TextChoices):
    ENTERED = "entered", "Saisi"
    COMPUTED = "computed", "Calculé par la plateforme"


class IndicatorQuerySet(InForceQuerySet):
    start_field = "added_on"
    end_field = "retired_on"

    def overlapping(self, start: datetime.date, end: datetime.date):
        """The indicators in force at some point of [start, end): a contract year."""
        return self.filter(added_on__lt=end).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=start))


class Indicator(JournaledModel):
    """An indicator of the contract: definition, baseline, target or tiers with amounts."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="indicators", verbose_name="contrat ACI"
    )
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices)
    code = models.SlugField("code", max_length=60)
    name = models.CharField("intitulé", max_length=200)
    definition = models.TextField("définition", blank=True)
    unit = models.CharField("unité", max_length=40, blank=True)
    source = models.CharField("source", max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.ENTERED)
    # The registry code (`registry.register_indicator`) of a computed indicator.
    computed_code = models.CharField("indicateur calculé", max_length=60, blank=True)
    baseline_value = models.DecimalField("valeur de référence", max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_on = models.DateField("date de la référence", null=True, blank=True)
    baseline_source = models.CharField("source de la référence", max_length=100, blank=True)
    target = models.CharField("cible", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    added_on = models.DateField("ajouté le")
    added_by = models.ForeignKey(
        Amendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators_added",
        verbose_name="ajout par",
    )
    retired_on = models.DateField("retiré le", null=True, blank=True)
    retired_by = models.ForeignKey(
        Amendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators_retired",
        verbose_name="retrait par",
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["contract", "mission", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "code"], condition=Q(retired_on__isnull=True), name="one_current_indicator_code"
            ),
            models.CheckConstraint(
                condition=Q(source="entered") | ~Q(computed_code=""), name="computed_indicator_has_a_code"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.source == IndicatorSource.COMPUTED

    @property
    def envelope_amount(self) -> Decimal:
        """The most this indicator can earn (its highest tier)."""
        return max((tier.amount for tier in self.tiers.all()), default=Decimal(0))


class IndicatorTier(JournaledModel):
    """A value range [low, high] (inclusive, open when empty) and the amount it earns."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="tiers", verbose_name="indicateur")
    label = models.CharField("palier", max_length=100, blank=True)
    low = models.DecimalField("de", max_digits=14, decimal_places=2, null=True, blank=True)
    high = models.DecimalField("à", max_digits=14, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "palier d'indicateur"
        verbose_name_plural = "paliers d'indicateur"
        ordering = ["indicator", "amount", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="tier_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(high__gte=models.F("low")),
                name="tier_high_not_below_low",
            ),
        ]

    def __str__(self):
        return (
            self.label or f"{self.low if self.low is not None else '…'} – {self.high if self.high is not None else '…'}"
        )

    def clean(self):
        if self.low is not None and self.high is not None and self.high < self.low:
            raise ValidationError({"high": "Palier : la borne haute ne peut être inférieure à la borne basse."})
        if self.low is None and self.high is None:
            raise ValidationError({"low": "Palier : indiquez au moins une borne."})


def indicator_document_path(instance, filename):
    return f"contracts/{instance.indicator.contract_id}/indicators/{filename}"


class IndicatorValue(JournaledModel):
    """The value of an indicator for a contract year, entered (who, when, a document) or computed."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="indicateur")
    contract_year = models.PositiveSmallIntegerField("année du contrat", validators=CONTRACT_YEAR_VALIDATORS)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    source = models.CharField("source", max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.ENTERED)
    note = models.CharField("commentaire", max_length=300, blank=True)
    document = models.FileField("justificatif", upload_to=indicator_document_path, blank=True)
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )
    entered_at = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        ordering = ["indicator", "contract_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "contract_year"], name="one_value_per_indicator_and_year")
        ]

    def __str__(self):
        return f"{self.indicator} — année {self.contract_year} : {self.value}"


# --- Facts of a year ----------------------------------------------------------------------


class FactCode(models.TextChoices):
    CRISIS_PLAN_FIRST_DRAFTED = "crisis_plan_first_drafted", "Plan de crise rédigé pour la première fois"
    CRISIS_PLAN_UPDATED = "crisis_plan_updated", "Plan de crise mis à jour"
    SERIOUS_CRISIS_RECOGNISED = "serious_crisis_recognised", "Crise sanitaire grave reconnue"


class FactStatement(JournaledModel):
    """A fact of a contract year entered by hand, used while no mission app computes it
    (`registry.register_fact`); a registered computation always wins."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="facts", verbose_name="contrat ACI")
    contract_year = models.PositiveSmallIntegerField("année du contrat", validators=CONTRACT_YEAR_VALIDATORS)
    code = models.CharField("fait", max_length=40, choices=FactCode.choices)
    value = models.BooleanField("vrai")
    note = models.CharField("commentaire", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )
    entered_at = models.DateTimeField(default=timezone.now, verbose_name="date de saisie")

    class Meta:
        verbose_name = "fait de l'année"
        verbose_name_plural = "faits de l'année"
        ordering = ["contract", "contract_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "contract_year", "code"], name="one_fact_per_contract_year")
        ]

    def __str__(self):
        return f"{self.get_code_display()} (année {self.contract_year}) : {'oui' if self.value else 'non'}"


# --- Money ---------------------------------------------------------------------------------


class SpendingCategory(models.TextChoices):
    COORDINATION = "coordination", "Équipe de coordination (salaires, prestations)"
    MEMBERS_TIME = "members_time", "Temps des professionnels (indemnisation)"
    TOOLS = "tools", "Outils et systèmes d'information"
    EVENTS = "events", "Événements, réunions, actions"
    PREMISES = "premises", "Locaux"
    TRAINING = "training", "Formation"
    COMMUNICATION = "communication", "Communication"
    OTHER = "other", "Autre"


class Spending(JournaledModel):
    """What the money paid for, by mission (none: fonctionnement) and contract year."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="spendings", verbose_name="contrat ACI"
    )
    contract_year = models.PositiveSmallIntegerField("année du contrat", validators=CONTRACT_YEAR_VALIDATORS)
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices, null=True, blank=True)
    category = models.CharField("nature", max_length=20, choices=SpendingCategory.choices)
    label = models.CharField("libellé", max_length=200)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    spent_on = models.DateField("date")
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "dépense"
        verbose_name_plural = "dépenses"
        ordering = ["contract", "contract_year", "spent_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_amount_positive")]
        indexes = [models.Index(fields=["contract", "contract_year"])]

    def __str__(self):
        return f"{self.label} — {self.amount} €"


class FundingReceipt(JournaledModel):
    """A payment the CPTS received from the Assurance Maladie under the contract."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="receipts", verbose_name="contrat ACI"
    )
    contract_year = models.PositiveSmallIntegerField("année du contrat", validators=CONTRACT_YEAR_VALIDATORS)
    received_on = models.DateField("reçu le")
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    label = models.CharField("libellé", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )

    class Meta:
        verbose_name = "versement reçu"
        verbose_name_plural = "versements reçus"
        ordering = ["contract", "received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive")]

    def __str__(self):
        return f"{self.received_on:%d/%m/%Y} — {self.amount} €"


# --- Dialogue de gestion --------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    # The pages show each report as « Version 2 » (« Valider la version »): the labels agree with it.
    SENT = "sent", "Envoyée à l'ARS et à la CPAM"
    SIGNED_OFF = "signed_off", "Validée"
    RETURNED = "returned", "Renvoyée avec des remarques"


class ManagementReport(JournaledModel):
    """A frozen version of the dialogue de gestion report of a contract year.

    `data` is the whole report as built when sent (JSON): the PDF, the workbook and the
    API render it, never the live figures, so a sent version never changes.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reports", verbose_name="contrat ACI")
    contract_year = models.PositiveSmallIntegerField("année du contrat", validators=CONTRACT_YEAR_VALIDATORS)
    version = models.PositiveSmallIntegerField("version")
    data = models.JSONField("contenu figé")
    status = models.CharField("état", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SENT)
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="envoyé par"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décision par"
    )
    comments = models.TextField("remarques de l'ARS et de la CPAM", blank=True)

    class Meta:
        verbose_name = "rapport du dialogue de gestion"
        verbose_name_plural = "rapports du dialogue de gestion"
        ordering = ["contract", "contract_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "contract_year", "version"], name="one_report_version_per_contract_year"
            )
        ]

    workflow = Workflow(
        log="contracts.ManagementReportEvent",
        log_fk="report",
        subject="Ce rapport",
        refusal="{subject} est « {label} » : il a déjà été traité.",
        transitions=[
            Transition("sign_off", source=ReportStatus.SENT, target=ReportStatus.SIGNED_OFF),
            Transition("send_back", source=ReportStatus.SENT, target=ReportStatus.RETURNED),
        ],
    )

    # What was sent never changes; only the authority's decision is written afterwards.
    FROZEN_FIELDS = ("contract_id", "contract_year", "version", "data", "sent_at", "sent_by_id")
    DECISION_FIELDS = ("status", "decided_at", "decided_by", "comments")

    def __str__(self):
        return f"Dialogue de gestion, année {self.contract_year}, version {self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                frozen = {name.removesuffix("_id") for name in self.FROZEN_FIELDS}
                touched = {name.removesuffix("_id") for name in update_fields} & frozen
            else:
                stored = type(self).objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first() or {}
                touched = {name for name, value in stored.items() if getattr(self, name) != value}
            if touched:
                raise ValidationError(
                    {"data": "Rapport envoyé : son contenu, sa version et son envoi ne changent plus."}
                )
        super().save(*args, **kwargs)

    def _decide(self, name, *, by, comments=""):
        self.workflow.run(
            self,
            name,
            by=by,
            note=comments,
            changes={"decided_by": by, "decided_at": timezone.now(), "comments": comments},
        )

    def sign_off(self, *, by, comments=""):
        self._decide("sign_off", by=by, comments=comments)

    def send_back(self, *, by, comments):
        self.workflow.check(self, "send_back")
        if not comments.strip():
            raise ValidationError({"comments": "Remarques : dites ce qui doit être revu."})
        self._decide("send_back", by=by, comments=comments)


# The authority's decisions.
ManagementReportEvent = transition_log(
    ManagementReport,
    "décision sur un rapport du dialogue de gestion",
    "décisions sur les rapports du dialogue de gestion",
    ordering=["at", "pk"],
)
