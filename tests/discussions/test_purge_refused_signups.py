import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.discussions import services
from maillon.discussions.factories import SignupRequestFactory
from maillon.discussions.models import SignupRequest
from maillon.discussions.purge import purge_refused_signups

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_erased_after_the_retention_and_an_accepted_one_stays(settings):
    settings.MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS = 30
    pilot = UserFactory()
    refused = SignupRequestFactory()
    services.refuse_signup(refused, by=pilot, note="hors région")
    accepted = SignupRequestFactory(space=refused.space)
    services.accept_signup(accepted, by=pilot)
    pending = SignupRequestFactory(space=refused.space)

    assert purge_refused_signups(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert purge_refused_signups(now=timezone.now() + datetime.timedelta(days=31)) == 1

    assert set(SignupRequest.objects.values_list("pk", flat=True)) == {accepted.pk, pending.pk}
