"""The files of the container image, as deploy/Dockerfile's COPY lines put them (no Docker
engine needed): for tests that check the image has what the deployment files reference and that
its servers start."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import List, Tuple

from tests.conftest import ROOT

DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def copy_lines() -> List[Tuple[List[str], str]]:
    """(sources, destination) of every COPY line, in order."""
    found = []
    for line in DOCKERFILE.read_text().splitlines():
        match = re.match(r"^COPY\s+(?!--)(.+)$", line.strip())
        if match:
            *sources, destination = match.group(1).split()
            found.append((sources, destination))
    return found


def image_paths() -> List[str]:
    """Every path (relative to the image's WORKDIR) the COPY lines create."""
    paths = []
    for sources, destination in copy_lines():
        for source in sources:
            paths.append(source if destination in (".", "./") else destination.rstrip("/"))
    return paths


def in_image(relative: str) -> bool:
    relative = relative.strip("./") if relative.startswith("./") else relative
    return any(relative == path or relative.startswith(path.rstrip("/") + "/") for path in image_paths())


def build_image_files(target: Path) -> Path:
    """Copy what the Dockerfile copies into `target` (the image's /app)."""
    for sources, destination in copy_lines():
        for source in sources:
            origin = ROOT / source
            place = target / (Path(source).name if destination in (".", "./") else destination)
            place.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, place, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(origin, place)
    return target
