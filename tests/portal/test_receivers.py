"""The portal's receivers are connected by app loading alone (`PortalConfig.ready()`), not as a side
effect of importing a module: a process that never imports the portal's views still listens."""

import os
import subprocess
import sys
from pathlib import Path

from allocation.models import AllocationRun
from allocation.signals import quotas_changed
from portal.receivers import quota_sheets_forget

ROOT = Path(__file__).resolve().parents[2]


def test_the_portal_listens_to_quota_changes_in_a_process_that_only_loaded_the_apps():
    code = (
        "import sys, django; django.setup()\n"
        "from allocation.models import AllocationRun\n"
        "from allocation.signals import quotas_changed\n"
        "print(quotas_changed.has_listeners(AllocationRun), 'portal.selectors' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "distribution.test_settings"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]  # listening, the receiver's module loaded by `ready()`


def test_the_portal_receiver_is_connected_once_under_its_uid():
    assert quotas_changed.has_listeners(AllocationRun)
    assert quotas_changed.disconnect(dispatch_uid="portal.quota_sheets_forget")
    try:
        assert not quotas_changed.has_listeners(AllocationRun)  # no second copy (e.g. a leftover @receiver)
    finally:
        quotas_changed.connect(quota_sheets_forget, dispatch_uid="portal.quota_sheets_forget")
