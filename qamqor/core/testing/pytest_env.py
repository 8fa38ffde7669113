"""Loaded by pytest before Django (`-p` in pyproject.toml): development defaults for tests."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret")
