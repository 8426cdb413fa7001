"""Writes of governance that span apps: a user's vote goes through their adhesion (members)."""

from django.core.exceptions import ValidationError

from .models import Election


def vote(*, election: Election, user, candidate_ids) -> None:
    """Cast the vote of `user` (through their active adhesion in the election's collège)."""
    membership = election.voter_membership(user)
    if membership is None:
        raise ValidationError(
            {"membership": "Vous ne votez pas à cette élection : elle est réservée aux adhérents actifs du collège."}
        )
    candidates = list(election.candidates.filter(pk__in=candidate_ids))
    if len(candidates) != len(set(candidate_ids)):
        raise ValidationError({"candidates": "Choisissez parmi les candidats de cette élection."})
    election.cast_vote(membership=membership, candidates=candidates)
