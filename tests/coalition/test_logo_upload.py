"""The admin's logo upload refuses SVG (which can carry a script) and anything not JPEG/PNG;
uploads are served as images or downloads, never as pages (issue #10)."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kenes.coalition.admin import OrganisationForm
from kenes.coalition.models import Organisation

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _form(org, upload):
    data = {
        "slug": org.slug,
        "name_ru": org.name_ru,
        "name_kk": org.name_kk,
        "kind": org.kind,
        "joined_on": org.joined_on.isoformat() if org.joined_on else "",
        "active": "on",
    }
    for field in OrganisationForm.base_fields:
        value = getattr(org, field, None)
        if field not in data and field != "logo" and value not in (None, ""):
            data[field] = getattr(value, "pk", value)
    return OrganisationForm(data=data, files={"logo": upload}, instance=org)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # an SVG renamed
        ("logo.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_svg_and_non_images_are_refused(orgs, name, content):
    org = orgs[0]
    form = _form(org, SimpleUploadedFile(name, content, content_type="image/svg+xml"))
    assert not form.is_valid()
    assert "logo" in form.errors


def test_a_png_is_accepted_and_renamed(orgs):
    org = orgs[0]
    form = _form(org, SimpleUploadedFile("my logo.svg", _png(), content_type="image/png"))
    assert form.is_valid(), form.errors
    form.save()
    assert Organisation.objects.get(pk=org.pk).logo.name.endswith(".png")


def test_media_is_served_safely(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "a.png").write_bytes(_png())
    (tmp_path / "b.svg").write_bytes(SVG)
    client = Client()
    png = client.get("/media/a.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert "sandbox" in png["Content-Security-Policy"]
    svg = client.get("/media/b.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "application/octet-stream"
    assert svg["Content-Disposition"].startswith("attachment")
    assert client.get("/media/../settings.py").status_code in (400, 404)
