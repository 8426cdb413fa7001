import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.identifiers import compact, validate_adeli, validate_finess, validate_rpps, validate_siret
from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.territories.models import Commune, normalize_name

from .professions import (
    SPECIALTIES_BY_PROFESSION,
    Profession,
    Specialty,
    StructureKind,
    category_of_professional,
    category_of_structure,
)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(instance, *names):
    """Typed or pasted control characters are never meant (and break exports): drop them."""
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str):
            setattr(instance, name, CONTROL_CHARACTERS.sub("", value))


class Language(models.Model):
    """ISO 639 languages spoken in practice (plus French sign language)."""

    code = models.CharField("code", max_length=8, primary_key=True)
    name = models.CharField("langue", max_length=60)

    class Meta:
        verbose_name = "langue"
        verbose_name_plural = "langues"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProfessionalQuerySet(models.QuerySet):
    def by_identifier(self, *, rpps="", adeli=""):
        if rpps:
            return self.filter(rpps=compact(rpps))
        return self.filter(adeli=compact(adeli)) if adeli else self.none()


class Professional(JournaledModel):
    """A health professional, once on the platform (unique RPPS or ADELI),
    member of any number of CPTS."""

    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices)
    specialty = models.CharField("spécialité", max_length=20, choices=Specialty.choices, blank=True)
    rpps = models.CharField("RPPS", max_length=11, null=True, blank=True, unique=True, validators=[validate_rpps])
    adeli = models.CharField("ADELI", max_length=9, null=True, blank=True, unique=True, validators=[validate_adeli])
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    skills = models.TextField("compétences", blank=True, help_text="Séparées par des virgules.")
    languages = models.ManyToManyField(Language, verbose_name="langues", blank=True, related_name="+")
    accepts_new_patients = models.BooleanField("accepte de nouveaux patients (médecin traitant)", default=False)
    takes_part_in_snp = models.BooleanField("participe aux soins non programmés", default=False)
    # The account of the professional, who may then edit their own card.
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="professional", verbose_name="compte"
    )
    # Lower case, no accents: names, profession, skills — for the directory search.
    search_text = models.TextField(blank=True, editable=False, verbose_name="texte pour la recherche")
    # The skills alone, lower case and without accents — for the directory's skill filter.
    skills_search = models.TextField(blank=True, editable=False, verbose_name="compétences pour la recherche")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        verbose_name = "professionnel de santé"
        verbose_name_plural = "professionnels de santé"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rpps__isnull=False) | Q(adeli__isnull=False), name="professional_has_rpps_or_adeli"
            )
        ]
        # The directory's default order, paged: served by the index, not a sort.
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="professional_directory_order")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        strip_control_characters(self, "first_name", "last_name", "email", "phone", "skills")
        self.rpps = compact(self.rpps) or None
        self.adeli = compact(self.adeli) or None
        self.search_text = self.build_search_text()
        self.skills_search = normalize_name(self.skills)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "skills" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text", "skills_search"}
        super().save(*args, **kwargs)

    def clean(self):
        if not self.rpps and not self.adeli:
            raise ValidationError({"rpps": "Indiquez le numéro RPPS ou, à défaut, le numéro ADELI."})
        allowed = SPECIALTIES_BY_PROFESSION.get(self.profession, set())
        if self.specialty and self.specialty not in allowed:
            raise ValidationError(
                {"specialty": f"La spécialité « {self.get_specialty_display()} » ne va pas avec cette profession."}
            )

    def build_search_text(self):
        parts = [
            self.first_name,
            self.last_name,
            self.get_profession_display(),
            self.get_specialty_display(),
            self.skills,
        ]
        return normalize_name(" ".join(part for part in parts if part and part != "—"))

    @property
    def national_category(self):
        return category_of_professional(self.profession, self.specialty)

    @property
    def skill_list(self):
        return [skill.strip() for skill in self.skills.split(",") if skill.strip()]


class Structure(JournaledModel):
    """An MSP, a pharmacy, a hospital…: once on the platform (unique FINESS / SIRET)."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=StructureKind.choices)
    finess = models.CharField("FINESS", max_length=9, null=True, blank=True, unique=True, validators=[validate_finess])
    siret = models.CharField("SIRET", max_length=14, null=True, blank=True, unique=True, validators=[validate_siret])
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    # The person who speaks for the structure: their account edits the structure's card.
    representative = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represented_structures",
        verbose_name="représentant",
    )
    search_text = models.TextField(blank=True, editable=False, verbose_name="texte pour la recherche")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finess__isnull=False) | Q(siret__isnull=False), name="structure_has_finess_or_siret"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        strip_control_characters(self, "name", "address", "phone", "email")
        self.finess = compact(self.finess) or None
        self.siret = compact(self.siret) or None
        self.search_text = normalize_name(f"{self.name} {self.get_kind_display()}")
        super().save(*args, **kwargs)

    def clean(self):
        if not self.finess and not self.siret:
            raise ValidationError({"finess": "Indiquez le numéro FINESS ou le numéro SIRET de la structure."})

    @property
    def national_category(self):
        return category_of_structure(self.kind)


class PracticePlace(JournaledModel):
    """Where a professional practises: an address in a commune, maybe in a structure."""

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="practice_places", verbose_name="professionnel de santé"
    )
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_places",
        verbose_name="structure",
    )
    address = models.CharField("adresse", max_length=300)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    mssante_email = models.EmailField("messagerie sécurisée (MSSanté)", blank=True)
    is_main = models.BooleanField("lieu principal", default=True)

    class Meta:
        verbose_name = "lieu d'exercice"
        verbose_name_plural = "lieux d'exercice"
        ordering = ["-is_main", "pk"]

    def __str__(self):
        return f"{self.address}, {self.commune.name}"

    def save(self, *args, **kwargs):
        strip_control_characters(self, "address", "phone", "mssante_email")
        super().save(*args, **kwargs)


class College(JournaledModel):
    """A collège of the CPTS's statutes (médecins, paramédicaux, usagers…), with its seats."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="colleges", verbose_name="CPTS")
    name = models.CharField("nom", max_length=100)
    seats = models.PositiveSmallIntegerField("sièges au conseil d'administration", default=1)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "collège"
        verbose_name_plural = "collèges"
        ordering = ["cpts", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["cpts", "name"], name="college_name_unique_in_cpts")]

    def __str__(self):
        return self.name


class Involvement(models.TextChoices):
    MAILING_LIST = "mailing_list", "Liste de diffusion"
    MISSION = "mission", "Participe à une mission"
    PROJECT_LEAD = "project_lead", "Pilote un projet"


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", "Demande en attente"
    ACTIVE = "active", "Adhérent"
    REFUSED = "refused", "Demande refusée"
    LEFT = "left", "Parti"


OPEN_STATUSES = [MembershipStatus.REQUESTED, MembershipStatus.ACTIVE]


class MembershipQuerySet(CptsOwnedQuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def matching(self, *, colleges=(), professions=(), missions=(), involvements=()):
        """The adhesions matching every given criterion (collège ids, profession codes,
        mission numbers, involvement levels); an empty criterion means « all »."""
        queryset = self
        if colleges:
            queryset = queryset.filter(college_id__in=colleges)
        if professions:
            queryset = queryset.filter(professional__profession__in=professions)
        if missions:
            # Exists keeps one row per adhesion taking part in several of the missions.
            queryset = queryset.filter(
                models.Exists(
                    MissionParticipation.objects.filter(membership=models.OuterRef("pk"), mission__in=missions)
                )
            )
        if involvements:
            queryset = queryset.filter(involvement__in=involvements)
        return queryset

    def active_on(self, date):
        return (
            self.filter(joined_on__lte=date)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=date))
            .exclude(status__in=[MembershipStatus.REQUESTED, MembershipStatus.REFUSED])
        )


class Membership(JournaledModel):
    """An adhesion of a professional or a structure to a CPTS, as a state machine:
    requested → active → left, or requested → refused. Each is a row; history stays."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="memberships", verbose_name="CPTS")
    professional = models.ForeignKey(
        Professional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="professionnel de santé",
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name="structure"
    )
    college = models.ForeignKey(
        College, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name="collège"
    )
    involvement = models.CharField(
        "niveau d'implication", max_length=20, choices=Involvement.choices, default=Involvement.MAILING_LIST
    )
    status = models.CharField(
        "état", max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.REQUESTED
    )
    requested_at = models.DateTimeField("demandée le", default=timezone.now)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    # Keep the history when the deciding account is erased.
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décision par"
    )
    joined_on = models.DateField("adhérent depuis", null=True, blank=True)
    left_on = models.DateField("parti le", null=True, blank=True)
    leave_reason = models.CharField("motif du départ", max_length=200, blank=True)
    # The request reused a card already on the platform (never updated from a public form).
    card_existed = models.BooleanField("fiche déjà présente sur la plateforme", default=False)
    # Unsubscribed from the CPTS's mailings (the mailing-list level).
    unsubscribed_at = models.DateTimeField(null=True, blank=True, verbose_name="date de désinscription")

    objects = MembershipQuerySet.as_manager()

    workflow = Workflow(
        log="members.MembershipEvent",
        subject="Cette adhésion",
        transitions=[
            Transition("accept", source=MembershipStatus.REQUESTED, target=MembershipStatus.ACTIVE),
            Transition("refuse", source=MembershipStatus.REQUESTED, target=MembershipStatus.REFUSED),
            Transition("leave", source=MembershipStatus.ACTIVE, target=MembershipStatus.LEFT),
        ],
    )

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        ordering = ["cpts", "-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(professional__isnull=False) & Q(structure__isnull=True))
                | (Q(professional__isnull=True) & Q(structure__isnull=False)),
                name="membership_of_a_professional_or_a_structure",
            ),
            models.UniqueConstraint(
                fields=["cpts", "professional"],
                condition=Q(status__in=OPEN_STATUSES) & Q(professional__isnull=False),
                name="one_open_membership_per_professional",
            ),
            models.UniqueConstraint(
                fields=["cpts", "structure"],
                condition=Q(status__in=OPEN_STATUSES) & Q(structure__isnull=False),
                name="one_open_membership_per_structure",
            ),
        ]
        indexes = [models.Index(fields=["cpts", "status"])]

    def __str__(self):
        return f"{self.member} — {self.cpts}"

    @property
    def member(self):
        return self.professional or self.structure

    @property
    def national_category(self):
        return self.member.national_category

    @transaction.atomic
    def accept(self, *, by, on=None):
        self.workflow.run(
            self,
            "accept",
            by=by,
            changes={"decided_at": timezone.now(), "decided_by": by, "joined_on": on or timezone.localdate()},
        )

    @transaction.atomic
    def refuse(self, *, by, reason=""):
        self.workflow.run(self, "refuse", by=by, note=reason, changes={"decided_at": timezone.now(), "decided_by": by})

    @transaction.atomic
    def leave(self, *, by, on=None, reason=""):
        self.workflow.check(self, "leave")
        on = on or timezone.localdate()
        if self.joined_on and on < self.joined_on:
            raise ValidationError({"left_on": "La date de départ ne peut pas précéder la date d'adhésion."})
        self.workflow.run(self, "leave", by=by, note=reason, changes={"left_on": on, "leave_reason": reason})


MembershipEvent = transition_log(Membership, "changement d'état d'une adhésion", "changements d'état des adhésions")


class MissionParticipation(JournaledModel):
    """A mission of the CPTS an adherent takes part in (selections for meetings and mailings)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="missions", verbose_name="adhésion"
    )
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices)

    class Meta:
        verbose_name = "participation à une mission"
        verbose_name_plural = "participations aux missions"
        ordering = ["membership", "mission"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "mission"], name="one_participation_per_membership_and_mission"
            )
        ]

    def __str__(self):
        return self.get_mission_display()


class Fee(JournaledModel):
    """The cotisation of a member for a year."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="fees", verbose_name="adhésion")
    year = models.PositiveSmallIntegerField("année")
    amount = models.DecimalField("montant (€)", max_digits=8, decimal_places=2)
    paid_on = models.DateField("payée le", null=True, blank=True)

    class Meta:
        verbose_name = "cotisation"
        verbose_name_plural = "cotisations"
        ordering = ["membership", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="one_fee_per_membership_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} : {self.amount} €"

    @property
    def is_paid(self):
        return self.paid_on is not None


class Mailing(JournaledModel):
    """A message sent by the coordination to a selection of members; kept once sent.

    `criteria`: {"colleges": [pk…], "professions": [code…], "missions": [number…],
    "involvements": [value…], "statuses": [value…]}; an empty list means « all », the
    statuses default to active.
    """

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="mailings", verbose_name="CPTS")
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message")
    criteria = models.JSONField("critères de sélection", default=dict, blank=True)
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    # Keep the message when the sending account is erased.
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="envoyé par"
    )
    # Issued with the preview and used once: a double click cannot send the message twice.
    send_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False, verbose_name="clé d'envoi"
    )
    recipient_count = models.PositiveIntegerField("nombre de destinataires", default=0)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "message aux membres"
        verbose_name_plural = "messages aux membres"
        ordering = ["cpts", "-sent_at", "-pk"]

    def __str__(self):
        return self.subject


class RecipientStatus(models.TextChoices):
    PENDING = "pending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"


class MailingRecipient(JournaledModel):
    """One addressee of a mailing, with the address used at sending time (kept with the message)."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients", verbose_name="message")
    # Erasing an adhesion erases its addresses; the message and its count stay.
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="mailing_recipients", verbose_name="adhésion"
    )
    email = models.EmailField("courriel à l'envoi")
    status = models.CharField("état", max_length=20, choices=RecipientStatus.choices, default=RecipientStatus.PENDING)

    class Meta:
        verbose_name = "destinataire d'un message"
        verbose_name_plural = "destinataires d'un message"
        ordering = ["mailing", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "membership"], name="one_recipient_per_mailing_and_membership")
        ]

    def __str__(self):
        return f"{self.mailing} — {self.get_status_display()}"
