"""When a CPTS is dissolved its spaces stay readable by its people, but nobody writes, pins or
manages them any more; an archived space is read-only too."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.models import Cpts, CptsStatus, User
from maillon.discussions import policies, services

from .spaces_support import members_space, person, regional_group

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_dissolved_cpts_spaces_are_read_only():
    space = members_space()
    coordinator = person(space.cpts, first_name="Anne", coordinator=True)
    member = person(space.cpts)
    first = services.start_topic(space, title="Garde", body="Qui est de garde ?", by=member)
    Cpts.objects.filter(pk=space.cpts_id).update(status=CptsStatus.DISSOLVED)
    space.refresh_from_db()
    space.cpts.refresh_from_db()
    topic = first.topic
    topic.space = space
    first.space = space

    for user in (coordinator, member):
        assert policies.can_read(fresh(user), space)
        assert not policies.can_post(fresh(user), space)
    assert not policies.can_manage_space(fresh(coordinator), space)
    assert not policies.can_pin_topic(fresh(coordinator), topic)
    assert not policies.can_create_working_group(fresh(coordinator), space.cpts)
    assert not policies.can_edit_message(fresh(member), first)
    with pytest.raises(ValidationError) as refused:
        services.post_message(topic, body="Encore une question", by=fresh(member))
    assert refused.value.message_dict["body"] == ["Message : cet espace n'accepte plus de messages."]


def test_an_archived_group_is_read_only():
    group = regional_group()
    manager = group.created_by
    first = services.start_topic(group, title="Bienvenue", body="Bonjour à toutes", by=manager)
    services.archive(group, by=manager)
    assert group.is_archived
    manager = fresh(manager)
    assert policies.can_read(manager, group)
    assert not policies.can_post(manager, group)
    first.topic.space = group
    assert not policies.can_pin_topic(manager, first.topic)
    with pytest.raises(ValidationError):
        services.post_message(first.topic, body="Encore", by=manager)
    assert group not in policies.signup_spaces()
