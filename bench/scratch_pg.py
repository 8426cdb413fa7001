"""A scratch PostgreSQL database for a bench: never the `test` database, migrated fresh."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit


def scratch_url(url: str, name: str, *, bench: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"{bench} needs PostgreSQL: --database-url postgres://user@host:5432/db")
    return urlunsplit(parts._replace(path="/" + name))


def recreate_database(url: str, name: str, *, bench: str) -> None:
    import psycopg

    with psycopg.connect(scratch_url(url, "postgres", bench=bench), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
