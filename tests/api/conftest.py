import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from maillon.core.factories import TOTPDeviceFactory


@pytest.fixture
def session_client(db):
    """`session_client(user)`: a browser logged in on the web (password, then TOTP unless told otherwise)."""

    def make(user, *, second_factor=True, enforce_csrf_checks=False):
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.force_login(user)
        if second_factor:
            device = user.totpdevice_set.first() or TOTPDeviceFactory(user=user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return make
