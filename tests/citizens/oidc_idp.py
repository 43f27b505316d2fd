"""A real OpenID Connect provider for the tests: django-oidc-provider in its own process.

Run as ``python -m tests.citizens.oidc_idp DBFILE REDIRECT_URI``: it binds a free loopback
port, configures a minimal Django project (its own SQLite file, not Kenes's settings), creates
an RSA signing key, a confidential client ``kenes-test`` and a user ``aigerim``, prints
``READY <issuer>`` and serves until killed. ``/autologin?next=...`` (test-only URL) signs the
user in, standing in for the provider's own login page.
"""

from __future__ import annotations

import socket
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_ID = "kenes-test"
CLIENT_SECRET = "kenes-test-secret"
USERNAME = "aigerim"


def autologin(request):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model, login
    from django.http import HttpResponseRedirect

    user = get_user_model().objects.get(username=USERNAME)
    login(request, user)
    return HttpResponseRedirect(request.GET.get("next", "/"))


urlpatterns: list = []


def userinfo(claims, user):  # type: ignore[no-untyped-def]
    claims["name"] = "Айгерим Садыкова"
    claims["given_name"] = "Айгерим"
    claims["email"] = "aigerim@example.kz"
    return claims


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # type: ignore[no-untyped-def]
        pass


def main() -> None:
    db_file, redirect_uri = sys.argv[1], sys.argv[2]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    site = f"http://127.0.0.1:{port}"

    import django
    from django.conf import settings
    from django.urls import include, path

    settings.configure(
        DEBUG=False,
        SECRET_KEY="test-idp-only",
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oidc_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_file}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        SITE_URL=site,
        LOGIN_URL="/autologin",
        OIDC_USERINFO=f"{__name__}.userinfo",
        OIDC_IDTOKEN_INCLUDE_CLAIMS=True,
        USE_TZ=True,
    )
    django.setup()
    urlpatterns.extend(
        [
            path("autologin", autologin),
            path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
        ]
    )
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0, interactive=False)
    if not RSAKey.objects.exists():
        call_command("creatersakey", stdout=open("/dev/null", "w"))
    get_user_model().objects.get_or_create(username=USERNAME)
    client, _ = Client.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "Kenes",
            "client_type": "confidential",
            "client_secret": CLIENT_SECRET,
            "_redirect_uris": redirect_uri,
            "require_consent": False,
            "jwt_alg": "RS256",
        },
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=WSGIServer, handler_class=Quiet
    )
    print(f"READY {site}/openid", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
