"""An answer that arrives after the crisis ended is refused, even if the member's page was
loaded while it was active."""

import pytest
from django.core.exceptions import ValidationError

from maillon.crisis_response import services
from maillon.crisis_response.factories import CrisisFactory, CrisisRecipientFactory
from maillon.crisis_response.models import Answer, Crisis, CrisisRecipient

pytestmark = pytest.mark.django_db


def test_an_answer_after_the_end_is_refused(cpts, coordinator):
    recipient = CrisisRecipientFactory(crisis=CrisisFactory(cpts=cpts))
    Crisis.objects.get(pk=recipient.crisis_id).end(by=coordinator)  # meanwhile, elsewhere
    with pytest.raises(ValidationError, match="crise est terminée"):
        services.acknowledge(recipient, answer=Answer.AVAILABLE)
    assert CrisisRecipient.objects.get(pk=recipient.pk).answered_at is None
