from django.core.management.base import BaseCommand

from demo.services import demo_logins_ensure

BASE = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Make sure the demo logins exist and print them with the URLs."

    def handle(self, *args, **options):
        logins = demo_logins_ensure()
        self.stdout.write("")
        self.stdout.write(f"  Admin (Chinese by default):  {BASE}/admin/")
        self.stdout.write(f"  API schema / docs:           {BASE}/api/schema/  {BASE}/api/docs/")
        if not logins:
            self.stdout.write("  No demo logins: this database was not built by seed_demo.")
        for login in logins:
            self.stdout.write(
                f"  {login['role']:<11} {login['username']:<14} password {login['password']}  {BASE}{login['url']}"
            )
        self.stdout.write("")
