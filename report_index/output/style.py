"""Terminal styling for the text renderers: bold, dim and a few colours as ANSI codes, or nothing
at all when colour is off (piped output, ``NO_COLOR``). The front end decides; renderers only ask."""

from __future__ import annotations

from dataclasses import dataclass

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


@dataclass(frozen=True)
class Style:
    """``Style(colour=True)`` wraps text in ANSI codes; ``Style(colour=False)`` returns it as it is."""

    colour: bool = False

    def _wrap(self, text: str, *names: str) -> str:
        if not self.colour or not text:
            return text
        codes = ";".join(_CODES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def bold(self, text: str) -> str:
        return self._wrap(text, "bold")

    def dim(self, text: str) -> str:
        return self._wrap(text, "dim")

    def fg(self, text: str, colour: str) -> str:
        return self._wrap(text, colour)


PLAIN = Style(False)
