"""Prints the current security code of each demo account (demo deployments only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.services import demo_totp_key
from childnrm.people.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Show the demo accounts and their current 6-digit security codes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", help="Only this demo account; prints the bare code")

    def handle(self, *args, email: str | None = None, **options) -> None:
        if not settings.DEVELOPMENT:
            raise CommandError("Demo codes are available only in development (CHILDNRM_ENV=development)")
        devices = TOTPDevice.objects.filter(confirmed=True, user__email__endswith="@" + DEMO_EMAIL_DOMAIN)
        if email:
            devices = devices.filter(user__email=email.lower())
        now = time.time()
        rows = []
        for device in devices.select_related("user").order_by("user__email"):
            if device.key != demo_totp_key(device.user.email):
                continue  # the account re-enrolled with a real app: its secret is not ours to print
            rows.append(
                (
                    device.user.email,
                    f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}",
                )
            )
        if email:
            if not rows:
                raise CommandError("No demo account with that email")
            self.stdout.write(rows[0][1])
            return
        left = 30 - int(now) % 30
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"Security codes (valid for about {left} more seconds):")
        for address, code in rows:
            self.stdout.write(f"  {code}  {address}")
