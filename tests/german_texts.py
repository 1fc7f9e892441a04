"""Finding English template text in a German page, report or console output.

Two ways, used together: the English page rendered from the same state gives the English
texts a German page must not repeat (`repeated_english`), and the English halves of the
word catalogues give the fragments no German text may contain (`english_fragments`,
`fragments_in`). Values that are the same in both languages (numbers, ids, "Download",
"WLAN") are named once here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

# Words both languages use (units, product names, speed directions, ids in examples).
SAME_IN_BOTH = frozenset(
    {
        "Download",
        "Upload",
        "WLAN",
        "MB",
        "Mbit/s",
        "selfcare",
        "Online statt Hotline",
        "Europe/Berlin",
        "Deutsch",
        "English",
    }
)
_HIDDEN = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z]{3,}")


def visible_texts(html: str) -> list[str]:
    """The page's text nodes as a reader sees them (whitespace folded, no script or style),
    and the words on its buttons and in its SVG labels."""
    body = _HIDDEN.sub(" ", html)
    nodes = [" ".join(unescape(part).split()) for part in _TAG.split(body)]
    labels = re.findall(r"<text\b[^>]*>([^<]*)</text>", html)
    return [n for n in [*nodes, *labels] if n]


def wordy(text: str) -> bool:
    """Text with a word in it that is not the same in both languages (not a number, a
    date, a unit or a short id)."""
    words = re.findall(r"[A-Za-z][A-Za-z/]*", text)
    return text not in SAME_IN_BOTH and any(len(w) >= 3 and w not in SAME_IN_BOTH for w in words)


def repeated_english(
    german: Iterable[str], english: Iterable[str], *, data: Iterable[str] = ()
) -> list[str]:
    """English texts of the English page that the German page shows too; `data` are the
    values both show as they are (customer and event ids, the program's name)."""
    shown = list(german)
    whole = "\n".join(shown)
    values = set(data)
    return sorted(
        {
            text
            for text in english
            if wordy(text)
            and not any(text == v or text.startswith(f"{v}:") for v in values)
            and (text in shown or (len(text) >= 20 and text in whole))
        }
    )


def english_fragments(templates: Iterable[str], *, german: Iterable[str] = ()) -> set[str]:
    """The fixed parts of English templates (`{value}` and `(s)` cut out) that hold at least
    two words, less any that the German catalogue uses as well."""
    same = set(german)
    found = set()
    for template in templates:
        for part in re.split(r"\{[^}]*\}|\(s\)", template):
            part = part.strip(" .,;:()'\"")
            if len(_WORD.findall(part)) >= 2 and part not in same:
                found.add(part)
    return found


def fragments_in(text: str, fragments: Iterable[str]) -> list[str]:
    """The fragments that occur in `text` (whitespace folded, as a reader sees it)."""
    folded = " ".join(text.split())
    return sorted(f for f in fragments if f in folded)
