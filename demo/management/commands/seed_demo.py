import time

from django.core.management.base import BaseCommand, CommandError

from demo.requests import demo_requests_create
from demo.services import (
    demo_city_create,
    demo_demand_reports_create,
    demo_first_rerating,
    demo_inspections_create,
    demo_quotas_publish,
)
from demo.surveys import demo_surveys_create
from retailers.models import Retailer


class Command(BaseCommand):
    help = "Build the deterministic demo city (retailers, products, prices, weekly order history)."

    def add_arguments(self, parser):
        parser.add_argument("--retailers", type=int, default=3000)
        parser.add_argument("--products", type=int, default=120)
        parser.add_argument("--weeks", type=int, default=52)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when retailers already exist")

    def handle(self, *args, retailers, products, weeks, seed, if_empty, **options):
        if if_empty and Retailer.objects.exists():
            self.stdout.write("The database already has retailers: keeping it as it is.")
            return
        started = time.perf_counter()
        try:
            result = demo_city_create(retailers=retailers, products=products, weeks=weeks, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo city built in {time.perf_counter() - started:.1f} s: {result}")
        self.stdout.write(demo_first_rerating())
        self.stdout.write(demo_demand_reports_create())  # before the allocation runs: it reads them
        self.stdout.write(demo_quotas_publish())
        self.stdout.write(demo_inspections_create())
        self.stdout.write(demo_requests_create())
        self.stdout.write(demo_surveys_create())
