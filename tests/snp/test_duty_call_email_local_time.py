"""The duty call e-mail gives the deadline in Paris time."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.snp import duty

from .requests_support import member_professional, new_request, origin_commune


@pytest.mark.django_db
def test_the_deadline_in_the_email_is_paris_time(cpts, django_capture_on_commit_callbacks):
    member_professional(cpts, commune=origin_commune(), takes_part_in_snp=True)
    received = datetime.datetime(2030, 1, 10, 8, 0, tzinfo=datetime.UTC)  # 09:00 in Paris (CET)
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune(), created_at=received)
    with django_capture_on_commit_callbacks(execute=True):
        duty.send_to_duty_list(care_request, by=care_request.requested_by, now=timezone.now())
    (message,) = mail.outbox
    assert "avant le 11/01/2030 09:00" in message.body
