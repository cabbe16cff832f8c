"""Issue 2 targets on PostgreSQL: the 50,000 × 300 × 52 demo city under 5 minutes, and a
15,000-row customer export imported under 10 s. Also the admin's path for a changed export: the
preview (every row checked, each change old → new, nothing written) and the confirm that writes
what was previewed (the plan made again and its digest compared).

    .venv/bin/python bench/foundation.py [--retailers 50000 --products 300 --weeks 52] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from _common import Stages, fresh_database

LABELS = {
    "GRADE": [f"{n}档" for n in ["一", "五", "十", "十五", "二十", "二十五", "三十"]],
    "ORDER_CYCLE": ["周一", "周二", "周三", "周四", "周五", "单周周四", "双周周二", "不访销"],
    "CUST_FORMAT": ["便利店"] * 8 + ["超市", "烟草专业店"],
    "MARKET_TYPE": ["城网", "城网", "城网", "农网"],
    "CLASSIFICATION_CODE": ["主城区", "城乡结合区", "镇中心区", "村庄"],
    "BUSINESS_DISTRICT_TYPE": ["居民区", "集贸区"],
}


def customer_export(rows: int, path: Path, seed: int = 1) -> None:
    """A customer export in the real layout (base_customer_info); another `seed` changes the rows'
    labels (tier, rhythm, format, market type, ...) as a later export would."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    codes = (300000000000 + np.arange(rows)).astype(str)
    frame = pd.DataFrame({"ID": np.arange(1, rows + 1), "CUST_CODE": codes, "CUST_ID": codes})
    for column, values in LABELS.items():
        frame[column] = rng.choice(np.array(values), size=rows)
    frame["CREDIT_LEVEL"] = "AA"
    frame["COMPANY_BRANCH"] = rng.choice(np.array(["东城区烟草专卖局(营销部)", "南溪县烟草专卖局(营销部)"]), size=rows)
    frame["COMPANY_DISTRICT"] = frame["COMPANY_BRANCH"]
    frame["MARKET_DEPARTMENT"] = np.where(frame["COMPANY_BRANCH"].str.startswith("东"), "东关市场部", "石桥市场部")
    frame["BUSINESS_STATUS"] = "有效"
    frame["IS_MUTUAL_AID_GROUP"] = "0"
    frame["GROUP_NAME"] = "东风诚信互助小组1组"
    frame["QUALITY_DATA_SHARE"] = rng.choice(np.array(["0", "1"]), size=rows, p=[0.94, 0.06])
    frame["优质客户"] = "是"
    frame.to_excel(path, index=False, sheet_name="base_customer_info")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, default=50_000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--import-rows", type=int, default=15_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    with fresh_database("bench_foundation", keep=args.keep):
        from core.imports.base import import_file, import_preview
        from demo.services import demo_city_create

        stages = Stages(
            f"demo city {args.retailers:,} retailers × {args.products} products × {args.weeks} weeks, PostgreSQL"
        )
        with stages.stage("seed_demo (generate, registry, orders COPY, ANALYZE)") as box:
            result = demo_city_create(
                retailers=args.retailers,
                products=args.products,
                weeks=args.weeks,
                seed=2026,
                today=dt.date(2026, 11, 22),
            )
            box["rows"] = result["orders"]
        for name, seconds in result["seconds"].items():
            print(f"  {name:<42} {seconds:8.2f} s")

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "customers.xlsx"
            customer_export(args.import_rows, path)
            stages = Stages(f"customer import, {args.import_rows:,}-row export (.xlsx), PostgreSQL")
            with stages.stage("import_data customers (new retailers)", rows=args.import_rows):
                counts = import_file(kind="customers", source=path)
            print(f"  {counts}")
            with stages.stage("import_data customers (same file again)", rows=args.import_rows):
                counts = import_file(kind="customers", source=path)
            print(f"  {counts}")
            changed = Path(tmp) / "customers-later.xlsx"
            customer_export(args.import_rows, changed, seed=2)
            with stages.stage("admin preview of a later export (nothing written)", rows=args.import_rows):
                plan, words = import_preview(kind="customers", source=changed)
            print(f"  {plan.counts}; {len(words['rows']):,} rows listed, {words['more']:,} more")
            with stages.stage("admin confirm of that preview (plan again, digest, write)", rows=args.import_rows):
                counts = import_file(kind="customers", source=changed, expected=plan.digest)
            print(f"  {counts}")


if __name__ == "__main__":
    main()
