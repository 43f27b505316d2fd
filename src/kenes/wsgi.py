"""WSGI entry point: ``gunicorn kenes.wsgi``.

``POST /api/proposals/`` goes to the lean intake handler (kenes.api.intake); every
other request to the site's Django handler.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
site = get_wsgi_application()

from django.conf import settings  # noqa: E402

from kenes.api.intake import dispatch  # noqa: E402 - needs the settings loaded

application = dispatch(site) if settings.KENES_INTAKE_LEAN else site
