"""Governance of a CPTS: elections of the collèges' representatives (secret ballot),
bodies and mandates, general assemblies, founding documents with versions.

The secret ballot
=================
Who voted and what was voted are stored apart, with nothing that links them:

- `VoterRecord(election, membership, voted_at)` says *who* voted and when (the
  émargement). Unique per election and membership: the database refuses a second
  vote, also when two requests race (the second insert fails, its transaction rolls
  back, and its ballot is never written).
- `Ballot(election)` + `BallotChoice(ballot, candidate)` say *what* was voted. A ballot
  has no voter, no timestamp, and a random UUID primary key, as do its choices: an
  auto-increment id (of the ballot or of the M2M rows, which Django would give an
  implicit through table) would follow the order of the votes, and the order of the
  `VoterRecord` rows would then name the voter of each ballot. Ballots have no default
  ordering and are never listed one by one; only counts leave the database.
- Both rows are written in one transaction (`cast_vote`), so a vote is counted if and
  only if its voter is recorded.
- Neither is a `JournaledModel`: the journal keeps the time and the actor of each write,
  so a journaled ballot would be linked to its voter through the journal. The journal
  keeps one entry per vote, on the *election*, with no actor (written under
  `acting_as(None)`: `journal.record(actor=None)` would fall back to the request's user,
  the voter) and without the ballot's id. Its time is the time of the `VoterRecord`,
  which says no more than the émargement already does.
- Residual risk, outside the ORM: the physical order of rows in the database (SQLite's
  hidden rowid, PostgreSQL's heap order) and database logs. Whoever holds the database
  files and the `VoterRecord` times could try to match them; the application never
  reads ballots in that order, and operators must treat the database as secret.
- Results exist only once the election is closed (no partial counts while it is open).
"""

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.functional import cached_property

from maillon.core import journal
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.uploads import check_document
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.members.models import College, Membership, MembershipStatus

# --- Elections ---------------------------------------------------------------------------


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Scrutin ouvert"
    CLOSED = "closed", "Scrutin clos"


class Election(JournaledModel):
    """The election of a collège's representatives: draft → open → closed."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="elections", verbose_name="CPTS")
    # An election keeps its collège: the collège cannot be deleted under it.
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="elections", verbose_name="collège")
    title = models.CharField("intitulé", max_length=200)
    seats = models.PositiveSmallIntegerField("sièges à pourvoir", default=1, validators=[MinValueValidator(1)])
    opens_at = models.DateTimeField("ouverture du scrutin")
    closes_at = models.DateTimeField("clôture du scrutin")
    quorum_percent = models.PositiveSmallIntegerField(
        "quorum (% des adhérents actifs du collège)", default=0, validators=[MaxValueValidator(100)]
    )
    status = models.CharField("état", max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT)
    # The number of active members of the collège when the vote opened: the base of the quorum.
    electorate_size = models.PositiveIntegerField("inscrits", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CptsOwnedQuerySet.as_manager()

    workflow = Workflow(
        log="governance.ElectionEvent",
        subject="Cette élection",
        final=[ElectionStatus.CLOSED],
        transitions=[
            Transition("open", source=ElectionStatus.DRAFT, target=ElectionStatus.OPEN),
            Transition("close", source=ElectionStatus.OPEN, target=ElectionStatus.CLOSED),
        ],
    )

    class Meta:
        verbose_name = "élection"
        verbose_name_plural = "élections"
        ordering = ["cpts", "-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="election_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="election_has_a_seat"),
            models.CheckConstraint(condition=Q(quorum_percent__lte=100), name="election_quorum_is_a_percentage"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "La clôture du scrutin doit suivre son ouverture."})
        if self.college_id and self.cpts_id and self.college.cpts_id != self.cpts_id:
            raise ValidationError({"college": "Ce collège n'appartient pas à cette CPTS."})

    # --- State machine

    def eligible_memberships(self):
        """Who may vote: the active adhesions of the election's collège."""
        return Membership.objects.for_cpts(self.cpts_id).active().filter(college=self.college_id)

    @transaction.atomic
    def open(self, *, by, note=""):
        self.workflow.check(self, "open")
        if not self.candidates.exists():
            raise ValidationError({"status": "Ajoutez au moins un candidat avant d'ouvrir le scrutin."})
        if self.closes_at <= timezone.now():
            raise ValidationError({"closes_at": "La date de clôture est passée : reportez-la avant d'ouvrir."})
        self.workflow.run(
            self, "open", by=by, note=note, changes={"electorate_size": self.eligible_memberships().count()}
        )

    @transaction.atomic
    def close(self, *, by, note=""):
        self.workflow.check(self, "close")
        if timezone.now() < self.closes_at:
            closes = timezone.localtime(self.closes_at)
            raise ValidationError({"status": f"Le scrutin ne peut être clos qu'après {closes:%d/%m/%Y à %H:%M}."})
        self.workflow.run(self, "close", by=by, note=note)

    def check_draft(self):
        """Candidates are added while the election is in preparation (before `open`)."""
        if self.status != ElectionStatus.DRAFT:
            raise self.workflow.refusal(self)

    @property
    def is_open(self):
        return self.status == ElectionStatus.OPEN

    @property
    def is_closed(self):
        return self.status == ElectionStatus.CLOSED

    def accepts_votes_now(self) -> bool:
        return self.is_open and self.opens_at <= timezone.now() < self.closes_at

    # --- Candidates and votes

    def add_candidate(self, membership, *, statement=""):
        self.check_draft()
        if membership.cpts_id != self.cpts_id or membership.college_id != self.college_id:
            raise ValidationError({"membership": "Le candidat doit être adhérent du collège de l'élection."})
        if membership.status != MembershipStatus.ACTIVE:
            raise ValidationError({"membership": "Le candidat doit avoir une adhésion active."})
        try:
            with transaction.atomic():
                return Candidate.objects.create(election=self, membership=membership, statement=statement)
        except IntegrityError as error:
            raise ValidationError({"membership": "Cette personne est déjà candidate à cette élection."}) from error

    def voter_membership(self, user):
        """The user's active adhesion in the election's collège, or None."""
        professional = getattr(user, "professional", None) if user.is_authenticated else None
        if professional is None:
            return None
        return self.eligible_memberships().filter(professional=professional).first()

    def has_voted(self, membership) -> bool:
        return membership is not None and self.voter_records.filter(membership=membership).exists()

    def cast_vote(self, *, membership, candidates):
        """Record that `membership` voted, and, apart and unlinked, what they voted.

        One transaction; the unique (election, membership) constraint refuses a
        second vote, including one racing this one. An empty choice is a blank vote.
        """
        candidates = list(candidates)
        if len({c.pk for c in candidates}) != len(candidates):
            raise ValidationError({"candidates": "Chaque candidat ne peut être choisi qu'une fois."})
        if any(c.election_id != self.pk for c in candidates):
            raise ValidationError({"candidates": "Choisissez parmi les candidats de cette élection."})
        if len(candidates) > self.seats:
            raise ValidationError({"candidates": f"Choisissez au plus {self.seats} candidat(s)."})
        if membership.cpts_id != self.cpts_id or membership.college_id != self.college_id:
            raise ValidationError({"membership": "Seuls les adhérents du collège votent à cette élection."})
        if membership.status != MembershipStatus.ACTIVE:
            raise ValidationError({"membership": "Seuls les adhérents actifs votent."})
        try:
            with transaction.atomic():
                current = Election.objects.select_for_update().get(pk=self.pk)
                if not current.accepts_votes_now():
                    raise ValidationError({"status": "Le scrutin n'est pas ouvert."})
                VoterRecord.objects.create(election=current, membership=membership)
                ballot = Ballot.objects.create(election=current)
                BallotChoice.objects.bulk_create(
                    [BallotChoice(ballot=ballot, candidate=candidate) for candidate in candidates]
                )
                # No actor (not the voter) and no ballot id: see the module's docstring.
                with journal.acting_as(None):
                    journal.record(
                        journal.Action.CREATE,
                        object_type="governance.Ballot",
                        object_id=f"election-{current.pk}",
                        cpts_id=current.cpts_id,
                        note="Un vote a été déposé.",
                    )
        except IntegrityError as error:
            raise ValidationError({"membership": "Vous avez déjà voté à cette élection."}) from error

    # --- Results

    def results(self):
        """Counts per candidate, turnout, quorum and the elected; None until closed."""
        if not self.is_closed:
            return None
        candidates = list(
            self.candidates.select_related("membership__professional", "membership__structure")
            .annotate(votes=Count("ballot_choices"))
            .order_by("-votes", "pk")
        )
        voters = self.voter_records.count()
        electorate = self.electorate_size or 0
        quorum_reached = voters * 100 >= self.quorum_percent * electorate and voters > 0
        elected, tied = elect(candidates, self.seats) if quorum_reached else ([], [])
        return Results(candidates, voters, electorate, quorum_reached, elected, tied)


ElectionEvent = transition_log(Election, "changement d'état d'une élection", "changements d'état des élections")


def elect(candidates, seats):
    """(elected, tied) from candidates sorted by votes: the top `seats`; candidates
    level at the last seat and too many for the seats left are tied, not elected."""
    if len(candidates) <= seats:
        return list(candidates), []
    threshold = candidates[seats - 1].votes
    above = [c for c in candidates if c.votes > threshold]
    level = [c for c in candidates if c.votes == threshold]
    if len(above) + len(level) <= seats:
        return above + level, []
    return above, level


@dataclass(frozen=True)
class Results:
    candidates: list
    voters: int
    electorate: int
    quorum_reached: bool
    elected: list
    tied: list

    @property
    def turnout_percent(self):
        return round(self.voters * 100 / self.electorate, 1) if self.electorate else 0

    @property
    def elected_ids(self):
        return {c.pk for c in self.elected}

    @property
    def tied_ids(self):
        return {c.pk for c in self.tied}


class Candidate(JournaledModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates", verbose_name="élection")
    # A candidacy is history: the adhesion it names is kept.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="candidacies", verbose_name="adhésion"
    )
    statement = models.TextField("profession de foi", blank=True)

    class Meta:
        verbose_name = "candidat"
        verbose_name_plural = "candidats"
        ordering = ["election", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "membership"], name="one_candidacy_per_member_and_election")
        ]

    def __str__(self):
        return str(self.membership.member)


class VoterRecord(models.Model):
    """Who voted (the émargement); never what. Not journaled: see the module's docstring."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="voter_records", verbose_name="élection"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name="adhésion")
    voted_at = models.DateTimeField(default=timezone.now, verbose_name="date du vote")

    class Meta:
        verbose_name = "émargement"
        verbose_name_plural = "émargements"
        ordering = ["election", "voted_at"]
        constraints = [models.UniqueConstraint(fields=["election", "membership"], name="one_vote_per_member")]

    def __str__(self):
        return f"{self.membership_id} a voté ({self.election_id})"


class Ballot(models.Model):
    """What was voted, with no voter, no time and a random id. Not journaled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="identifiant")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots", verbose_name="élection")
    choices = models.ManyToManyField(
        Candidate, through="BallotChoice", related_name="ballots", blank=True, verbose_name="choix"
    )

    class Meta:
        verbose_name = "bulletin"
        verbose_name_plural = "bulletins"

    def __str__(self):
        return "bulletin"


class BallotChoice(models.Model):
    """A candidate chosen on a ballot; a random id, so no insertion order either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="identifiant")
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+", verbose_name="bulletin")
    # Counted votes keep their candidate.
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="ballot_choices", verbose_name="candidat"
    )

    class Meta:
        verbose_name = "choix d'un bulletin"
        verbose_name_plural = "choix des bulletins"
        constraints = [models.UniqueConstraint(fields=["ballot", "candidate"], name="one_choice_per_candidate")]

    def __str__(self):
        return "choix"


# --- Bodies and mandates --------------------------------------------------------------------


class Body(models.TextChoices):
    BUREAU = "bureau", "Bureau"
    BOARD = "board", "Conseil d'administration"
    COLLEGE_REPRESENTATIVE = "college_rep", "Représentant de collège"


class MandateRole(models.TextChoices):
    PRESIDENT = "president", "Président(e)"
    VICE_PRESIDENT = "vice_president", "Vice-président(e)"
    TREASURER = "treasurer", "Trésorier(ère)"
    SECRETARY = "secretary", "Secrétaire"
    MEMBER = "member", "Membre"


class MandateQuerySet(CptsOwnedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def past(self, on=None):
        on = on or timezone.localdate()
        return self.filter(ends_on__lt=on)


class Mandate(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="mandates", verbose_name="CPTS")
    # A mandate is history: the adhesion it names is kept.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="mandates", verbose_name="adhésion"
    )
    body = models.CharField("instance", max_length=20, choices=Body.choices)
    role = models.CharField("fonction", max_length=20, choices=MandateRole.choices, default=MandateRole.MEMBER)
    starts_on = models.DateField("début du mandat")
    ends_on = models.DateField("fin du mandat", null=True, blank=True)
    # The election the mandate comes from, if any; the mandate outlives its deletion.
    election = models.ForeignKey(
        Election, on_delete=models.SET_NULL, null=True, blank=True, related_name="mandates", verbose_name="élection"
    )

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        ordering = ["cpts", "body", "role", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="mandate_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["election", "membership"],
                condition=Q(election__isnull=False),
                name="one_mandate_per_elected_member",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.get_body_display()}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin du mandat ne peut pas précéder son début."})
        if self.membership_id and self.cpts_id and self.membership.cpts_id != self.cpts_id:
            raise ValidationError({"membership": "Cette adhésion n'est pas de cette CPTS."})

    @classmethod
    def from_elected(cls, candidate, *, starts_on, ends_on=None):
        """The mandate of a candidate elected at a closed election (coordinator)."""
        election = candidate.election
        results = election.results()
        if results is None or candidate.pk not in results.elected_ids:
            raise ValidationError({"membership": "Seul un candidat élu, après la clôture, reçoit un mandat."})
        try:
            with transaction.atomic():
                return cls.objects.create(
                    cpts_id=election.cpts_id,
                    membership=candidate.membership,
                    body=Body.COLLEGE_REPRESENTATIVE,
                    role=MandateRole.MEMBER,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    election=election,
                )
        except IntegrityError as error:
            raise ValidationError({"membership": "Le mandat de cet élu existe déjà."}) from error


# --- General assemblies ---------------------------------------------------------------------


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", "Ordinaire"
    EXTRAORDINARY = "extraordinary", "Extraordinaire"


class GeneralAssembly(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="general_assemblies", verbose_name="CPTS")
    date = models.DateField("date")
    kind = models.CharField("type", max_length=20, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY)
    place = models.CharField("lieu", max_length=200, blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("procès-verbal", blank=True)
    attendance = models.ManyToManyField(
        Membership, related_name="assemblies_attended", blank=True, verbose_name="présents"
    )

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "assemblée générale"
        verbose_name_plural = "assemblées générales"
        ordering = ["cpts", "-date", "-pk"]

    def __str__(self):
        return f"Assemblée générale {self.get_kind_display().lower()} du {self.date:%d/%m/%Y}"

    def members_on_the_day(self):
        """The adhesions in force on the day of the assembly: who may attend."""
        return Membership.objects.for_cpts(self.cpts_id).active_on(self.date)

    def set_attendance(self, memberships, *, by):
        memberships = list(memberships)
        allowed = set(self.members_on_the_day().values_list("pk", flat=True))
        if any(m.pk not in allowed for m in memberships):
            raise ValidationError({"attendance": "Seuls les adhérents à la date de l'assemblée sont cochés."})
        with transaction.atomic():
            self.attendance.set(memberships)
            journal.record(journal.Action.UPDATE, self, fields=["attendance"], actor=by)

    def quorum_info(self, *, present=None, members=None):
        present = self.attendance.count() if present is None else present
        members = self.members_on_the_day().count() if members is None else members
        return {
            "present": present,
            "members": members,
            "percent": round(present * 100 / members, 1) if members else 0,
        }


# --- Founding documents ---------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_SIGNATURES = {".pdf": b"%PDF-", ".odt": b"PK\x03\x04", ".docx": b"PK\x03\x04"}
DOCUMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def validate_document_file(upload):
    """PDF, ODT or DOCX (by extension and first bytes), 10 Mo at most; errors in French."""
    check_document(
        upload,
        label="Fichier",
        signatures=DOCUMENT_SIGNATURES,
        formats="seuls les formats PDF (.pdf), ODT (.odt) et DOCX (.docx) sont acceptés.",
        max_bytes=MAX_DOCUMENT_BYTES,
    )


class DocumentStorage(FileSystemStorage):
    """The file system under MEDIA_ROOT, as the default storage; while MEDIA_ROOT is
    unset (Django's default: the working directory, i.e. the source tree), under
    `var/media/` instead. Files are never served from a public URL: see
    `www/governance_views/download.py`."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.MEDIA_ROOT) or str(settings.VAR_DIR / "media")


_document_storage = DocumentStorage()


def document_storage():
    return _document_storage


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", "Statuts"
    GOVERNANCE_CHARTER = "charter", "Charte de gouvernance"
    HEALTH_PROJECT = "health_project", "Projet de santé"
    RULES = "rules", "Règlement intérieur"
    OTHER = "other", "Autre"


class FoundingDocument(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="founding_documents", verbose_name="CPTS")
    kind = models.CharField("type", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("titre", max_length=200)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "document fondateur"
        verbose_name_plural = "documents fondateurs"
        ordering = ["cpts", "kind", "title"]

    def __str__(self):
        return self.title

    def add_version(self, *, file, adopted_on, note="", by=None):
        """The next version, numbered 1, 2, 3… per document (the row lock and the
        unique constraint keep two uploads from taking the same number)."""
        validate_document_file(file)
        with transaction.atomic():
            FoundingDocument.objects.select_for_update().filter(pk=self.pk).first()
            last = self.versions.aggregate(last=Max("number"))["last"] or 0
            return DocumentVersion.objects.create(
                document=self, number=last + 1, file=file, adopted_on=adopted_on, note=note, uploaded_by=by
            )


class DocumentVersion(JournaledModel):
    document = models.ForeignKey(
        FoundingDocument, on_delete=models.CASCADE, related_name="versions", verbose_name="document"
    )
    number = models.PositiveIntegerField("version")
    file = models.FileField(
        "fichier", upload_to="governance/%Y/", storage=document_storage, validators=[validate_document_file]
    )
    adopted_on = models.DateField("adoptée le")
    note = models.CharField("note", max_length=300, blank=True)
    # Keep the version when the uploading account is erased.
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="déposée par"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name="déposée le")

    class Meta:
        verbose_name = "version d'un document"
        verbose_name_plural = "versions des documents"
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_number_per_version")]

    def __str__(self):
        return f"{self.document} — version {self.number}"

    @property
    def extension(self):
        return Path(self.file.name).suffix.lower()

    @property
    def download_name(self):
        return f"{self.document.get_kind_display()} - version {self.number}{self.extension}"
