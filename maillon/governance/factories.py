import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.members.factories import CollegeFactory, MembershipFactory

from .models import (
    Ballot,
    BallotChoice,
    Body,
    Candidate,
    DocumentKind,
    DocumentVersion,
    Election,
    ElectionEvent,
    ElectionStatus,
    FoundingDocument,
    GeneralAssembly,
    Mandate,
    VoterRecord,
)


class ElectionFactory(factory.django.DjangoModelFactory):
    """A draft election, open from now for a week."""

    class Meta:
        model = Election

    cpts = factory.SubFactory(CptsFactory)
    college = factory.SubFactory(CollegeFactory, cpts=factory.SelfAttribute("..cpts"))
    title = factory.Sequence(lambda n: f"Élection des représentants {n}")
    seats = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    quorum_percent = 25

    class Params:
        opened = factory.Trait(status=ElectionStatus.OPEN, electorate_size=0)


class ElectionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ElectionEvent

    election = factory.SubFactory(ElectionFactory, opened=True)
    from_status = ElectionStatus.DRAFT
    to_status = ElectionStatus.OPEN
    by = factory.SubFactory(UserFactory)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    election = factory.SubFactory(ElectionFactory)
    membership = factory.SubFactory(
        MembershipFactory,
        cpts=factory.SelfAttribute("..election.cpts"),
        college=factory.SelfAttribute("..election.college"),
    )
    statement = "Je souhaite représenter mon collège."


class VoterRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoterRecord

    election = factory.SubFactory(ElectionFactory)
    membership = factory.SubFactory(
        MembershipFactory,
        cpts=factory.SelfAttribute("..election.cpts"),
        college=factory.SelfAttribute("..election.college"),
    )


class BallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ballot

    election = factory.SubFactory(ElectionFactory)


class BallotChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BallotChoice

    ballot = factory.SubFactory(BallotFactory)
    candidate = factory.SubFactory(CandidateFactory, election=factory.SelfAttribute("..ballot.election"))


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    cpts = factory.SubFactory(CptsFactory)
    membership = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))
    body = Body.BOARD
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class GeneralAssemblyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneralAssembly
        skip_postgeneration_save = True

    cpts = factory.SubFactory(CptsFactory)
    date = factory.LazyFunction(timezone.localdate)
    place = "Salle des fêtes"
    agenda = "1. Rapport moral\n2. Rapport financier"


class FoundingDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FoundingDocument

    cpts = factory.SubFactory(CptsFactory)
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
