from django.core.management.base import BaseCommand

from core.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create missing beat schedules; never changes or deletes existing ones."

    def handle(self, *args, **options):
        self.stdout.write(str(schedules_sync()))
