"""`make demo-codes`: the current TOTP code of every demo account, read from the database."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.demo import builder

pytestmark = pytest.mark.django_db

SEED = 7


@pytest.fixture
def demo_accounts():
    specs = builder.account_specs()[:3]
    for spec in specs:
        user = builder.ensure_user(spec, builder.demo_password(SEED, spec.email))
        builder.ensure_totp(user, builder.demo_totp_key(SEED, spec.email))
    return specs


def test_each_demo_account_gets_a_code_that_the_login_accepts(demo_accounts):
    out = io.StringIO()
    call_command("demo_codes", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["Rôle", "Adresse", "Code", "Valable", "encore"]
    assert len(lines) == 1 + len(demo_accounts)
    for spec, line in zip(demo_accounts, lines[1:], strict=True):
        match = re.search(rf"{re.escape(spec.email)}\s+(\d{{6}})\s+(\d+) s$", line)
        assert match, line
        code, remaining = match.group(1), int(match.group(2))
        assert 1 <= remaining <= 30
        device = TOTPDevice.objects.get(user__email=spec.email)
        assert device.verify_token(code)
    assert lines[1].startswith("Administration de la plateforme")
    assert "Coordinateur ou coordinatrice (" in lines[2]


def test_without_the_demo_it_says_to_load_it():
    with pytest.raises(CommandError, match="make demo"):
        call_command("demo_codes")
