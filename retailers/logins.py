"""Retailer logins: the license number is the login name; a customer manager sets or resets the
password (shown once), the retailer may change it on its phone."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_noop
from rest_framework.authtoken.models import Token

from accounts.models import LoginLockout, Role
from core.exceptions import DomainError, Reason, Verbatim
from core.lockouts import login_lockouts_release
from core.models import AuditEntry

from .models import Retailer
from .selectors import retailers_visible_to
from .services import retailers_history_snapshot

# No 0/O, 1/l/I: read aloud over the phone or copied from a slip of paper by an elderly shop owner.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 8
# Why linking a new login wrote a retailer's history row (kept as the msgid, read in the reader's language).
LOGIN_CREATED = gettext_noop("retailer login created")


@transaction.atomic
def retailer_login_reset(*, retailer: Retailer, actor) -> str:
    """Create the retailer's login if it has none, set a new random password and return it (shown
    once, never stored in clear). Ends the login's sessions on every phone and revokes its API tokens
    (`accounts.sessions`: any password change does), and lifts its lock-outs. Audited."""
    if actor.role == Role.RETAILER or not retailers_visible_to(user=actor).filter(pk=retailer.pk).exists():
        raise DomainError(Reason(gettext_noop("Only the retailer's customer manager or a supervisor sets its password.")))
    password = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    user = retailer.user
    if user is None:
        User = get_user_model()
        if User.objects.filter(username=retailer.license_no).exists():
            raise DomainError(
                Reason(gettext_noop("The login name %(name)s is taken by another user."), name=Verbatim(retailer.license_no))
            )
        user = User(username=retailer.license_no, role=Role.RETAILER)
        created = True
    else:
        created = False
    user.set_password(password)
    user.is_active = True
    user.save()
    if created:
        Retailer.objects.filter(pk=retailer.pk).update(user=user)
        retailer.user = user
        # its own history row, by who set it: the next edit's row does not show the login as its change
        retailers_history_snapshot(pks=[retailer.pk], history_type="~", actor=actor, reason=LOGIN_CREATED)
    Token.objects.filter(user=user).delete()
    login_lockouts_release(
        lockouts=LoginLockout.objects.filter(username=user.username),
        actor=actor,
        reason=Reason(gettext_noop("the retailer's password was reset")),
    )
    AuditEntry.objects.create(
        actor=actor, action="retailer.login_reset", object_type="retailer", object_id=str(retailer.pk),
        after={"login": user.username, "created": created},
    )  # fmt: skip
    return password
