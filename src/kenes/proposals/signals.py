"""Signals of intake for apps that react to new proposals (e.g. insights).

``post_save`` already fires for each proposal stored one by one; ``proposals_stored`` fires once
per batch written with bulk inserts (``proposals_submit_many``), which sends no ``post_save``.
"""

from django.dispatch import Signal

# Sent inside the batch's transaction with ``proposal_ids`` (list[int]) of the new proposals.
proposals_stored = Signal()
