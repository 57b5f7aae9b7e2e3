"""fukushi-kg: a knowledge graph of Japanese municipal community-welfare plans."""

__version__ = "0.1.0"
