"""Checks of uploaded images: JPEG or PNG only, recognised by their content, size-limited.

The file name and the browser's content type are ignored: the first bytes and the image
header decide. Pure Python (no Pillow): PNG's IHDR and JPEG's SOF markers give the size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # "jpeg" or "png"
    width: int
    height: int
    size: int

    @property
    def extension(self) -> str:
        return ".jpg" if self.kind == "jpeg" else ".png"


def photo_max_bytes() -> int:
    return int(getattr(settings, "KENES_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def logo_max_bytes() -> int:
    return int(getattr(settings, "KENES_LOGO_MAX_BYTES", 512 * 1024))


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) >= 24 and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def check_image(upload: IO[bytes], *, max_bytes: int, field: str = "photo") -> ImageInfo:
    """Return what the upload is, or raise ValidationError (in the active language)."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_bytes:
        raise ValidationError(
            {
                field: [
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
                ]
            }
        )
    upload.seek(0)
    data = upload.read(min(size, 2 * 1024 * 1024))
    upload.seek(0)
    dims = None
    kind = ""
    if data.startswith(PNG_MAGIC):
        kind, dims = "png", _png_size(data)
    elif data.startswith(b"\xff\xd8\xff"):
        kind, dims = "jpeg", _jpeg_size(data)
    if not kind:
        raise ValidationError(
            {field: [_("Only JPEG and PNG images are accepted; this file is neither.")]}
        )
    if dims is None or dims[0] == 0 or dims[1] == 0:
        raise ValidationError({field: [_("The image is damaged: its size cannot be read.")]})
    if dims[0] * dims[1] > MAX_PIXELS:
        raise ValidationError({field: [_("The image has too many pixels.")]})
    return ImageInfo(kind, dims[0], dims[1], size)
