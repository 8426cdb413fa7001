"""Send the due alerts of the outbox (any number of these may run at once).

    manage.py crisis_dispatch [--batch 100] [--lease-seconds 120] [--die-after N] [--wait]

`--die-after N` ends the process abruptly (os._exit, no cleanup) after N provider calls
(each recorded), its batch's other rows still claimed: the benchmark and the reliability test use it to
play a worker killed mid-dispatch. `--wait` keeps working until no alert is left to send
or in another worker's hands (so it takes over a dead worker's rows when their lease ends),
at most `--timeout` seconds.
"""

import os
import time

from django.core.management.base import BaseCommand

from maillon.crisis_response import dispatch
from maillon.crisis_response.models import AlertDelivery, DeliveryStatus


class Command(BaseCommand):
    help = "Envoie les alertes en attente (file d'envoi des crises)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=dispatch.BATCH_SIZE)
        parser.add_argument("--lease-seconds", type=int, default=dispatch.LEASE_SECONDS)
        parser.add_argument("--die-after", type=int, default=None)
        parser.add_argument("--wait", action="store_true")
        parser.add_argument("--timeout", type=float, default=600)

    def handle(self, *args, batch, lease_seconds, die_after, wait, timeout, **options):
        def after_send(count):
            if die_after is not None and count >= die_after:
                os._exit(3)

        totals = {"sent": 0, "retry": 0, "failed": 0}
        deadline = time.monotonic() + timeout
        while True:
            for key, value in dispatch.work(
                batch_size=batch, lease_seconds=lease_seconds, after_send=after_send
            ).items():
                totals[key] += value
            unfinished = AlertDelivery.objects.filter(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], recipient__crisis__ended_at__isnull=True
            )
            if not wait or not unfinished.exists() or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.stdout.write(f"sent={totals['sent']} retry={totals['retry']} failed={totals['failed']}")
