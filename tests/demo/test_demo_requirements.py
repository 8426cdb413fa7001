"""What load_demo refuses to do, and the secrets it derives (no commune import needed)."""

import random

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from stdnum.fr import siren, siret

from maillon.core.models import LIFECYCLE_ORDER
from maillon.demo import builder


@pytest.mark.django_db
def test_load_demo_without_communes_says_to_import_them_first(tmp_path):
    with pytest.raises(CommandError, match="Les communes ne sont pas importées"):
        call_command("load_demo", credentials=tmp_path / "c.json", force=True)
    assert not (tmp_path / "c.json").exists()


def test_load_demo_refuses_to_run_without_debug_unless_forced(settings, tmp_path):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est faux"):
        call_command("load_demo", credentials=tmp_path / "c.json")


def test_secrets_follow_from_the_seed_and_the_email():
    email = "coordination.mantois@example.org"
    assert builder.demo_password(1, email) == builder.demo_password(1, email)
    assert builder.demo_password(1, email) != builder.demo_password(2, email)
    assert builder.demo_password(1, email) != builder.demo_password(1, "autre@example.org")
    assert builder.demo_totp_key(1, email) == builder.demo_totp_key(1, email)
    assert len(builder.demo_totp_key(1, email)) == 20
    assert builder.demo_token(1, email).startswith("mln_")
    assert builder.demo_token(1, email) != builder.demo_token(2, email)


@pytest.mark.parametrize("seed", range(20))
def test_demo_passwords_pass_the_password_validators(seed):
    for spec in builder.account_specs():
        password = builder.demo_password(seed, spec.email)
        assert len(password) >= 12
        validate_password(password)


@pytest.mark.parametrize("seed", range(20))
def test_demo_siren_and_siret_are_valid(seed):
    number = builder.demo_siren(random.Random(seed))
    assert siren.is_valid(number)
    assert siret.is_valid(builder.demo_siret(number))


def test_every_taille_and_lifecycle_stage_is_in_the_specification():
    assert {spec.taille for spec in builder.CPTS_SPECS} == {1, 2, 3, 4}
    assert {spec.status for spec in builder.CPTS_SPECS} == set(LIFECYCLE_ORDER)
    assert all(len(spec.step_ages) == LIFECYCLE_ORDER.index(spec.status) + 1 for spec in builder.CPTS_SPECS)
