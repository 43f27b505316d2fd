"""Demo staff: one user per role, with a random password kept in DATA_DIR/demo-logins.txt."""

from __future__ import annotations

import secrets

from django.conf import settings

from kenes.accounts.models import User
from kenes.accounts.roles import Role, sync_roles
from kenes.accounts.services import staff_user_create
from kenes.core.seeding import SeedContext

DEMO_USERS = [
    ("admin", Role.COMMISSION_ADMIN),
    ("reviewer", Role.REVIEWER),
    ("organiser", Role.COALITION_ORGANISER),
    ("observer", Role.OBSERVER),
]


def seed(ctx: SeedContext) -> None:
    sync_roles()
    logins = settings.DATA_DIR / "demo-logins.txt"
    known: dict[str, str] = {}
    if logins.exists():
        for line in logins.read_text().splitlines():
            name, _, password = line.partition(" ")
            known[name] = password
    for username, role in DEMO_USERS:
        if User.objects.filter(username=username).exists() and username in known:
            continue
        password = known.get(username) or secrets.token_urlsafe(9)
        user = User.objects.filter(username=username).first()
        if user is None:
            staff_user_create(actor=None, username=username, password=password, roles=[role.value])
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        known[username] = password
    logins.write_text("".join(f"{name} {pw}\n" for name, pw in known.items()))
    logins.chmod(0o600)
    ctx.say(f"Staff logins for http://127.0.0.1:8000/admin/ (also in {logins}):")
    for username, role in DEMO_USERS:
        ctx.say(f"  {username:<10} {known[username]:<14} {role.label}")
