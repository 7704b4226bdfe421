"""Per-language wording kept as data: ``templates/<lang>/<book>.toml``.

A template that is the same in every language but its words (the staff digest) takes
them from a phrasebook: ``{% set w = phrases(lang, "digest") %}``, then
``{{ w.pending.format(count=3) }}``. Tables nest (``w.outcomes.accepted``). A key a
language lacks is taken from English, and a deployment's ``templates_dir`` may replace
any key of any language. Loaded once per writer.
"""

import tomllib
from collections.abc import Callable
from pathlib import Path

from bot.errors import ConfigError


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class Phrasebooks:
    """Every ``<lang>/<book>.toml`` of the template roots (first root wins)."""

    def __init__(self, roots: list[Path], show: Callable[[str], str]) -> None:
        self.books: dict[tuple[str, str], dict] = {}
        for root in reversed(roots):  # packaged first, the override on top
            for path in sorted(root.glob("*/*.toml")):
                if path.name == "roles.toml":
                    continue  # role labels have their own shape (MailWriter.role_labels)
                try:
                    data = tomllib.loads(path.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
                    raise ConfigError(f"{show(str(path))}: {exc}") from None
                key = (path.parent.name, path.stem)
                self.books[key] = _merge(self.books.get(key, {}), data)

    def __call__(self, language: str, book: str) -> dict:
        """The book in ``language``, English filling what it lacks."""
        english = self.books.get(("en", book))
        if english is None:
            raise ConfigError(f"templates: no en/{book}.toml")
        return _merge(english, self.books.get((language, book), {}))
