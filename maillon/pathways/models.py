"""Care pathways around the patient — mission 2.

A CPTS defines its programmes (elderly person at home, pregnancy, heart failure…), each a
versioned list of steps; a member or the coordinator includes a patient in a programme with
the patient's recorded consent, names the lead professional (référent) and the care team
(cercle de soins: members of the CPTS and people outside it). An inclusion is open until it
is closed (pathway over, consent withdrawn, the patient moved or died):

    active → closed

Patient data is health data: only the care team, the lead and the coordinators see an
inclusion (`policies.py`), every read and write is journaled, the identity never reaches a
URL nor a log (`__str__` says a number), and closed inclusions are deleted after
MAILLON_PATHWAYS_RETENTION_DAYS (`purge.py`).
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillon.core.identifiers import compact_nir, validate_insee_commune_code, validate_nir
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.members.models import Membership
from maillon.members.professions import Profession

PERINATAL_LABEL = "Périnatalité / santé de la femme"

# --- Programmes ----------------------------------------------------------------------------


class ProgrammeQuerySet(CptsOwnedQuerySet):
    def current(self):
        """The version of each programme that new inclusions use."""
        return self.filter(superseded_at__isnull=True)

    def shared(self):
        return self.current().filter(shared=True)


class Programme(JournaledModel):
    """One version of a programme of the CPTS. A new version is a new row of the same
    `lineage` (`services.new_version`); inclusions keep theirs until they are moved."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="programmes", verbose_name="CPTS")
    lineage = models.UUIDField("programme", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("version", default=1)
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    eligibility = models.TextField("critères d'inclusion", blank=True)
    perinatal = models.BooleanField(PERINATAL_LABEL.lower(), default=False)
    # Fixed assessment grids until the surveys' form engine: [{"name": …, "items": [...]}].
    assessment_grids = models.JSONField("grilles d'évaluation", default=list, blank=True)
    template = models.CharField("modèle d'origine", max_length=40, blank=True)
    shared = models.BooleanField("partagé avec les autres CPTS", default=False)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "programme de parcours"
        verbose_name_plural = "programmes de parcours"
        ordering = ["cpts", "name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="one_row_per_programme_version"),
            models.UniqueConstraint(
                fields=["lineage"], condition=Q(superseded_at__isnull=True), name="one_current_version_per_programme"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Anchor(models.TextChoices):
    INCLUSION = "inclusion", "après l'inclusion"
    PREVIOUS = "previous", "après l'étape précédente"
    RECURRING = "recurring", "à intervalle régulier"


class ProgrammeStep(JournaledModel):
    """What a programme asks, of whom and when: `offset_days` after the inclusion or the
    previous step, or every `offset_days` (recurring); late beyond `tolerance_days`."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps", verbose_name="programme")
    position = models.PositiveSmallIntegerField("rang")
    title = models.CharField("étape", max_length=200)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices, blank=True)
    role = models.CharField(
        "rôle", max_length=100, blank=True, help_text="Par exemple « référent » ou « coordination »."
    )
    anchor = models.CharField("à compter", max_length=10, choices=Anchor.choices, default=Anchor.INCLUSION)
    offset_days = models.PositiveIntegerField("délai (jours)", default=0)
    tolerance_days = models.PositiveIntegerField("tolérance (jours)", default=7)

    class Meta:
        verbose_name = "étape de programme"
        verbose_name_plural = "étapes de programme"
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "position"], name="one_step_per_rank")]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def clean(self):
        if not self.profession and not self.role:
            raise ValidationError({"profession": "Profession : indiquez une profession ou un rôle pour cette étape."})
        if self.anchor == Anchor.RECURRING and not self.offset_days:
            raise ValidationError({"offset_days": "Délai : une étape régulière revient au moins tous les 1 jour."})

    @property
    def who(self) -> str:
        return self.get_profession_display() if self.profession else self.role


# --- Inclusions ----------------------------------------------------------------------------


class InclusionStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Close"


class CloseReason(models.TextChoices):
    COMPLETED = "completed", "Parcours terminé"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consentement retiré"
    MOVED = "moved", "Patient parti du territoire"
    DECEASED = "deceased", "Décès"
    OTHER = "other", "Autre"


class Sex(models.TextChoices):
    FEMALE = "F", "Féminin"
    MALE = "M", "Masculin"
    UNDETERMINED = "I", "Indéterminé"


class InsStatus(models.TextChoices):
    """The four states of an identity in the national identity referential (RNIV): retrieved
    means read from the INSi service, validated means checked on an identity document,
    qualified both. Only a qualified identity may carry its INS matricule outside."""

    PROVISIONAL = "provisional", "Identité provisoire"
    RETRIEVED = "retrieved", "Identité récupérée"
    VALIDATED = "validated", "Identité validée"
    QUALIFIED = "qualified", "Identité qualifiée"


INS_FROM_SERVICE = (InsStatus.RETRIEVED, InsStatus.QUALIFIED)


class ConsentMode(models.TextChoices):
    ORAL = "oral", "Oral, noté par le professionnel"
    WRITTEN = "written", "Écrit, signé par le patient"
    ELECTRONIC = "electronic", "Électronique"


class InclusionQuerySet(CptsOwnedQuerySet):
    def active(self):
        return self.filter(status=InclusionStatus.ACTIVE)


class Inclusion(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="inclusions", verbose_name="CPTS")
    programme = models.ForeignKey(
        Programme, on_delete=models.RESTRICT, related_name="inclusions", verbose_name="programme"
    )
    # The identity traits of the INS referential (birth names, as on the identity document).
    birth_name = models.CharField("nom de naissance", max_length=100)
    used_name = models.CharField("nom utilisé", max_length=100, blank=True)
    given_names = models.CharField("prénoms de naissance", max_length=200)
    first_given_name = models.CharField("premier prénom de naissance", max_length=100)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("date de naissance")
    birth_place_code = models.CharField(
        "lieu de naissance (code INSEE)", max_length=5, blank=True, validators=[validate_insee_commune_code]
    )
    ins_number = models.CharField("matricule INS", max_length=15, blank=True, validators=[validate_nir])
    identity_qualification = models.CharField(
        "statut de l'identité", max_length=12, choices=InsStatus.choices, default=InsStatus.PROVISIONAL
    )
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    consent_on = models.DateField("consentement recueilli le")
    consent_mode = models.CharField("recueil du consentement", max_length=12, choices=ConsentMode.choices)
    # Keep the record when the account is erased.
    consent_recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="consentement noté par"
    )
    consent_withdrawn_on = models.DateField("consentement retiré le", null=True, blank=True)
    lead = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="led_inclusions", verbose_name="professionnel référent"
    )
    included_on = models.DateField("inclus le", default=timezone.localdate)
    status = models.CharField("état", max_length=10, choices=InclusionStatus.choices, default=InclusionStatus.ACTIVE)
    closed_on = models.DateField("clos le", null=True, blank=True)
    close_reason = models.CharField("motif de clôture", max_length=20, choices=CloseReason.choices, blank=True)

    objects = InclusionQuerySet.as_manager()

    workflow = Workflow(
        log="pathways.InclusionEvent",
        subject="Cette inclusion",
        final=[InclusionStatus.CLOSED],
        transitions=[Transition("close", source=InclusionStatus.ACTIVE, target=InclusionStatus.CLOSED)],
    )

    class Meta:
        verbose_name = "inclusion dans un parcours"
        verbose_name_plural = "inclusions dans un parcours"
        ordering = ["cpts", "-included_on", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "included_on"])]

    def __str__(self):
        # Never the name: this string reaches logs and the admin's history.
        return f"Inclusion n° {self.pk}"

    def save(self, *args, **kwargs):
        self.ins_number = compact_nir(self.ins_number)
        super().save(*args, **kwargs)

    def clean(self):
        today = timezone.localdate()
        if self.birth_date and (self.birth_date > today or self.birth_date.year < today.year - 120):
            raise ValidationError({"birth_date": "Date de naissance : elle doit être passée et plausible."})
        if self.consent_on and self.consent_on > today:
            raise ValidationError({"consent_on": "Consentement : la date ne peut pas être dans le futur."})
        if self.identity_qualification in INS_FROM_SERVICE and not self.ins_number:
            raise ValidationError(
                {"ins_number": "Matricule INS : une identité récupérée ou qualifiée porte son matricule INS."}
            )
        if self.lead_id and (self.lead.cpts_id != self.cpts_id or not self.lead.professional_id):
            raise ValidationError({"lead": "Référent : choisissez un professionnel adhérent de cette CPTS."})

    @property
    def display_name(self) -> str:
        return f"{(self.used_name or self.birth_name).upper()} {self.first_given_name}"

    @property
    def qualified(self) -> bool:
        return self.identity_qualification == InsStatus.QUALIFIED and bool(self.ins_number)

    def close(self, *, by, reason: str, on=None, note: str = ""):
        if reason not in CloseReason.values:
            raise ValidationError({"close_reason": "Motif de clôture : choisissez un motif de la liste."})
        changes = {"closed_on": on or timezone.localdate(), "close_reason": reason}
        if reason == CloseReason.CONSENT_WITHDRAWN:
            changes["consent_withdrawn_on"] = changes["closed_on"]
        self.workflow.run(self, "close", by=by, note=note, changes=changes)


InclusionEvent = transition_log(Inclusion, "changement d'état d'une inclusion", "changements d'état des inclusions")


class Relationship(models.TextChoices):
    FAMILY_CARER = "family_carer", "Aidant familial"
    SOCIAL_WORKER = "social_worker", "Travailleur social"
    HOSPITAL = "hospital", "Professionnel hospitalier"
    OTHER = "other", "Autre"


class CareTeamMemberQuerySet(models.QuerySet):
    def on(self, day):
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class CareTeamMember(JournaledModel):
    """A member of the patient's care team (cercle de soins): an adherent of the CPTS picked
    from the directory, or a person outside it (family carer, social worker) with a contact."""

    inclusion = models.ForeignKey(
        Inclusion, on_delete=models.CASCADE, related_name="care_team", verbose_name="inclusion"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, null=True, blank=True, related_name="care_teams", verbose_name="adhérent"
    )
    name = models.CharField("nom", max_length=150, blank=True)
    relationship = models.CharField("lien", max_length=20, choices=Relationship.choices, blank=True)
    contact = models.CharField("contact", max_length=150, blank=True)
    role = models.CharField("rôle dans l'équipe", max_length=100, blank=True)
    starts_on = models.DateField("depuis le", default=timezone.localdate)
    ends_on = models.DateField("jusqu'au", null=True, blank=True)

    objects = CareTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "membre de l'équipe de soins"
        verbose_name_plural = "membres de l'équipe de soins"
        ordering = ["inclusion", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False, name="") | Q(membership__isnull=True) & ~Q(name=""),
                name="care_team_member_is_an_adherent_or_a_named_person",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="care_team_period_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"Membre n° {self.pk} de l'équipe de soins"

    @property
    def is_adherent(self) -> bool:
        return self.membership_id is not None

    def clean(self):
        if bool(self.membership_id) == bool(self.name):
            raise ValidationError({"membership": "Équipe de soins : choisissez un adhérent ou nommez une personne."})
        if self.is_adherent and self.inclusion_id and self.membership.cpts_id != self.inclusion.cpts_id:
            raise ValidationError({"membership": "Équipe de soins : l'adhérent doit être de cette CPTS."})
        if not self.is_adherent and not self.relationship:
            raise ValidationError({"relationship": "Lien : dites qui est cette personne pour le patient."})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Jusqu'au : la fin vient après le début."})
