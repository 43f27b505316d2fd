from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create


class Command(BaseCommand):
    help = "Create a staff user with one or more roles (kenes create-staff NAME --role reviewer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", action="append", choices=Role.values, required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: read from KENES_NEW_PASSWORD or ask")
        parser.add_argument("--language", choices=["kk", "ru", "en"], default="kk")

    def handle(self, *args: Any, **options: Any) -> None:
        import getpass
        import os

        password = options["password"] or os.environ.get("KENES_NEW_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
        try:
            user = staff_user_create(
                actor=None,
                username=options["username"],
                password=password,
                roles=options["role"],
                email=options["email"],
                language=options["language"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created {user.username} ({', '.join(options['role'])}).")
