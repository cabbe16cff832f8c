from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainError, InvalidInput
from core.imports.base import IMPORTERS, import_file

MAX_SHOWN = 200


class Command(BaseCommand):
    help = "Import a CSV/XLSX file: every row is checked first; any bad row means nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")

    def handle(self, *args, kind, file, dry_run, **options):
        try:
            counts = import_file(kind=kind, source=file, dry_run=dry_run)
        except InvalidInput as exc:
            for error in exc.errors[:MAX_SHOWN]:
                self.stderr.write(str(error))
            if len(exc.errors) > MAX_SHOWN:
                self.stderr.write(f"... and {len(exc.errors) - MAX_SHOWN} more")
            raise CommandError(f"{len(exc.errors)} problem(s) in {file}; nothing was written") from exc
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {file}") from exc
        except (DomainError, ValueError) as exc:  # an unreadable file (named), a run of this kind under way
            raise CommandError(str(exc)) from exc
        mode = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            f"{mode}{counts.rows} rows: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
        )
