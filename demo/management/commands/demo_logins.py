from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from demo.services import demo_logins_ensure

BASE = "http://127.0.0.1:8000"


def _roles() -> dict[str, str]:
    return {"supervisor": _("Supervisor"), "manager": _("Customer manager"), "retailer": _("Retailer")}


def _rhythm(kind: str) -> str:
    return {"weekly": _("orders every week"), "biweekly": _("orders every two weeks")}.get(kind, kind)


def _ordering(login: dict) -> str:
    if not login.get("cycle"):
        return _("no published cycle to order yet")
    return _("orders cycle %(cycle)s until %(day)s") % {
        "cycle": login["cycle"], "day": f"{login['order_by'].month}/{login['order_by'].day}"
    }


def login_line(login: dict) -> str:
    """One demo login as printed (labels in the active language): role, name, password, URL and,
    for a retailer, its tier, order rhythm and the cycle it orders next (e.g. D15 · 隔周订货 ·
    2026-11-5 周期订货至 11/29)."""
    line = f"  {_roles()[login['role']]:<8} {login['username']:<14} {_('password')} {login['password']}  {BASE}{login['url']}"
    if login["role"] == "retailer":
        line += f"  D{login['tier']} · {_rhythm(login['order_cycle_kind'])} · {_ordering(login)}"
    return line


class Command(BaseCommand):
    help = "Make sure the demo logins exist and print them with the URLs."

    def handle(self, *args, **options):
        logins = demo_logins_ensure()
        self.stdout.write("")
        self.stdout.write(f"  Admin (Chinese by default):  {BASE}/admin/")
        self.stdout.write(f"  API schema / docs:           {BASE}/api/schema/  {BASE}/api/docs/")
        if not logins:
            self.stdout.write("  No demo logins: this database was not built by seed_demo.")
        with translation.override("zh-hans"):
            for login in logins:
                self.stdout.write(login_line(login))
        self.stdout.write("")
