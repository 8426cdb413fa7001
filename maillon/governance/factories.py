import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, transition_log_factory
from maillon.members.factories import CollegeFactory, MembershipFactory

from .models import (
    Ballot,
    BallotChoice,
    Body,
    Candidate,
    DocumentKind,
    DocumentVersion,
    Election,
    ElectionStatus,
    FoundingDocument,
    GeneralAssembly,
    Mandate,
    VoterRecord,
)


class ElectionFactory(CptsOwnedFactory):
    """A draft election, open from now for a week."""

    class Meta:
        model = Election

    college = factory.SubFactory(CollegeFactory, cpts=factory.SelfAttribute("..cpts"))
    title = factory.Sequence(lambda n: f"Élection des représentants {n}")
    seats = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    quorum_percent = 25

    class Params:
        opened = factory.Trait(status=ElectionStatus.OPEN, electorate_size=0)


ElectionEventFactory = transition_log_factory(
    ElectionFactory, ElectionStatus.DRAFT, ElectionStatus.OPEN, by=True, subject={"opened": True}
)


class ElectorFactory(factory.django.DjangoModelFactory):
    """The base of the rows of one elector of an election: an adhesion in its CPTS and college."""

    class Meta:
        abstract = True

    election = factory.SubFactory(ElectionFactory)
    membership = factory.SubFactory(
        MembershipFactory,
        cpts=factory.SelfAttribute("..election.cpts"),
        college=factory.SelfAttribute("..election.college"),
    )


class CandidateFactory(ElectorFactory):
    class Meta:
        model = Candidate

    statement = "Je souhaite représenter mon collège."


class VoterRecordFactory(ElectorFactory):
    class Meta:
        model = VoterRecord


class BallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ballot

    election = factory.SubFactory(ElectionFactory)


class BallotChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BallotChoice

    ballot = factory.SubFactory(BallotFactory)
    candidate = factory.SubFactory(CandidateFactory, election=factory.SelfAttribute("..ballot.election"))


class MandateFactory(CptsOwnedFactory):
    class Meta:
        model = Mandate

    membership = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))
    body = Body.BOARD
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class GeneralAssemblyFactory(CptsOwnedFactory):
    class Meta:
        model = GeneralAssembly
        skip_postgeneration_save = True

    date = factory.LazyFunction(timezone.localdate)
    place = "Salle des fêtes"
    agenda = "1. Rapport moral\n2. Rapport financier"


class FoundingDocumentFactory(CptsOwnedFactory):
    class Meta:
        model = FoundingDocument

    kind = DocumentKind.STATUTES
    title = "Statuts de l'association"


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    """Writes its file to the default storage (MEDIA_ROOT)."""

    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(FoundingDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    file = factory.django.FileField(filename="statuts.pdf", data=b"%PDF-1.4 statuts")
    adopted_on = factory.LazyFunction(timezone.localdate)
