"""Kenes: national public consultations on a draft legal text."""

__version__ = "0.1.0"
