"""The benchmark's answer: a table on the terminal and the same as JSON in bench/results/."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

import django
from django.db import connection

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    ratio: float | None = None  # to the floor
    target: str = ""  # e.g. "ratio >= 0.30" or "<= 5 ms"
    passed: bool | None = None
    note: str = ""


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database_version(),
    }


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {connection.Database.sqlite_version}"


def table(rows: list[Row]) -> str:
    head = ("measure", "value", "ratio to floor", "target", "result")
    body = [
        (
            r.name,
            f"{r.value:,.2f} {r.unit}" if r.value < 100 else f"{r.value:,.0f} {r.unit}",
            "" if r.ratio is None else f"{r.ratio:.3f}",
            r.target,
            "" if r.passed is None else ("PASS" if r.passed else "FAIL"),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in (head, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[Row]) -> str:
    lines = ["| measure | value | ratio to floor | target | result |", "|---|---:|---:|---|---|"]
    for r in rows:
        value = f"{r.value:,.2f} {r.unit}" if r.value < 100 else f"{r.value:,.0f} {r.unit}"
        ratio = "" if r.ratio is None else f"{r.ratio:.3f}"
        result = "" if r.passed is None else ("**PASS**" if r.passed else "**FAIL**")
        lines.append(f"| {r.name} | {value} | {ratio} | {r.target} | {result} |")
    return "\n".join(lines)


def save(document: dict, stamp: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}-{connection.vendor}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=_plain) + "\n", encoding="utf-8")
    return path


def _plain(value):
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return str(value)
