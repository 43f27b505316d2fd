"""``kenes staff-totp USERNAME``: give a staff member a TOTP authenticator (second factor).

Prints the ``otpauth://`` address to type or scan into an authenticator app (FreeOTP, Google
Authenticator, ...). With ``KENES_STAFF_OTP=1`` the admin's sign-in then asks for its 6-digit
code. ``--replace`` removes the member's earlier authenticators first (a lost phone).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenes.accounts.models import User
from kenes.core.services import audit_record


class Command(BaseCommand):
    help = "Create a TOTP authenticator for a staff member and print its otpauth:// address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="remove earlier devices")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.is_staff:
            raise CommandError(f"No staff member is called {options['username']!r}.")
        with transaction.atomic():
            if options["replace"]:
                TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            audit_record(
                actor=None,
                action="accounts.totp_created",
                target=user,
                data={"replaced": bool(options["replace"])},
            )
        self.stdout.write(device.config_url)
        self.stderr.write(
            "Type or scan this address into the authenticator app now; it is not shown again."
        )
