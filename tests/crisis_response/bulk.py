"""Many members at once, for the reliability test (the benchmark has its own copy)."""

from maillon.members.factories import rpps_number
from maillon.members.models import Membership, MembershipStatus, Professional


def sms_only_members(cpts, count, *, start=500_000, with_email=False):
    """`count` active members with a mobile number and no e-mail: one SMS each (and one
    e-mail each `with_email`)."""
    professionals = Professional.objects.bulk_create(
        [
            Professional(
                first_name="Prénom",
                last_name=f"Membre {n}",
                profession="60",
                rpps=rpps_number(start + n),
                phone=f"06 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} 00",
                email=f"membre.{start + n}@example.org" if with_email else "",
            )
            for n in range(count)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(cpts=cpts, professional=p, status=MembershipStatus.ACTIVE) for p in professionals]
    )
    return professionals
