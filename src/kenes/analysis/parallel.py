"""Running the per-text stages of an analysis in shards: in-process, over local processes, or
on a Dask distributed cluster.

The per-text work (normalisation, language ID, duplicate signatures, letter parsing, campaign
features) is pure and independent of the other texts. :func:`make_shards` cuts the rows into
consecutive shards, a :class:`Runner` maps a module-level function over them and returns the
results **in shard order**, so the sequential stages that follow (duplicate index, campaign
union-find, themes) see exactly the same input whichever runner did the work: the output files
are byte for byte those of a single process.

* :class:`SerialRunner` - the default; no extra process.
* :class:`ProcessRunner` - a ``concurrent.futures`` process pool over the cores of this machine.
* :class:`DaskRunner` - a Dask ``distributed`` client: ``tcp://HOST:PORT`` of a running
  scheduler, or a ``LocalCluster`` of N worker processes. Dask is imported only here, only
  when such a runner is made.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

SHARD_ROWS = 4000


def make_shards(items: Sequence[T], size: int = SHARD_ROWS) -> list[list[T]]:
    """Consecutive shards of at most ``size`` items (the last one may be shorter)."""
    return [list(items[i : i + size]) for i in range(0, len(items), max(size, 1))]


def flatten(parts: Sequence[Sequence[R]]) -> list[R]:
    return [x for part in parts for x in part]


class Runner(Protocol):
    """Maps a picklable module-level function over shards, results in shard order."""

    workers: int

    def map(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> list[R]: ...

    def imap(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> Iterator[R]:
        """:meth:`map`, each shard's result given as soon as it and those before it are
        done: the caller can fold the results into its own form shard by shard instead of
        holding them all."""
        ...

    def start(self) -> None:
        """Start the workers now, before the caller loads its data (see
        :meth:`ProcessRunner.start`)."""
        ...

    def release(self) -> None:
        """Give back what the workers hold between stages (their caches); a later
        :meth:`map` starts them again."""
        ...

    def close(self) -> None: ...


class SerialRunner:
    workers = 1

    def map(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> list[R]:
        return [fn(s) for s in shards]

    def imap(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> Iterator[R]:
        return (fn(s) for s in shards)

    def start(self) -> None:
        return None

    def release(self) -> None:
        return None  # the work ran in this process: its caches serve the later stages too

    def close(self) -> None:
        return None


class ProcessRunner:
    """A process pool of ``workers`` processes (``fork`` where available: the workers inherit
    the loaded modules and the language detector instead of loading them again). The pool is
    started on first use and again after :meth:`release`."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx)
        return self._pool

    def map(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> list[R]:
        return list(self.pool().map(fn, shards))

    def imap(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> Iterator[R]:
        return self.pool().map(fn, shards)

    def start(self) -> None:
        """Fork the workers now. A worker forked after the caller read a million rows
        inherits them; the garbage collector's passes then touch every inherited object, so the
        copy-on-write pages become each worker's own (1.7 GB per worker at 1M rows)."""
        pool = self.pool()
        for f in [pool.submit(os.getpid) for _ in range(self.workers)]:
            f.result()

    def release(self) -> None:
        """Stop the worker processes: after the per-text stage of a 1M run each still holds
        its caches (0.4 GB) through the sequential stages, which do not use it."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        self.release()


class DaskRunner:
    """Shards as Dask tasks: on the scheduler at ``address`` or on a new ``LocalCluster``.

    Each shard travels to a worker as one task (the texts of its rows, pickled) and its result
    comes back to this process; nothing else crosses the network.
    """

    def __init__(self, *, address: str | None = None, workers: int | None = None) -> None:
        try:  # imported here only: a plain `kenes analyze` never loads Dask
            dd: Any = importlib.import_module("dask.distributed")
        except ImportError as exc:  # pragma: no cover - dask is a declared dependency
            raise RuntimeError("Dask is not installed: pip install 'dask[distributed]'") from exc
        self._cluster: Any = None
        self._client: Any
        if address:
            self._client = dd.Client(address)
        else:
            self._cluster = dd.LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = dd.Client(self._cluster)
        self.workers = max(len(self._client.scheduler_info().get("workers", {})), 1)

    def start(self) -> None:
        return None  # the workers are separate processes already, started with the cluster

    def map(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> list[R]:
        if not shards:
            return []
        futures = self._client.map(fn, list(shards), pure=False)
        result: list[R] = self._client.gather(futures)
        return result

    def imap(self, fn: Callable[[Any], R], shards: Sequence[Any]) -> Iterator[R]:
        futures = self._client.map(fn, list(shards), pure=False) if shards else []
        for i, fut in enumerate(futures):
            result: R = fut.result()
            futures[i] = None  # the scheduler may forget the shard's result now
            yield result

    def release(self) -> None:
        """A cluster of this run's own is restarted (its workers' memory given back); a shared
        scheduler's workers are left alone: other work may be running on them."""
        if self._cluster is not None:
            self._client.restart()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def submit(runner: Runner, fn: Callable[[Any], R], shards: Sequence[Any]) -> Callable[[], list[R]]:
    """Start :meth:`Runner.map` of ``fn`` over ``shards`` and return a function that waits for
    the results (in shard order): a process pool or a Dask cluster works on them meanwhile;
    other runners compute them at once."""
    if isinstance(runner, ProcessRunner):
        pool = runner.pool()
        futures = [pool.submit(fn, s) for s in shards]
        return lambda: [f.result() for f in futures]
    if isinstance(runner, DaskRunner) and shards:
        dask_futures = runner._client.map(fn, list(shards), pure=False)
        return lambda: list(runner._client.gather(dask_futures))
    results = runner.map(fn, shards)
    return lambda: results


def make_runner(
    *, workers: int | None = None, scheduler: str | None = None, executor: str = "dask"
) -> Runner:
    """``scheduler`` -> Dask on that cluster; ``workers`` > 1 -> a Dask LocalCluster of that
    many processes (or a plain process pool with ``executor="processes"``); else in-process."""
    if scheduler:
        return DaskRunner(address=scheduler)
    if workers is not None and workers > 1:
        if executor == "processes":
            return ProcessRunner(workers)
        return DaskRunner(workers=workers)
    return SerialRunner()
