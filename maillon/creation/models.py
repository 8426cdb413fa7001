"""Creating a CPTS, from the promoters' first letter to the ACI (seeds 001 and 002).

- **Lettre d'intention** (`LetterOfIntent`): filed on the public page by promoters (professionals
  by RPPS, structures by FINESS or SIRET) with a draft territory, the professions involved, a legal
  form and a contact; the ARS officers of its région accept it, ask for more (the promoters answer
  through their private follow-up link) or refuse it. Accepted, it creates the CPTS at the step
  « Lettre d'intention » with its territory, and invites the promoters as coordinators.
- **The 10 steps** (`CreationStep`): the checklist of the method, with dates and documents; the
  steps a decision proves (letter accepted, projet de santé validated, ACI signed) are ticked by
  that decision, never by hand.
- **Start-up grant** (`StartupGrant`): decided by the ARS after the letter (amount from the
  regional setting), its payment dates, and what the CPTS spent it on.
- **Projet de santé** (`ProjectVersion`): written here per mission (diagnosis summary and
  fiches-actions), versioned, submitted to the ARS and the CPAM, each of which validates it or
  returns it with comments; validated by both, the CPTS moves to « Projet de santé validé ».

The lifecycle status of the CPTS (`core.Cpts.status`) moves only through these decisions (and the
ACI recorded in `contracts`), by its workflow.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillon.core.identifiers import validate_finess, validate_rpps, validate_siret
from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, LegalForm, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.governance.models import document_storage, validate_document_file
from maillon.members.professions import Profession
from maillon.territories.models import Commune, Region

MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


# --- Lettre d'intention -----------------------------------------------------------------------


class LetterStatus(models.TextChoices):
    SUBMITTED = "submitted", "Déposée, en attente de décision"
    INFORMATION_REQUESTED = "information_requested", "Compléments demandés"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"


OPEN_LETTER_STATUSES = (LetterStatus.SUBMITTED, LetterStatus.INFORMATION_REQUESTED)


class LetterQuerySet(CptsOwnedQuerySet):
    def waiting(self):
        """What waits for the ARS: filed or answered letters."""
        return self.filter(status=LetterStatus.SUBMITTED)

    def open(self):
        return self.filter(status__in=OPEN_LETTER_STATUSES)


class LetterOfIntent(JournaledModel):
    project_name = models.CharField("nom envisagé de la CPTS", max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="région")
    legal_form = models.CharField(
        "forme juridique envisagée", max_length=30, choices=LegalForm.choices, default=LegalForm.ASSOCIATION_1901
    )
    # Codes of the ANS nomenclature TRE_G15 (`members.professions.Profession`).
    professions = models.JSONField("professions engagées", default=list)
    needs = models.TextField("premiers besoins repérés sur le territoire", max_length=5000)
    contact_name = models.CharField("nom du contact", max_length=200)
    contact_email = models.EmailField("courriel du contact")
    contact_phone = models.CharField("téléphone du contact", max_length=20, blank=True)
    # Population of the draft territory when it was last filed (the territory may change on answer).
    population = models.PositiveIntegerField("population du territoire envisagé", default=0)
    status = models.CharField("état", max_length=30, choices=LetterStatus.choices, default=LetterStatus.SUBMITTED)
    # Signed into the promoters' follow-up link; a new nonce retires every older link.
    link_nonce = models.CharField("clé du lien de suivi", max_length=32)
    # The CPTS the accepted letter created; kept if that CPTS is ever deleted.
    cpts = models.ForeignKey(
        Cpts, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters", verbose_name="CPTS créée"
    )
    submitted_at = models.DateTimeField("déposée le", default=timezone.now)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    workflow = Workflow(
        log="creation.LetterEvent",
        log_fk="letter",
        subject="Cette lettre d'intention",
        final=[LetterStatus.ACCEPTED, LetterStatus.REFUSED],
        transitions=[
            Transition("request_information", source=LetterStatus.SUBMITTED, target=LetterStatus.INFORMATION_REQUESTED),
            Transition("answer", source=LetterStatus.INFORMATION_REQUESTED, target=LetterStatus.SUBMITTED),
            Transition("accept", source=LetterStatus.SUBMITTED, target=LetterStatus.ACCEPTED),
            Transition("refuse", source=OPEN_LETTER_STATUSES, target=LetterStatus.REFUSED),
        ],
    )

    class Meta:
        verbose_name = "lettre d'intention"
        verbose_name_plural = "lettres d'intention"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"Lettre d'intention n° {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LETTER_STATUSES

    @property
    def profession_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [labels.get(code, code) for code in self.professions]


LetterEvent = transition_log(
    LetterOfIntent,
    "décision sur une lettre d'intention",
    "décisions sur les lettres d'intention",
)


class LetterCommune(models.Model):
    """A commune of the draft territory (whole communes, as a CPTS's territory)."""

    letter = models.ForeignKey(
        LetterOfIntent, on_delete=models.CASCADE, related_name="communes", verbose_name="lettre d'intention"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")

    class Meta:
        verbose_name = "commune du territoire envisagé"
        verbose_name_plural = "communes du territoire envisagé"
        ordering = ["letter", "commune"]
        constraints = [models.UniqueConstraint(fields=["letter", "commune"], name="one_row_per_letter_commune")]

    def __str__(self):
        return self.commune_id


class PromoterKind(models.TextChoices):
    PROFESSIONAL = "professional", "Professionnel de santé"
    STRUCTURE = "structure", "Structure (maison de santé, établissement…)"


class Promoter(JournaledModel):
    """One promoter of the letter: a professional (RPPS) or a structure (FINESS or SIRET)."""

    letter = models.ForeignKey(
        LetterOfIntent, on_delete=models.CASCADE, related_name="promoters", verbose_name="lettre d'intention"
    )
    kind = models.CharField("type", max_length=20, choices=PromoterKind.choices)
    name = models.CharField("nom", max_length=200)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices, blank=True)
    rpps = models.CharField("RPPS", max_length=11, blank=True, validators=[validate_rpps])
    finess = models.CharField("FINESS", max_length=9, blank=True, validators=[validate_finess])
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    # Invited as a coordinator of the CPTS when the letter is accepted.
    email = models.EmailField("courriel")
    position = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        verbose_name = "porteur du projet"
        verbose_name_plural = "porteurs du projet"
        ordering = ["letter", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PromoterKind.PROFESSIONAL) & ~Q(rpps=""))
                | (Q(kind=PromoterKind.STRUCTURE) & (~Q(finess="") | ~Q(siret=""))),
                name="promoter_identified_by_rpps_finess_or_siret",
            )
        ]

    def __str__(self):
        # Never the name: the admin's lists and deletion pages show this (personal data).
        return f"Porteur n° {self.position}"

    @property
    def identifier(self) -> str:
        if self.kind == PromoterKind.PROFESSIONAL:
            return f"RPPS {self.rpps}"
        return f"FINESS {self.finess}" if self.finess else f"SIRET {self.siret}"


class LetterComment(JournaledModel):
    """The exchange on a letter: the officers' questions, the promoters' answers."""

    letter = models.ForeignKey(
        LetterOfIntent, on_delete=models.CASCADE, related_name="comments", verbose_name="lettre d'intention"
    )
    from_promoters = models.BooleanField("des porteurs", default=False)
    # The officer who wrote it (none for the promoters, who write through their link).
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="auteur"
    )
    body = models.TextField("message", max_length=5000)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "échange sur une lettre d'intention"
        verbose_name_plural = "échanges sur les lettres d'intention"
        ordering = ["letter", "at", "pk"]

    def __str__(self):
        return f"Échange du {timezone.localtime(self.at):%d/%m/%Y}"


# --- The 10 steps -------------------------------------------------------------------------------


class Step(models.IntegerChoices):
    PROMOTERS = 1, "Réunir un groupe de professionnels porteurs"
    TERRITORY = 2, "Définir le territoire du projet"
    FIRST_NEEDS = 3, "Repérer les premiers besoins du territoire"
    LETTER = 4, "Déposer la lettre d'intention auprès de l'ARS"
    LEGAL_STRUCTURE = 5, "Créer la structure juridique (statuts, assemblée constitutive)"
    MOBILISATION = 6, "Mobiliser les professionnels du territoire (réunions, adhésions)"
    DIAGNOSIS = 7, "Réaliser le diagnostic territorial partagé"
    HEALTH_PROJECT = 8, "Choisir les missions et rédiger le projet de santé"
    VALIDATION = 9, "Faire valider le projet de santé par l'ARS et l'Assurance Maladie"
    ACI = 10, "Négocier et signer l'ACI"


# Steps a decision recorded in the product proves: ticked by it, never by hand.
DECIDED_STEPS = {
    Step.LETTER: "l'acceptation de la lettre d'intention par l'ARS",
    Step.VALIDATION: "la validation du projet de santé par l'ARS et l'Assurance Maladie",
    Step.ACI: "l'enregistrement de l'ACI signé",
}


class CreationStep(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="creation_steps", verbose_name="CPTS")
    step = models.PositiveSmallIntegerField("étape", choices=Step.choices)
    planned_on = models.DateField("prévue le", null=True, blank=True)
    done_on = models.DateField("faite le", null=True, blank=True)
    note = models.CharField("note", max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "étape de la création"
        verbose_name_plural = "étapes de la création"
        ordering = ["cpts", "step"]
        constraints = [models.UniqueConstraint(fields=["cpts", "step"], name="one_row_per_cpts_creation_step")]

    def __str__(self):
        return f"{self.step}. {self.get_step_display()}"

    @property
    def is_decided(self) -> bool:
        return self.step in DECIDED_STEPS

    @property
    def decided_by(self) -> str:
        return DECIDED_STEPS.get(self.step, "")


class StepDocument(JournaledModel):
    step = models.ForeignKey(CreationStep, on_delete=models.CASCADE, related_name="documents", verbose_name="étape")
    title = models.CharField("titre", max_length=200)
    file = models.FileField(
        "fichier", upload_to="creation/%Y/", storage=document_storage, validators=[validate_document_file]
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="déposé par"
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        verbose_name = "document d'une étape"
        verbose_name_plural = "documents des étapes"
        ordering = ["step", "-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


# --- Start-up grant -----------------------------------------------------------------------------


class StartupGrant(JournaledModel):
    """The ARS's start-up grant, after the lettre d'intention and the legal structure."""

    cpts = models.OneToOneField(Cpts, on_delete=models.CASCADE, related_name="startup_grant", verbose_name="CPTS")
    amount = models.DecimalField("montant", **MONEY)
    decided_on = models.DateField("décidée le")
    conditions = models.TextField("conditions", max_length=3000, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="enregistrée par"
    )

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "subvention de démarrage"
        verbose_name_plural = "subventions de démarrage"
        ordering = ["cpts"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="startup_grant_amount_positive")]

    def __str__(self):
        return f"Subvention de démarrage — {self.cpts}"


class GrantPayment(JournaledModel):
    grant = models.ForeignKey(
        StartupGrant, on_delete=models.CASCADE, related_name="payments", verbose_name="subvention"
    )
    due_on = models.DateField("date de versement prévue")
    amount = models.DecimalField("montant", **MONEY)
    paid_on = models.DateField("versée le", null=True, blank=True)

    class Meta:
        verbose_name = "versement de la subvention"
        verbose_name_plural = "versements de la subvention"
        ordering = ["grant", "due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_payment_amount_positive")]

    def __str__(self):
        return f"Versement du {self.due_on:%d/%m/%Y}"


class SpendingCategory(models.TextChoices):
    COORDINATION = "coordination", "Coordination (salaire, prestation)"
    DIAGNOSIS = "diagnosis", "Diagnostic territorial, études"
    MEETINGS = "meetings", "Réunions, indemnisation des professionnels"
    LEGAL = "legal", "Création juridique, comptabilité, assurance"
    COMMUNICATION = "communication", "Communication, outils"
    OTHER = "other", "Autre"


class GrantSpending(JournaledModel):
    """What the CPTS spent the grant on, line by line."""

    grant = models.ForeignKey(
        StartupGrant, on_delete=models.CASCADE, related_name="spendings", verbose_name="subvention"
    )
    spent_on = models.DateField("date")
    category = models.CharField("nature", max_length=20, choices=SpendingCategory.choices)
    label = models.CharField("libellé", max_length=200)
    amount = models.DecimalField("montant", **MONEY)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )

    class Meta:
        verbose_name = "dépense de la subvention"
        verbose_name_plural = "dépenses de la subvention"
        ordering = ["grant", "spent_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_spending_amount_positive")]

    def __str__(self):
        return self.label


# --- Projet de santé ----------------------------------------------------------------------------


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "En rédaction"
    SUBMITTED = "submitted", "Déposé, en attente des décisions"
    RETURNED = "returned", "Renvoyé avec des remarques"
    VALIDATED = "validated", "Validé"


# At most one version of a CPTS's projet de santé is being written or examined.
WORKING_PROJECT_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED)


class Funder(models.TextChoices):
    ARS = "ars", "ARS"
    ASSURANCE_MALADIE = "assurance_maladie", "Assurance Maladie"


class ProjectVersion(JournaledModel):
    """One version of the CPTS's projet de santé. Written while « En rédaction », frozen once
    submitted; returned, the next version starts as a copy of it."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="project_versions", verbose_name="CPTS")
    number = models.PositiveIntegerField("version")
    diagnosis = models.TextField("synthèse du diagnostic territorial", max_length=20000, blank=True)
    status = models.CharField("état", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    objects = CptsOwnedQuerySet.as_manager()

    workflow = Workflow(
        log="creation.ProjectEvent",
        log_fk="version",
        subject="Cette version du projet de santé",
        final=[ProjectStatus.RETURNED, ProjectStatus.VALIDATED],
        transitions=[
            Transition("submit", source=ProjectStatus.DRAFT, target=ProjectStatus.SUBMITTED),
            Transition("send_back", source=ProjectStatus.SUBMITTED, target=ProjectStatus.RETURNED),
            Transition("validate", source=ProjectStatus.SUBMITTED, target=ProjectStatus.VALIDATED),
        ],
    )

    class Meta:
        verbose_name = "version du projet de santé"
        verbose_name_plural = "versions du projet de santé"
        ordering = ["cpts", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "number"], name="one_number_per_project_version"),
            models.UniqueConstraint(
                fields=["cpts"],
                condition=Q(status__in=WORKING_PROJECT_STATUSES),
                name="one_working_project_version_per_cpts",
            ),
        ]

    def __str__(self):
        return f"Projet de santé — version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == ProjectStatus.DRAFT

    @property
    def missions(self) -> list[int]:
        return sorted({section.mission for section in self.sections.all()})


ProjectEvent = transition_log(
    ProjectVersion,
    "changement d'état d'un projet de santé",
    "changements d'état des projets de santé",
)


class MissionSection(JournaledModel):
    """A mission the projet de santé takes on, with the summary of what the diagnosis found for it."""

    version = models.ForeignKey(
        ProjectVersion, on_delete=models.CASCADE, related_name="sections", verbose_name="version"
    )
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices)
    diagnosis = models.TextField("synthèse du diagnostic pour la mission", max_length=10000, blank=True)

    class Meta:
        verbose_name = "mission du projet de santé"
        verbose_name_plural = "missions du projet de santé"
        ordering = ["version", "mission"]
        constraints = [models.UniqueConstraint(fields=["version", "mission"], name="one_section_per_project_mission")]

    def __str__(self):
        return self.get_mission_display()


class ActionSheet(JournaledModel):
    """A fiche-action: one action of a mission, as the ARS and the CPAM read it."""

    section = models.ForeignKey(
        MissionSection, on_delete=models.CASCADE, related_name="sheets", verbose_name="mission du projet"
    )
    title = models.CharField("titre", max_length=200)
    need = models.TextField("besoin identifié", max_length=5000)
    objective = models.TextField("objectif", max_length=5000)
    target_population = models.CharField("population cible", max_length=500)
    actions = models.TextField("actions prévues", max_length=10000)
    owner = models.CharField("pilote", max_length=200)
    partners = models.CharField("partenaires", max_length=500, blank=True)
    calendar = models.CharField("calendrier", max_length=500)
    budget = models.DecimalField(
        "budget prévisionnel",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000000"))],
    )
    # One indicator per line: offered to the ACI contract once the projet is validated.
    indicators = models.TextField("indicateurs de suivi", max_length=3000, blank=True)
    position = models.PositiveSmallIntegerField("rang", default=0)
    # The mission object this sheet started (`registry`): "kind:id", copied into later versions.
    started = models.CharField("objet démarré", max_length=60, blank=True)
    # The sheet of the previous version this one was copied from: a start reaches every copy.
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name="copiée de"
    )

    class Meta:
        verbose_name = "fiche-action"
        verbose_name_plural = "fiches-actions"
        ordering = ["section", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def indicator_lines(self) -> list[str]:
        return [line.strip() for line in self.indicators.splitlines() if line.strip()]


class ReviewDecision(models.TextChoices):
    VALIDATED = "validated", "Validé"
    RETURNED = "returned", "Renvoyé avec des remarques"


class ProjectReview(JournaledModel):
    """One funder's decision on a submitted version: the ARS's and the Assurance Maladie's."""

    version = models.ForeignKey(
        ProjectVersion, on_delete=models.CASCADE, related_name="reviews", verbose_name="version"
    )
    funder = models.CharField("organisme", max_length=20, choices=Funder.choices)
    decision = models.CharField("décision", max_length=20, choices=ReviewDecision.choices)
    comments = models.TextField("remarques", max_length=10000, blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "décision sur un projet de santé"
        verbose_name_plural = "décisions sur les projets de santé"
        ordering = ["version", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "funder"], name="one_review_per_version_and_funder")]

    def __str__(self):
        return f"{self.get_funder_display()} : {self.get_decision_display()}"
