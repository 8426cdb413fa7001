import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import journal, token_scopes, workflows
from .identifiers import validate_finess, validate_siren, validate_siret
from .workflows import ANY, Transition, TransitionLog, Workflow


class JournaledModel(models.Model):
    """A model whose every create, change and deletion goes to the audit journal.

    Only field *names* are journaled, never their values.
    """

    journal_ignored_fields = ("updated_at", "last_login")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        creating = self._state.adding
        if creating:
            fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
        else:
            fields = self._journal_changed_fields()
        fields = [name for name in fields if name not in self.journal_ignored_fields]
        if not creating and kwargs.get("update_fields") is None:
            # A copy read before a transition must not write the old state back: an update writes
            # every field but the workflow's state, which only `Workflow.run` writes.
            state_fields = workflows.state_fields_of(type(self))
            if state_fields:
                deferred = self.get_deferred_fields()  # as Django does: only what was loaded is written
                kwargs["update_fields"] = [
                    f.name
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name not in state_fields and f.attname not in deferred
                ]
        with transaction.atomic():
            super().save(*args, **kwargs)
            if creating or fields:
                journal.record(journal.Action.CREATE if creating else journal.Action.UPDATE, self, fields=fields)
        self._journal_loaded = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._journal_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """The loaded copy follows the refreshed values: the next save journals (and the
        workflow guard judges) only what changes after this read."""
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        loaded = getattr(self, "_journal_loaded", {})
        for field in self._meta.concrete_fields:
            if fields is not None and field.name not in fields and field.attname not in fields:
                continue
            if field.attname in self.__dict__:
                loaded[field.attname] = self.__dict__[field.attname]
        self._journal_loaded = loaded

    def _journal_changed_fields(self):
        loaded = getattr(self, "_journal_loaded", {})
        return [
            field.name
            for field in self._meta.concrete_fields
            if field.attname in loaded and getattr(self, field.attname) != loaded[field.attname]
        ]


def journal_deletion(sender, instance, **kwargs):
    """Deletions, cascades included, of every journaled model (connected per model in
    CoreConfig.ready: a catch-all receiver would turn off Django's fast deletes everywhere)."""
    journal.record(journal.Action.DELETE, instance)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(JournaledModel, AbstractUser):
    """A person who logs in. The e-mail address is the login."""

    username = None
    email = models.EmailField("adresse électronique", unique=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    # Subject of the OpenID Connect provider (Pro Santé Connect), when linked.
    oidc_subject = models.CharField(max_length=255, blank=True, null=True, unique=True, verbose_name="identifiant OIDC")
    rpps = models.CharField("RPPS", max_length=11, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    journal_ignored_fields = ("updated_at", "last_login")

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        # The login lower-cases what people type: store it the same way.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class CptsStatus(models.TextChoices):
    LETTER_OF_INTENT = "letter_of_intent", "Lettre d'intention"
    PROJECT_SUBMITTED = "project_submitted", "Projet de santé déposé"
    PROJECT_VALIDATED = "project_validated", "Projet de santé validé"
    NEGOTIATION = "negotiation", "En négociation"
    ACI_SIGNED = "aci_signed", "ACI signé"
    DISSOLVED = "dissolved", "Dissoute"


# The national lifecycle, in order; a CPTS may be dissolved at any step.
LIFECYCLE_ORDER = [
    CptsStatus.LETTER_OF_INTENT,
    CptsStatus.PROJECT_SUBMITTED,
    CptsStatus.PROJECT_VALIDATED,
    CptsStatus.NEGOTIATION,
    CptsStatus.ACI_SIGNED,
]


def lifecycle_transitions() -> list[Transition]:
    """One transition per step, named by its code: forward from any earlier step (steps may
    be skipped), and dissolution from any step. The lettre d'intention has no source: a CPTS
    starts there, and its first step is logged by `Workflow.start` (see `Cpts.record_step`)."""
    forward = [
        Transition(status.value, source=LIFECYCLE_ORDER[:index], target=status)
        for index, status in enumerate(LIFECYCLE_ORDER)
    ]
    return [*forward, Transition(CptsStatus.DISSOLVED.value, source=ANY, target=CptsStatus.DISSOLVED)]


class LegalForm(models.TextChoices):
    ASSOCIATION_1901 = "association_1901", "Association loi 1901"
    ASSOCIATION_1908 = "association_1908", "Association de droit local (Alsace-Moselle)"
    OTHER = "other", "Autre"


class CptsQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=CptsStatus.DISSOLVED)


class Cpts(JournaledModel):
    """A CPTS: the tenant of the platform. Its territory lives in `territories`."""

    name = models.CharField("nom", max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True, verbose_name="identifiant d'adresse")
    legal_form = models.CharField(
        "forme juridique", max_length=30, choices=LegalForm.choices, default=LegalForm.ASSOCIATION_1901
    )
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    finess = models.CharField("FINESS", max_length=9, blank=True, validators=[validate_finess])
    email = models.EmailField("courriel de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    website = models.URLField("site internet", blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    status = models.CharField("étape", max_length=30, choices=CptsStatus.choices, default=CptsStatus.LETTER_OF_INTENT)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = CptsQuerySet.as_manager()

    workflow = Workflow(
        log="core.LifecycleStep",
        subject="Cette CPTS",
        final=[CptsStatus.DISSOLVED],
        transitions=lifecycle_transitions(),
    )

    class Meta:
        verbose_name = "CPTS"
        verbose_name_plural = "CPTS"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)

    @property
    def is_dissolved(self):
        return self.status == CptsStatus.DISSOLVED

    def is_first_step(self, status) -> bool:
        """The lettre d'intention of a new CPTS, whose status starts there: logged, not moved."""
        return status == self.status == CptsStatus.LETTER_OF_INTENT and not self.steps.exists()

    def check_next_step(self, status):
        """A CPTS moves forward through the lifecycle, or is dissolved; never back."""
        if self.is_first_step(status):
            return
        if status in self.workflow.transitions and self.workflow.can(self, status):
            return
        if self.is_dissolved:
            message = "Une CPTS dissoute ne change plus d'étape."
        else:
            new, current = CptsStatus(status).label, self.get_status_display()
            message = f"L'étape « {new} » ne suit pas l'étape actuelle « {current} »."
        raise self.workflow.refusal(self, message=message)

    def record_step(self, *, status, on, by, note=""):
        """Move the CPTS to `status` on date `on`, logged with who recorded it.

        Dissolution also frees the territory: use territories.services.dissolve.
        The row is locked and checked first, so a refusal changes nothing.
        """
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            current.check_next_step(status)
            current.check_step_date(on)
            if current.is_first_step(status):
                step = self.workflow.start(current, by=by, note=note, log={"date": on})
                journal.record(journal.Action.TRANSITION, current, fields=["status"], actor=by, note=f"∅ → {status}")
            else:
                step = self.workflow.run(
                    current, status, by=by, note=note, changes={"updated_at": timezone.now()}, log={"date": on}
                )
        self.refresh_from_db(fields=["status", "updated_at"])
        return step

    def advance_to(self, status, *, on, by) -> bool:
        """A decision recorded elsewhere (a projet de santé validated, an ACI recorded) moves the
        CPTS to `status` on `on` when its lifecycle allows it: never back, never from a dissolution,
        never before the date of its last step (a decision typed in after the fact leaves the
        history as it is). Whether it moved."""
        self.refresh_from_db(fields=["status"])
        last = self.steps.order_by("-date").values_list("date", flat=True).first()
        if not self.workflow.can(self, CptsStatus(status).value) or (last is not None and on < last):
            return False
        self.record_step(status=status, on=on, by=by)
        return True

    def check_step_date(self, on):
        if on > timezone.localdate():
            raise ValidationError({"date": "La date d'une étape ne peut pas être dans le futur."})
        last = self.steps.order_by("-date").values_list("date", flat=True).first()
        if last is not None and on < last:
            raise ValidationError(
                {"date": f"La date ne peut pas précéder celle de l'étape précédente ({last:%d/%m/%Y})."}
            )


class CptsOwnedQuerySet(models.QuerySet):
    def for_cpts(self, cpts):
        return self.filter(cpts=cpts)


class LifecycleStep(TransitionLog):
    """One step of the national lifecycle (the transition log of a CPTS): the date the step
    happened (`date`), and when (`at`) and by whom (`by`) it was recorded."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="steps", verbose_name="CPTS")
    date = models.DateField("date")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta(TransitionLog.Meta):
        verbose_name = "étape du cycle de vie"
        verbose_name_plural = "étapes du cycle de vie"
        ordering = ["cpts", "date", "at", "pk"]

    def __str__(self):
        return f"{self.get_to_status_display()} — {self.date:%d/%m/%Y}"


class CptsRoleKind(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinateur ou coordinatrice"
    MEMBER = "member", "Membre"


class CptsRole(JournaledModel):
    """A user's role in one CPTS (the adhesion itself lives in `members`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cpts_roles", verbose_name="utilisateur")
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="roles", verbose_name="CPTS")
    role = models.CharField("rôle", max_length=20, choices=CptsRoleKind.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle dans une CPTS"
        verbose_name_plural = "rôles dans une CPTS"
        constraints = [models.UniqueConstraint(fields=["user", "cpts"], name="one_role_per_user_and_cpts")]

    def __str__(self):
        return f"{self.get_role_display()} — {self.cpts}"


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal est en ajout seul : aucune entrée ne se modifie.")

    def delete(self):
        raise PermissionError("Le journal est en ajout seul : seule la purge planifiée supprime des entrées.")

    def sealed(self):
        return self.filter(chain_index__isnull=False)

    def unsealed(self):
        return self.filter(chain_index__isnull=True)


class JournalEntry(models.Model):
    """Append-only: no update, no delete (database triggers enforce it too).

    Holds ids and field names only, so it keeps no health data and survives
    the erasure of the people it names: the actor is a plain id, not a key.

    Each entry is sealed once, after its transaction commits (`journal.seal_pending`): it gets
    its place in the chain (`chain_index`, contiguous), the hash of the entry before it and
    its own hash over its content and that previous hash. The seal columns are the only ones
    a database trigger lets change, and only from empty to set.
    """

    # The columns the hash covers; no trigger lets them change.
    CONTENT_FIELDS = ("id", "at", "actor_id", "action", "object_type", "object_id", "fields", "cpts_id", "note")
    SEAL_FIELDS = ("chain_index", "previous_hash", "hash")

    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField("auteur (id)", null=True, blank=True, db_index=True)
    action = models.CharField("action", max_length=20, choices=journal.Action.CHOICES)
    object_type = models.CharField("type d'objet", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("id de l'objet", max_length=64, blank=True)
    fields = models.JSONField("champs", default=list, blank=True)
    cpts_id = models.BigIntegerField("CPTS (id)", null=True, blank=True, db_index=True)
    note = models.CharField("note", max_length=200, blank=True)
    chain_index = models.BigIntegerField("rang dans la chaîne", null=True, blank=True, unique=True, editable=False)
    previous_hash = models.CharField("empreinte précédente", max_length=64, blank=True, editable=False)
    hash = models.CharField("empreinte", max_length=64, blank=True, editable=False)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Le journal est en ajout seul : aucune entrée ne se modifie.")
        super().save(*args, **kwargs)
        journal.seal_after_commit(using=kwargs.get("using"))

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal est en ajout seul : seule la purge planifiée supprime des entrées.")

    @classmethod
    def purge_older_than(cls, cutoff, *, using=None):
        """The only way entries leave the journal: the retention purge (`manage.py
        purge_journal`, run by the owner role). Deletes the longest prefix of the chain older
        than `cutoff` and appends a marker entry saying where the chain now starts; returns
        the number of entries deleted. See `journal.purge`."""
        return journal.purge(cutoff, using=using)


class JournalPurgePermit(models.Model):
    """SQLite only (development): exists only inside the purge's transaction, the delete
    trigger checks for it. On PostgreSQL it opens nothing: only the purge function, run as the
    table's owner, deletes."""

    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "permis de purge du journal"
        verbose_name_plural = "permis de purge du journal"

    def __str__(self):
        return "permis de purge"


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def default_token_expiry():
    return timezone.now() + datetime.timedelta(days=settings.MAILLON_API_TOKEN_DAYS)


class ApiTokenKind(models.TextChoices):
    PERSONAL = "personal", "Jeton d'API personnel"
    # A SAS platform's token: valid on /fhir/ only, never on /api/v1/.
    FHIR = "fhir", "Jeton de client FHIR (SAS)"


# A token this close to its expiry is counted on the account page.
EXPIRING_SOON = datetime.timedelta(days=14)
# The last use is written at most this often: a script's every call does not write a row.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)
SUPERUSER_TOKEN_REFUSED = (
    "Un compte d'administration de la plateforme ne peut pas avoir de jeton d'API : "
    "il donnerait tous les droits sur toutes les CPTS."
)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def expiring_soon(self, now=None):
        now = now or timezone.now()
        return self.active(now).filter(expires_at__lte=now + EXPIRING_SOON)


class ApiToken(JournaledModel):
    """An API token (`Authorization: Bearer …`); only its digest is stored.

    A personal token works on /api/v1/ within its scopes (`core.token_scopes`), a FHIR token on
    /fhir/ only; both until `expires_at`, or until revoked. A platform admin's token authenticates
    nothing unless `MAILLON_API_SUPERUSER_TOKENS` is on.
    """

    PREFIX = "mln_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="utilisateur")
    name = models.CharField("nom", max_length=100)
    kind = models.CharField("type", max_length=10, choices=ApiTokenKind.choices, default=ApiTokenKind.PERSONAL)
    # ["members:read", "members:write", …], normalised by token_scopes.normalize; empty for a FHIR token.
    scopes = models.JSONField("portées", default=list, blank=True)
    digest = models.CharField(max_length=64, unique=True, verbose_name="empreinte")
    hint = models.CharField("début du jeton", max_length=12)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    expires_at = models.DateTimeField("expire le", default=default_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name="dernière utilisation")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="révoqué le")
    rotated_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rotated_to",
        verbose_name="renouvelle le jeton",
    )

    journal_ignored_fields = ("last_used_at",)
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def refused_to(user) -> bool:
        """A platform admin's token would be superuser over the whole API: none, unless
        `MAILLON_API_SUPERUSER_TOKENS` is on."""
        return user.is_superuser and not settings.MAILLON_API_SUPERUSER_TOKENS

    @classmethod
    def issue(cls, user, name, *, kind=ApiTokenKind.PERSONAL, scopes=None, days=None, plain=None, rotated_from=None):
        """Create a token; the plain value is returned once and never stored.

        `scopes`: a personal token's scopes (`core.token_scopes`; None: every scope, as the
        tokens made before scopes existed); a FHIR token has none. `days`: its life
        (`MAILLON_API_TOKEN_DAYS` by default). The account page offers no token to a platform
        admin, and theirs authenticates nothing, unless `MAILLON_API_SUPERUSER_TOKENS` is on.
        """
        if kind == ApiTokenKind.FHIR:
            scopes = []
        else:
            scopes = token_scopes.normalize(token_scopes.ALL_SCOPES if scopes is None else scopes)
        days = days or settings.MAILLON_API_TOKEN_DAYS
        plain = plain or cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            kind=kind,
            scopes=scopes,
            digest=token_digest(plain),
            hint=plain[:12],
            expires_at=timezone.now() + datetime.timedelta(days=days),
            rotated_from=rotated_from,
        )
        return token, plain

    @classmethod
    def authenticate(cls, plain, *, kind, now=None):
        """The active token of kind `kind` whose plain value is `plain`, of an active user (and
        not a platform admin's, unless allowed), its last use recorded; else None."""
        now = now or timezone.now()
        rows = cls.objects.active(now).select_related("user")
        token = rows.filter(digest=token_digest(plain or ""), kind=kind).first()
        if token is None or not token.user.is_active:
            return None
        if cls.refused_to(token.user):
            return None
        # One statement whatever the last use (so a request's queries stay the same), that
        # writes the row only when the last use is older than a minute.
        stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=now - LAST_USE_PRECISION)
        if cls.objects.filter(stale, pk=token.pk).update(last_used_at=now):
            token.last_used_at = now
        return token

    @classmethod
    def user_for(cls, plain, *, kind=ApiTokenKind.PERSONAL):
        token = cls.authenticate(plain, kind=kind)
        return token.user if token is not None else None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def expires_soon(self) -> bool:
        return self.is_active and self.expires_at <= timezone.now() + EXPIRING_SOON

    @property
    def life_days(self) -> int:
        """The life its owner chose, in days (a rotation gives the new token the same)."""
        days = round((self.expires_at - self.created_at) / datetime.timedelta(days=1))
        return min(max(days, 1), settings.MAILLON_API_TOKEN_MAX_DAYS)

    def scope_summary(self) -> list[str]:
        return token_scopes.summary(self.scopes)

    def rotate(self):
        """(the new token, its plain value): same name, kind and scopes, a fresh expiry; this
        one is revoked at once. ValidationError when it is revoked already, or is a platform
        admin's while their tokens are refused."""
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.revoked_at is not None:
                raise ValidationError("Ce jeton est révoqué : il ne peut plus être renouvelé.")
            if type(self).refused_to(current.user):
                raise ValidationError(SUPERUSER_TOKEN_REFUSED)
            token, plain = type(self).issue(
                current.user,
                current.name,
                kind=current.kind,
                scopes=current.scopes,
                days=current.life_days,
                rotated_from=current,
            )
            current.revoke()
        self.revoked_at = current.revoked_at
        return token, plain

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class ScheduledRun(models.Model):
    """A periodic task enqueued for a day (`maillon.core.scheduler`): the unique row is the
    claim, so restarts and several schedulers never enqueue it twice the same day."""

    name = models.CharField("tâche", max_length=100)
    day = models.DateField("jour")
    enqueued_at = models.DateTimeField("mise en file le", default=timezone.now)

    class Meta:
        verbose_name = "tâche planifiée lancée"
        verbose_name_plural = "tâches planifiées lancées"
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="one_scheduled_run_per_task_and_day")]

    def __str__(self):
        return f"{self.name} du {self.day:%d/%m/%Y}"


class ThrottleAttempt(models.Model):
    """One attempt at a public form (`maillon.core.throttle`), by an address known only by its
    keyed digest: the IP itself is personal data and is never stored. Rows older than a day
    are deleted as new attempts come."""

    scope = models.CharField("formulaire", max_length=50)
    key_digest = models.CharField("empreinte de l'adresse", max_length=64)
    at = models.DateTimeField("tentée le", default=timezone.now)

    class Meta:
        verbose_name = "tentative sur un formulaire public"
        verbose_name_plural = "tentatives sur les formulaires publics"
        ordering = ["-at"]
        indexes = [models.Index(fields=["scope", "key_digest", "at"]), models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.scope} à {self.at:%d/%m/%Y %H:%M}"
