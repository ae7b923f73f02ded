"""Make a virtual environment run this checkout's source as the ``comptoir`` package, without
building it: what ``pip install -e .`` does, minus the build backend (hatchling), which the lock
file does not pin. The container image runs it (Dockerfile), so that every package in the image
comes from requirements.lock with its hashes.

Run it with the environment's own interpreter: ``.venv/bin/python scripts/venv_source.py``. It
writes, in that environment, ``comptoir.pth`` (this checkout's ``src/`` on the path), the package's
metadata (``importlib.metadata.version("comptoir")``: the pages' footer, the backup manifest) and
the ``comptoir`` command of ``[project.scripts]``.
"""

from __future__ import annotations

import sys
import sysconfig
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    if sys.prefix == sys.base_prefix:
        sys.exit("venv_source.py: run it with a virtual environment's python, not the system's.")
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    site_packages = Path(sysconfig.get_paths()["purelib"])
    (site_packages / f"{name}.pth").write_text(f"{PROJECT / 'src'}\n")
    metadata = site_packages / f"{name}-{version}.dist-info"
    metadata.mkdir(exist_ok=True)
    (metadata / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (metadata / "INSTALLER").write_text("scripts/venv_source.py\n")
    scripts = Path(sysconfig.get_paths()["scripts"])
    for command, target in project.get("scripts", {}).items():
        module, _, function = target.partition(":")
        script = scripts / command
        script.write_text(
            f"#!{sys.executable}\nimport sys\nfrom {module} import {function}\n"
            f"sys.exit({function}())\n"
        )
        script.chmod(0o755)
    print(f"{name} {version}: {PROJECT / 'src'} in {sys.prefix}")


if __name__ == "__main__":
    main()
