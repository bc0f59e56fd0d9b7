"""Signals other apps follow where a bulk write sends no model signal."""

from django.dispatch import Signal

# Sent (with ``link_ids``) after supplier links change in bulk (``QuerySet.update``),
# in the transaction that changed them.
supplier_links_changed = Signal()
