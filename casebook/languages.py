"""The tutorial's languages: Chinese first, English alongside. Every bilingual text is a ``{zh, en}`` mapping."""

LANGS = ("zh", "en")


def bilingual(zh: str, en: str) -> dict:
    """A ``{zh, en}`` mapping, written the way the law's tables read: Chinese first."""
    return {"zh": zh, "en": en}
