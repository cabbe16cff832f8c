"""Signals other apps listen to (they cache what they derive from quotas)."""

from django.dispatch import Signal

# A retailer's quotas in a published run changed (a supervisor's exception): allocation_id, retailer_id.
quotas_changed = Signal()
