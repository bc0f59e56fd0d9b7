"""Signals other apps follow where settled results change in bulk."""

from django.dispatch import Signal

# Sent in the transaction that changed settled results, with ``enterprise_ids`` (a set;
# None after a rebuild of them all).
settled_results_changed = Signal()
