import datetime as dt

from django.core.management.base import BaseCommand

from core.models import Run
from demo.services import demo_due_quotas_publish


class Command(BaseCommand):
    help = (
        "Demo only: publish, as the demo's supervisor, the computed quotas of the cycles whose ordering has "
        "opened or opens within a day (by Friday evening the next week's), as a supervisor would have done. "
        "Does nothing in a database seed_demo did not build."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="the day to act on (YYYY-MM-DD; default today)")

    def handle(self, *args, today=None, **options):
        if not Run.objects.filter(job="seed_demo").exists():
            self.stdout.write("Not a demo database (seed_demo did not build it): nothing published.")
            return
        done = demo_due_quotas_publish(today=today)
        for line in done or ["no cycle's quotas due to publish"]:
            self.stdout.write(line)
