"""The organisations that work with the CPTS without being one: an ARS, the Assurance Maladie,
a URPS, a federation. Each has a scope — a région, or the whole country — and people:
managers (granted by the platform admin) and members (the ARS and CPAM officers already known
through their territorial roles join the organisation those roles name, `services.enrol_officers`).

An organisation hosts regional discussion groups open to professionals of several CPTS
(`discussions`), and later surveys.
"""

from django.db import models
from django.db.models import Q

from maillon.core.models import JournaledModel, User
from maillon.territories.models import Region


class OrganisationKind(models.TextChoices):
    ARS = "ars", "Agence régionale de santé (ARS)"
    ASSURANCE_MALADIE = "assurance_maladie", "Assurance Maladie (CPAM, DCGDR)"
    URPS = "urps", "Union régionale des professionnels de santé (URPS)"
    FEDERATION = "federation", "Fédération ou association"
    OTHER = "other", "Autre organisme"


class OrganisationQuerySet(models.QuerySet):
    def managed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(people__user=user, people__role=OrganisationRole.MANAGER)

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(people__user=user).distinct()


class Organisation(JournaledModel):
    name = models.CharField("nom", max_length=150, unique=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    # No région: the organisation works over the whole country (a national federation).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="région"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def scope_label(self) -> str:
        return self.region.name if self.region_id else "France entière"


class OrganisationRole(models.TextChoices):
    MANAGER = "manager", "Gestionnaire"
    MEMBER = "member", "Membre"


class OrganisationPerson(JournaledModel):
    """A person's place in an organisation: one row per person and organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="people", verbose_name="organisation"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisations", verbose_name="utilisateur")
    role = models.CharField("rôle", max_length=20, choices=OrganisationRole.choices, default=OrganisationRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "personne d'une organisation"
        verbose_name_plural = "personnes des organisations"
        ordering = ["organisation", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_place_per_person_and_organisation"),
            models.CheckConstraint(condition=Q(role__in=OrganisationRole.values), name="organisation_role_known"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == OrganisationRole.MANAGER
