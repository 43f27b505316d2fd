"""Tamper-evident ledger of Kenes: an append-only, verifiable transparency log."""
