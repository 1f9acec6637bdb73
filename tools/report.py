"""The one shape every measuring tool writes (make eval, voice-eval, bench, load, mutation, fuzz):
a JSON file in reports/ that starts with when, on what commit and on what machine the figures
were taken, followed by the figures. Bulky per-item rows go to a file beside it that is not
committed (reports/*-rows.json style names are in .gitignore where a tool writes them)."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any, Dict

from spasm_aid.paths import ROOT


def provenance() -> Dict[str, Any]:
    """When, on which commit (with "+changes" when the work tree differs) and on what machine."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip() or None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if commit and dirty:
            commit += "+changes"
    except (OSError, subprocess.SubprocessError):  # no git (an unpacked archive): the figures still count
        commit = None
    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
    }


def write_report(path: Path, figures: Dict[str, Any]) -> Path:
    """Write `figures` under the provenance header to `path` (made absolute from the project root)."""
    path = path if path.is_absolute() else ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {**provenance(), **{k: v for k, v in figures.items() if k not in ("measured_at", "machine")}}
    path.write_text(json.dumps(body, indent=2) + "\n")
    return path
