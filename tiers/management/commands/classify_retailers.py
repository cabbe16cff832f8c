import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainError
from tiers.services import classification_run, proposal_publish


class Command(BaseCommand):
    help = "Re-rate every retailer's tier into a proposal (a supervisor publishes it), or show it with --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default today)")
        parser.add_argument("--dry-run", action="store_true", help="print the per-tier summary, write nothing")
        parser.add_argument("--publish-as", metavar="USERNAME", help="publish at once, approved by this supervisor")

    def handle(self, *args, as_of=None, dry_run=False, publish_as=None, **options):
        try:
            result = classification_run(as_of=as_of, dry_run=dry_run)
            if dry_run:
                self.stdout.write(result.to_string())
                return
            self.stdout.write(
                f"proposal #{result.pk}: {result.retailers} retailers, {result.ups} up, {result.downs} down"
            )
            if publish_as:
                approver = get_user_model().objects.get(username=publish_as)
                changed = proposal_publish(proposal=result, approver=approver)
                self.stdout.write(f"published: {changed} tiers changed")
        except (DomainError, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
