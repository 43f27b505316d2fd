"""Tiled transparency logs (c2sp.org/tlog-tiles): paths, tile contents and bundles.

A hash tile ``tile/<L>/<N>`` holds up to 256 consecutive hashes at tree level
``8 * L``: hash ``i`` is the perfect subtree ``(8 * L, 256 * N + i)``.  Entry
bundles ``tile/entries/<N>`` hold the matching leaf entries, each prefixed by a
big-endian ``uint16`` length.  Rightmost tiles may be partial, with the width
in a ``.p/<W>`` suffix.  ``<N>`` is written in 3-digit groups, all but the last
prefixed by ``x`` (1234067 becomes ``x001/x234/067``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import sha256
from typing import Final

from .compact import HashStore
from .errors import TileError
from .hashing import HASH_SIZE, NODE_HASH_PREFIX, hash_leaf

__all__ = [
    "MAX_ENTRY_SIZE",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileHashStore",
    "TileID",
    "encode_tile_index",
    "entry_bundle",
    "entry_bundle_ids",
    "export_tiles",
    "parse_entry_bundle",
    "parse_tile",
    "parse_tile_index",
    "parse_tile_path",
    "read_entries",
    "read_leaf_hashes",
    "tile_data",
    "tile_ids",
]

TILE_HEIGHT: Final = 8
TILE_WIDTH: Final = 1 << TILE_HEIGHT
MAX_ENTRY_SIZE: Final = 0xFFFF
MAX_TILE_LEVEL: Final = 63
_NODE_PREFIX: Final = bytes((NODE_HASH_PREFIX,))
_GROUP_RE: Final = re.compile(r"[0-9]{3}")
_DECIMAL_RE: Final = re.compile(r"0|[1-9][0-9]*")

Fetch = Callable[[str], bytes]
"""Return the bytes stored at a tile path (``tile/...``); raise to signal absence."""


def encode_tile_index(index: int) -> str:
    """Return ``index`` as ``x``-prefixed 3-digit path elements, e.g. ``x001/x234/067``.

    Precondition: ``index >= 0`` (raises :class:`TileError`).
    """
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise TileError(f"tile index {index!r} must be a non-negative integer")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def parse_tile_index(text: str) -> int:
    """Return the integer encoded by :func:`encode_tile_index`; raise :class:`TileError`.

    The encoding must be canonical: no leading ``x000`` group.
    """
    parts = text.split("/")
    *prefix, last = parts
    if not _GROUP_RE.fullmatch(last):
        raise TileError(f"tile index {text!r} is malformed")
    for part in prefix:
        if not (part.startswith("x") and _GROUP_RE.fullmatch(part[1:])):
            raise TileError(f"tile index {text!r} is malformed")
    if prefix and prefix[0] == "x000":
        raise TileError(f"tile index {text!r} is not canonical")
    value = 0
    for part in prefix:
        value = value * 1000 + int(part[1:])
    return value * 1000 + int(last)


@dataclass(frozen=True, slots=True)
class TileID:
    """Identify a hash tile (``entries=False``) or an entry bundle (``entries=True``).

    ``level`` is the tile level (hashes at tree level ``8 * level``; 0 for
    bundles), ``index`` the tile number within it, and ``width`` the number of
    hashes or entries (1..256; 256 means a full tile).
    """

    level: int
    index: int
    width: int = TILE_WIDTH
    entries: bool = False

    def __post_init__(self) -> None:
        """Check the preconditions of every field (raises :class:`TileError`)."""
        if not 0 <= self.level <= MAX_TILE_LEVEL or (self.entries and self.level != 0):
            raise TileError(f"invalid tile level {self.level}")
        if self.index < 0:
            raise TileError(f"invalid tile index {self.index}")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError(f"invalid tile width {self.width}")

    @property
    def path(self) -> str:
        """Return the path relative to the log prefix, e.g. ``tile/0/x001/234.p/7``."""
        head = "tile/entries" if self.entries else f"tile/{self.level}"
        suffix = "" if self.width == TILE_WIDTH else f".p/{self.width}"
        return f"{head}/{encode_tile_index(self.index)}{suffix}"

    @property
    def is_partial(self) -> bool:
        """Return whether the tile holds fewer than 256 hashes or entries."""
        return self.width < TILE_WIDTH


def parse_tile_path(path: str) -> TileID:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``.

    Raise :class:`TileError` for anything else, including non-canonical numbers.
    """
    if not isinstance(path, str) or not path.startswith("tile/"):
        raise TileError(f"tile path {path!r} does not start with 'tile/'")
    rest = path[len("tile/") :]
    head, _, rest = rest.partition("/")
    width = TILE_WIDTH
    if ".p/" in rest:
        rest, _, width_text = rest.partition(".p/")
        if not _DECIMAL_RE.fullmatch(width_text) or not 1 <= int(width_text) < TILE_WIDTH:
            raise TileError(f"tile path {path!r} has an invalid width")
        width = int(width_text)
    index = parse_tile_index(rest)
    if head == "entries":
        return TileID(0, index, width, entries=True)
    if not _DECIMAL_RE.fullmatch(head) or int(head) > MAX_TILE_LEVEL:
        raise TileError(f"tile path {path!r} has an invalid level")
    return TileID(int(head), index, width)


def _level_ids(size: int, level: int, entries: bool) -> Iterator[TileID]:
    count = size >> (TILE_HEIGHT * level)
    full, partial = divmod(count, TILE_WIDTH)
    for n in range(full):
        yield TileID(level, n, TILE_WIDTH, entries)
    if partial:
        yield TileID(level, full, partial, entries)


def tile_ids(size: int) -> list[TileID]:
    """Return every hash tile (full and partial) of a tree of ``size`` leaves.

    Precondition: ``size >= 0``.  Example: size 70,000 gives 273 full and one
    partial (112) level-0 tiles, one full and one partial (17) level-1 tile,
    and one partial (1) level-2 tile.
    """
    if size < 0:
        raise TileError(f"tree size {size} is negative")
    ids: list[TileID] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        ids.extend(_level_ids(size, level, entries=False))
        level += 1
    return ids


def entry_bundle_ids(size: int) -> list[TileID]:
    """Return every entry bundle (full and partial) of a tree of ``size`` leaves."""
    if size < 0:
        raise TileError(f"tree size {size} is negative")
    return list(_level_ids(size, 0, entries=True))


def tile_data(store: HashStore, tile: TileID) -> bytes:
    """Return the contents of the hash tile ``tile``: ``width`` concatenated hashes.

    Preconditions: ``tile`` is a hash tile whose hashes are complete in ``store``
    (raises :class:`TileError`).
    """
    if tile.entries:
        raise TileError("entry bundles are built with entry_bundle()")
    level = TILE_HEIGHT * tile.level
    first = tile.index * TILE_WIDTH
    if (first + tile.width) << level > store.size:
        raise TileError(f"{tile.path} needs more leaves than the store's {store.size}")
    return b"".join(store.get_node(level, first + i) for i in range(tile.width))


def parse_tile(data: bytes, width: int = TILE_WIDTH) -> list[bytes]:
    """Split a hash tile into its ``width`` hashes; raise :class:`TileError` on a size mismatch."""
    if len(data) != width * HASH_SIZE:
        raise TileError(f"tile has {len(data)} bytes, want {width * HASH_SIZE}")
    return [bytes(data[i : i + HASH_SIZE]) for i in range(0, len(data), HASH_SIZE)]


def entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Return an entry bundle: each entry prefixed by its big-endian ``uint16`` length.

    Preconditions: at most 256 entries of at most 65,535 bytes each (raises
    :class:`TileError`).
    """
    parts: list[bytes] = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError(f"entry of {len(entry)} bytes exceeds {MAX_ENTRY_SIZE}")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(bytes(entry))
    if len(parts) > 2 * TILE_WIDTH:
        raise TileError(f"an entry bundle holds at most {TILE_WIDTH} entries")
    return b"".join(parts)


def parse_entry_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """Split an entry bundle into entries.

    Raise :class:`TileError` if a length prefix is truncated or runs past the
    end, or if ``width`` is given and the number of entries differs.
    """
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + length > len(data):
            raise TileError("entry bundle ends inside an entry")
        entries.append(bytes(data[pos : pos + length]))
        pos += length
        if len(entries) > TILE_WIDTH:
            raise TileError(f"entry bundle has more than {TILE_WIDTH} entries")
    if width is not None and len(entries) != width:
        raise TileError(f"entry bundle has {len(entries)} entries, want {width}")
    return entries


def export_tiles(
    store: HashStore, size: int, entries: Sequence[bytes] | None = None
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(path, contents)`` for every hash tile, and entry bundle if ``entries``.

    Preconditions: ``0 <= size <= store.size``; when given, ``entries`` holds at
    least ``size`` leaf entries whose leaf hashes are those in ``store``.  The
    checkpoint itself is not produced here.
    """
    if not 0 <= size <= store.size:
        raise TileError(f"size {size} outside [0, {store.size}]")
    for tile in tile_ids(size):
        yield tile.path, tile_data(store, tile)
    if entries is not None:
        if len(entries) < size:
            raise TileError(f"{len(entries)} entries given for a tree of size {size}")
        for bundle in entry_bundle_ids(size):
            first = bundle.index * TILE_WIDTH
            yield bundle.path, entry_bundle(entries[first : first + bundle.width])


def _tile_for(size: int, tile_level: int, tile_index: int, entries: bool = False) -> TileID:
    """Return the tile ID (full or partial) that a tree of ``size`` serves at this position."""
    count = size >> (TILE_HEIGHT * tile_level)
    available = count - tile_index * TILE_WIDTH
    if available <= 0:
        raise TileError(f"tile {tile_level}/{tile_index} does not exist at size {size}")
    return TileID(tile_level, tile_index, min(available, TILE_WIDTH), entries)


class TileHashStore:
    """Serve perfect-subtree hashes read from tiles (a :class:`~.compact.HashStore`).

    ``fetch(path)`` returns the bytes of a tile; each tile is fetched once.
    Use it to recompute roots and proofs from a static export, for example
    ``root_hash(TileHashStore(fetch, size))``.
    """

    __slots__ = ("_cache", "_fetch", "_size")

    def __init__(self, fetch: Fetch, size: int) -> None:
        """Create a store for a tree of ``size`` leaves served through ``fetch``."""
        if size < 0:
            raise TileError(f"tree size {size} is negative")
        self._fetch = fetch
        self._size = size
        self._cache: dict[tuple[int, int], list[bytes]] = {}

    @property
    def size(self) -> int:
        """Return the tree size."""
        return self._size

    def tile_hashes(self, tile_level: int, tile_index: int) -> list[bytes]:
        """Return the hashes of a tile, fetching and checking its size once."""
        key = (tile_level, tile_index)
        cached = self._cache.get(key)
        if cached is None:
            tile = _tile_for(self._size, tile_level, tile_index)
            cached = parse_tile(self._fetch(tile.path), tile.width)
            self._cache[key] = cached
        return cached

    def get_node(self, level: int, index: int) -> bytes:
        """Return the hash of the complete perfect subtree ``(level, index)``.

        The node is rebuilt from the tile at level ``level // 8`` by hashing
        ``2 ** (level % 8)`` tile hashes.  Raise :class:`TileError` for a node
        that is not complete at this size or a malformed tile.
        """
        if level < 0 or index < 0 or (index + 1) << level > self._size:
            raise TileError(f"node ({level}, {index}) is not complete at size {self._size}")
        tile_level, rise = divmod(level, TILE_HEIGHT)
        first = index << rise
        hashes = self.tile_hashes(tile_level, first // TILE_WIDTH)
        offset = first % TILE_WIDTH
        row = hashes[offset : offset + (1 << rise)]
        while len(row) > 1:
            row = [
                sha256(_NODE_PREFIX + row[i] + row[i + 1]).digest() for i in range(0, len(row), 2)
            ]
        return row[0]


def read_leaf_hashes(fetch: Fetch, size: int) -> list[bytes]:
    """Return all ``size`` leaf hashes from the level-0 tiles served through ``fetch``."""
    hashes: list[bytes] = []
    for tile in _level_ids(size, 0, entries=False):
        hashes.extend(parse_tile(fetch(tile.path), tile.width))
    return hashes


def read_entries(fetch: Fetch, size: int, *, check: bool = True) -> list[bytes]:
    """Return all ``size`` entries from the entry bundles served through ``fetch``.

    With ``check`` (the default), also fetch the level-0 tiles and raise
    :class:`TileError` unless every entry hashes to its leaf hash.
    """
    entries: list[bytes] = []
    for bundle in entry_bundle_ids(size):
        entries.extend(parse_entry_bundle(fetch(bundle.path), bundle.width))
    if check:
        for i, (entry, leaf) in enumerate(zip(entries, read_leaf_hashes(fetch, size), strict=True)):
            if hash_leaf(entry) != leaf:
                raise TileError(f"entry {i} does not match its leaf hash")
    return entries
