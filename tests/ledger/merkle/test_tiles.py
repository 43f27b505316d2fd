"""Tiled logs (c2sp.org/tlog-tiles): paths, tiles, bundles and reading them back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.ledger.merkle import (
    MerkleTree,
    TileError,
    TileHashStore,
    TileID,
    consistency_proof,
    encode_tile_index,
    entry_bundle,
    entry_bundle_ids,
    export_tiles,
    hash_leaf,
    inclusion_proof,
    parse_entry_bundle,
    parse_tile,
    parse_tile_index,
    parse_tile_path,
    read_entries,
    read_leaf_hashes,
    root_hash,
    tile_data,
    tile_ids,
)

from .reference import mth


@pytest.mark.parametrize(
    ("index", "encoded"),
    [
        (0, "000"),
        (7, "007"),
        (999, "999"),
        (1000, "x001/000"),
        (1234067, "x001/x234/067"),
        (1_000_000, "x001/x000/000"),
    ],
)
def test_tile_index_encoding(index: int, encoded: str) -> None:
    assert encode_tile_index(index) == encoded
    assert parse_tile_index(encoded) == index


@given(st.integers(0, 10**15))
def test_tile_index_round_trip(index: int) -> None:
    assert parse_tile_index(encode_tile_index(index)) == index


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        (TileID(0, 1234067), "tile/0/x001/x234/067"),
        (TileID(1, 0, 17), "tile/1/000.p/17"),
        (TileID(0, 273, 112), "tile/0/273.p/112"),
        (TileID(0, 5, entries=True), "tile/entries/005"),
        (TileID(0, 1000, 3, entries=True), "tile/entries/x001/000.p/3"),
        (TileID(63, 0, 1), "tile/63/000.p/1"),
    ],
)
def test_tile_paths(tile: TileID, path: str) -> None:
    assert tile.path == path
    assert parse_tile_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",
        "tile/0/01",
        "tile/0/0001",
        "tile/00/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/0/x000/001",
        "tile/0/001/002",
        "tile/0/x01/002",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/05",
        "tile/0/000.p/",
        "tiles/0/000",
        "tile/0/",
        "tile/entries/",
        "tile/x/000",
        "tile/0/000.p/7/1",
        "tile/0/X001/000",
    ],
)
def test_bad_tile_paths(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_tile_ids_spec_example() -> None:
    ids = tile_ids(70_000)
    level0 = [t for t in ids if t.level == 0]
    assert len([t for t in level0 if not t.is_partial]) == 273
    assert [t.width for t in level0 if t.is_partial] == [112]
    assert [(t.index, t.width) for t in ids if t.level == 1] == [(0, 256), (1, 17)]
    assert [(t.index, t.width) for t in ids if t.level == 2] == [(0, 1)]
    assert [(t.level, t.width) for t in tile_ids(256)] == [(0, 256), (1, 1)]
    assert tile_ids(0) == []
    assert len(entry_bundle_ids(70_000)) == 274


def test_entry_bundles() -> None:
    entries = [b"", b"a", b"\x00" * 300, bytes(range(256))]
    bundle = entry_bundle(entries)
    assert bundle[:2] == b"\x00\x00" and bundle[2:5] == b"\x00\x01a"
    assert parse_entry_bundle(bundle, 4) == entries
    for bad in [bundle[:-1], bundle + b"\x00", bundle + b"\x00\x05abc"]:
        with pytest.raises(TileError):
            parse_entry_bundle(bad)
    with pytest.raises(TileError):
        parse_entry_bundle(bundle, 5)
    with pytest.raises(TileError):
        entry_bundle([b"x" * 65_536])
    with pytest.raises(TileError):
        entry_bundle([b"x"] * 257)
    assert parse_entry_bundle(entry_bundle([b"x" * 65_535])) == [b"x" * 65_535]


def _export(size: int) -> tuple[MerkleTree, list[bytes], dict[str, bytes]]:
    entries = [f"entry {i}".encode() for i in range(size)]
    tree = MerkleTree(hash_leaf(e) for e in entries)
    return tree, entries, dict(export_tiles(tree, size, entries))


def test_tile_contents_follow_the_definition() -> None:
    tree, entries, files = _export(70_000)
    # The n-th tile at level l holds MTH(D[(n*256+i)*256**l : (n*256+i+1)*256**l]).
    tile = parse_tile(files["tile/1/000"])
    assert tile[3] == mth(entries[3 * 256 : 4 * 256])
    assert tile[255] == tree.get_node(8, 255)
    assert parse_tile(files["tile/2/000.p/1"], 1)[0] == tree.get_node(16, 0)
    assert len(files["tile/0/273.p/112"]) == 112 * 32
    assert "tile/entries/273.p/112" in files
    assert tile_data(tree, TileID(0, 0, 4)) == b"".join(tree.leaf_hash(i) for i in range(4))
    with pytest.raises(TileError):
        tile_data(tree, TileID(0, 273))  # not full at this size
    with pytest.raises(TileError):
        tile_data(tree, TileID(0, 0, entries=True))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3000), st.data())
def test_read_back_from_tiles(size: int, data: st.DataObject) -> None:
    tree, entries, files = _export(size)
    store = TileHashStore(files.__getitem__, size)
    assert root_hash(store) == tree.root()
    assert read_leaf_hashes(files.__getitem__, size) == [tree.leaf_hash(i) for i in range(size)]
    assert read_entries(files.__getitem__, size) == entries
    index = data.draw(st.integers(0, size - 1))
    assert inclusion_proof(store, index) == inclusion_proof(tree, index, size)
    old = data.draw(st.integers(1, size))
    assert consistency_proof(store, old) == consistency_proof(tree, old, size)
    assert root_hash(store, old) == tree.root(old)


def test_read_back_detects_bad_tiles() -> None:
    _, _, files = _export(300)
    bad = dict(files)
    bad["tile/0/001.p/44"] = files["tile/0/001.p/44"][:-1]
    with pytest.raises(TileError):
        root_hash(TileHashStore(bad.__getitem__, 300))
    bad = dict(files)
    bundle = parse_entry_bundle(files["tile/entries/000"])
    bundle[5] = b"tampered"
    bad["tile/entries/000"] = entry_bundle(bundle)
    with pytest.raises(TileError):
        read_entries(bad.__getitem__, 300)
    with pytest.raises(TileError):
        TileHashStore(files.__getitem__, 300).get_node(9, 0)
