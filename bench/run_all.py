"""Run every benchmark script in bench/ (each prints its own figures)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script in sorted(HERE.glob("*.py")):
    if script.name.startswith("_") or script.name == "run_all.py":
        continue
    print(f"\n$ {sys.executable} bench/{script.name}", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
