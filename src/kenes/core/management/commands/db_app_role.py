"""``kenes db-app-role ROLE [--apply]``: the grants of the application's database role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kenes.core.dbroles import app_role_grants


class Command(BaseCommand):
    help = (
        "Print (or, with --apply, run as the owner role) the PostgreSQL grants of the role "
        "the web and worker processes connect as: data privileges only, no ownership, so it "
        "cannot disable or drop the ledger's append-only triggers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role")
        parser.add_argument("--apply", action="store_true", help="run the statements now")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            statements = app_role_grants(options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["apply"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist on PostgreSQL only")
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted the application's privileges to {options['role']}.")
