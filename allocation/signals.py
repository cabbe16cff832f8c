"""Signals other apps listen to (they cache what they derive from quotas); receivers are connected
in their app's `AppConfig.ready()`."""

from django.dispatch import Signal

# A retailer's quotas in a published run changed (a supervisor's exception): allocation_run_id, retailer_id.
quotas_changed = Signal()
