"""The tutorial's languages: Chinese first, English alongside. Every bilingual text is a ``{zh, en}`` mapping."""

LANGS = ("zh", "en")
