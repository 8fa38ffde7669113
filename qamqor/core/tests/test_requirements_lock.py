"""requirements*.lock (made by `make lock`, installed by `make`) must match requirements*.txt.

A pin changed in requirements.txt without `make lock` would leave `make` installing the old
version while everybody believes the new one is in: this test says so at once."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_DIR = Path(__file__).resolve().parents[3]
LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}


def input_pins(path: Path) -> list[Requirement]:
    """The requirements of a human-edited file and of the files it includes with -r."""
    pins = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            pins += input_pins(path.parent / line.split(maxsplit=1)[1])
            continue
        pins.append(Requirement(line))
    return pins


def locked(text: str) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for every entry of a pip-compile lock."""
    entries: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[^\s#])", text):
        head = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", block)
        if head:
            entries[canonicalize_name(head[1])] = (head[2], len(re.findall(r"--hash=sha256:[0-9a-f]{64}", block)))
    return entries


def lock_problems(pins: list[Requirement], lock_text: str) -> list[str]:
    entries = locked(lock_text)
    problems = [f"{name}=={version} has no --hash" for name, (version, hashes) in entries.items() if not hashes]
    for pin in pins:
        specs = list(pin.specifier)
        if len(specs) != 1 or specs[0].operator != "==":
            problems.append(f"{pin} is not pinned with == in the input")
            continue
        name, version = canonicalize_name(pin.name), specs[0].version
        if name not in entries:
            problems.append(f"{pin.name} is missing from the lock")
        elif entries[name][0] != version:
            problems.append(f"{pin.name}: {version} in the input, {entries[name][0]} in the lock")
        for extra in sorted(pin.extras):
            # What the extra brings (psycopg[binary] -> psycopg-binary) must be locked too.
            try:
                needed = [Requirement(r) for r in requires(pin.name) or []]
            except PackageNotFoundError:
                continue
            for dependency in needed:
                if (
                    dependency.marker
                    and dependency.marker.evaluate({"extra": extra})
                    and not dependency.marker.evaluate({"extra": ""})
                ):
                    if canonicalize_name(dependency.name) not in entries:
                        problems.append(f"{dependency.name} (from {pin.name}[{extra}]) is missing from the lock")
    return problems


@pytest.mark.parametrize(("source", "lock"), LOCKS.items())
def test_the_lock_matches_its_input(source, lock) -> None:
    problems = lock_problems(input_pins(BASE_DIR / source), (BASE_DIR / lock).read_text(encoding="utf-8"))
    assert not problems, f"{lock} is out of date with {source}; run `make lock`:\n" + "\n".join(problems)


def test_the_check_notices_a_stale_lock() -> None:
    lock = "django==5.2.19 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via -r requirements.txt\nruff==0.1.0\n"
    assert lock_problems([Requirement("Django==5.2.19")], lock) == ["ruff==0.1.0 has no --hash"]
    assert lock_problems([Requirement("Django==5.2.20")], lock)[1] == "Django: 5.2.20 in the input, 5.2.19 in the lock"
    assert "gunicorn is missing from the lock" in lock_problems([Requirement("gunicorn==23.0.0")], lock)
    assert "polib>=1 is not pinned with == in the input" in lock_problems([Requirement("polib>=1")], lock)


def test_the_dev_lock_keeps_the_runtime_versions() -> None:
    """Tests run against exactly the versions production installs."""
    runtime = locked((BASE_DIR / "requirements.lock").read_text(encoding="utf-8"))
    dev = locked((BASE_DIR / "requirements-dev.lock").read_text(encoding="utf-8"))
    assert {name: dev.get(name, ("missing", 0))[0] for name in runtime} == {name: v for name, (v, _) in runtime.items()}


def test_make_installs_from_the_lock_with_hashes() -> None:
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^\$\(VENV\)/\.installed: (.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert rule and rule[1].split() == ["requirements-dev.lock"]
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in rule[2]
