"""Subcommands of `fukushi-kg` that live outside server/cli.py; each module exposes register(subparsers)."""
