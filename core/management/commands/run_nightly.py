from django.core.management.base import BaseCommand

from core.nightly import NIGHTLY_JOBS, run_nightly


class Command(BaseCommand):
    help = "Run the nightly jobs once, in order (what beat runs at night)."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", choices=[j.name for j in NIGHTLY_JOBS])

    def handle(self, *args, only=None, **options):
        for name, counts in run_nightly(only=only).items():
            self.stdout.write(f"{name}: {counts}")
