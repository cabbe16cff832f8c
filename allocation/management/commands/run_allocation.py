import csv

from django.core.management.base import BaseCommand, CommandError

from allocation.reports import report_headers, report_rows, warning_text
from allocation.run_steps import allocation_compute
from allocation.selectors import cell_key
from allocation.services import allocation_run_create
from core.exceptions import DomainError, RunOverlap
from core.reports.formulas import neutralise_row
from cycles.selectors import cycle_by_label


class Command(BaseCommand):
    help = "Compute a cycle's quotas from its supply plan (every release method) as a new, unpublished run."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, help="YEAR-MONTH-WEEK, e.g. 2026-11-4")
        parser.add_argument("--product", nargs="*", default=None, help="only these product codes")
        parser.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
        parser.add_argument("--report", help="write the run report to this CSV file")
        parser.add_argument(
            "--fan-out", action="store_true", help="send product groups to the workers (a Celery chord) and return"
        )

    def handle(self, *args, cycle, product=None, dry_run=False, report=None, fan_out=False, **options):
        try:
            found = cycle_by_label(cycle)
        except ValueError:
            found = None
        if found is None:
            raise CommandError(f"no order cycle {cycle} (expected YEAR-MONTH-WEEK of an existing cycle)")
        if dry_run:
            lines, results, _bands, _registry = allocation_compute(cycle=found, product_codes=product)
            for result in results:
                line = lines[result.line_id]
                for c in result.cells:
                    caps = " ".join(str(x) for x in c.caps[::-1])
                    self.stdout.write(
                        f"{line.product.code} {line.method} {cell_key(c.cell, line.dimensions) or '-'} target {c.target} "
                        f"released {c.released} caps(D{line.highest_tier}→) {caps} {'; '.join(warning_text(w) for w in c.warnings)}"
                    )
            return
        try:
            allocation_run = allocation_run_create(cycle=found, product_codes=product, fan_out=fan_out)
        except (DomainError, RunOverlap) as exc:
            raise CommandError(str(exc)) from exc
        if fan_out:
            self.stdout.write(
                f"allocation #{allocation_run.pk}: sent to the workers; follow run #{allocation_run.run_id} in the admin"
            )
            return
        rows = report_rows(allocation_run)
        self.stdout.write(
            f"allocation #{allocation_run.pk}: {len(rows)} cells, released {sum(r['released'] for r in rows)} "
            f"of {sum(r['target'] for r in rows)} cartons"
        )
        if report:
            with open(report, "w", newline="", encoding="utf-8-sig") as out:
                headers = report_headers()
                columns = [c for c in headers if not rows or c in rows[0]]
                writer = csv.writer(out)
                writer.writerow(neutralise_row(headers[c] for c in columns))
                writer.writerows(neutralise_row(r[c] for c in columns) for r in rows)
