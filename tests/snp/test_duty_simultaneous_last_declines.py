"""Two volunteers declining the last two calls at the same moment still escalate the request."""

import threading

import pytest
from django.db import connection, connections

from maillon.core.factories import UserFactory
from maillon.snp import duty
from maillon.snp.models import CareRequest, DutyCall, RequestStatus

from .requests_support import member_professional, new_request, origin_commune


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_last_declines_escalate(cpts):
    for _ in range(2):
        member_professional(cpts, commune=origin_commune(), takes_part_in_snp=True)
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    duty.send_to_duty_list(care_request, by=care_request.requested_by)
    calls = list(care_request.duty_calls.all())
    barrier = threading.Barrier(len(calls))

    def volunteer(call_id):
        try:
            call = DutyCall.objects.select_related("professional__user").get(pk=call_id)
            barrier.wait()
            duty.decline(call, by=call.professional.user)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=volunteer, args=(call.pk,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CareRequest.objects.get().status == RequestStatus.ESCALATED
