import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core.models import CptsRoleKind
from maillon.core.policies import PLATFORM_ADMIN_LABEL
from maillon.demo import builder
from maillon.territories.models import TerritoryRoleKind

ROLE_LABELS = {
    "admin": PLATFORM_ADMIN_LABEL,
    **dict(CptsRoleKind.choices),
    **dict(TerritoryRoleKind.choices),
    "manager": "Gestionnaire d'une organisation",
}


def current_code(device: TOTPDevice, now: float) -> tuple[str, int]:
    """The code `device` accepts at `now` (django_otp's own TOTP) and the seconds it stays valid."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    code = str(totp.token()).zfill(device.digits)
    remaining = device.step - (int(now) - device.t0) % device.step
    return code, remaining


class Command(BaseCommand):
    help = (
        "Affiche le code TOTP du moment de chaque compte de démonstration (lu dans la base), "
        "et le nombre de secondes pendant lesquelles il reste valable."
    )

    def handle(self, *args, **options):
        specs = builder.account_specs()
        devices = {
            device.user.email: device
            for device in TOTPDevice.objects.filter(
                name=builder.TOTP_DEVICE_NAME, confirmed=True, user__email__in=[spec.email for spec in specs]
            ).select_related("user")
        }
        if not devices:
            raise CommandError("Aucun compte de démonstration dans la base : lancez d'abord « make demo ».")
        now = time.time()
        rows = [("Rôle", "Adresse", "Code", "Valable encore")]
        for spec in specs:
            device = devices.get(spec.email)
            if device is None:
                continue
            code, remaining = current_code(device, now)
            role = str(ROLE_LABELS.get(spec.role, spec.role))
            if spec.cpts:
                role = f"{role} ({spec.cpts})"
            rows.append((role, spec.email, code, f"{remaining} s"))
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
