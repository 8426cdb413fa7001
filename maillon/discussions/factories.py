import factory
from django.core.files.base import ContentFile

from maillon.core.factories import CptsFactory, UserFactory, transition_log_factory
from maillon.organisations.factories import OrganisationFactory

from .models import (
    Attachment,
    DiscussionSpace,
    HealthDataRefusal,
    Mention,
    Message,
    MessageStatus,
    Participant,
    ParticipantStatus,
    SignupQuestion,
    SignupRequest,
    SignupStatus,
    SpaceKind,
    Topic,
    TopicRead,
)
from .services import searchable


class DiscussionSpaceFactory(factory.django.DjangoModelFactory):
    """A CPTS's working group by default; `regional=True` for an organisation's group."""

    class Meta:
        model = DiscussionSpace

    cpts = factory.SubFactory(CptsFactory)
    organisation = None
    kind = SpaceKind.WORKING_GROUP
    name = factory.Sequence(lambda n: f"Groupe de travail {n}")
    description = "Les échanges du groupe."

    class Params:
        members = factory.Trait(kind=SpaceKind.MEMBERS, name="Tous les adhérents")
        regional = factory.Trait(
            cpts=None,
            organisation=factory.SubFactory(OrganisationFactory),
            kind=SpaceKind.REGIONAL_GROUP,
            name=factory.Sequence(lambda n: f"Sages-femmes libérales et CPTS {n}"),
            signup_open=True,
        )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    space = factory.SubFactory(DiscussionSpaceFactory)
    user = factory.SubFactory(UserFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    space = factory.SubFactory(DiscussionSpaceFactory)
    title = factory.Sequence(lambda n: f"Sujet {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    topic = factory.SubFactory(TopicFactory)
    space = factory.SelfAttribute("topic.space")
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Bonjour, une question pratique n° {n}.")
    search_text = factory.LazyAttribute(lambda o: searchable(o.body))


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    message = factory.SubFactory(MessageFactory)
    user = factory.SubFactory(UserFactory)


class TopicReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicRead

    topic = factory.SubFactory(TopicFactory)
    user = factory.SubFactory(UserFactory)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    message = factory.SubFactory(MessageFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="compte-rendu.pdf"))
    name = "compte-rendu.pdf"
    content_type = "application/pdf"
    size = 13


class HealthDataRefusalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthDataRefusal

    space = factory.SubFactory(DiscussionSpaceFactory)


class SignupQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignupQuestion

    space = factory.SubFactory(DiscussionSpaceFactory, regional=True)
    label = "Depuis combien de temps exercez-vous en libéral ?"


class SignupRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignupRequest

    space = factory.SubFactory(DiscussionSpaceFactory, regional=True)
    first_name = "Inès"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.Sequence(lambda n: f"sage-femme{n}@example.org")
    profession = "Sage-femme"


ParticipantEventFactory = transition_log_factory(ParticipantFactory, ParticipantStatus.ACTIVE, ParticipantStatus.MUTED)
MessageEventFactory = transition_log_factory(MessageFactory, MessageStatus.VISIBLE, MessageStatus.HIDDEN)
SignupEventFactory = transition_log_factory(SignupRequestFactory, SignupStatus.PENDING, SignupStatus.ACCEPTED)
