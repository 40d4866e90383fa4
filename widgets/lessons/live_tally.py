"""LiveTally: the teacher's screen of a class: how many predicted each form, per question, as the answers arrive.

Only a class's teacher's page builds it (the store gives a tally only for the teacher's secret). It polls the store
from the teacher's kernel (:class:`classroom.live.TallyPoller`, every :data:`classroom.live.POLL_S` s) and redraws
only when the tally changed. A button reveals the deck's current question to the class (the students' pages then
show its answer) or hides it again. Counts are anonymous: pages, not people.
"""

from __future__ import annotations

from traitlets import Dict

from casebook.engine import FORMS, analyze
from classroom.live import TallyPoller
from classroom.store import ClassError, ClassStore

from ..base import Lang, LangGuard, esc, safe_lang, tr
from ..controls import Display, FixedVBox
from .._view import FixedButton, shared_layout
from ..words import table
from .common import form_name, section, text_of
from .common import large_controls_style as lesson_style
from .exercise_deck import ExerciseDeck

UI = table("lessons/live_tally")


class LiveTally(LangGuard, FixedVBox):
    """Traits: ``lang`` (in), ``tally`` (out: ``{item id: {form: count}}``, the last read). Follows ``deck``."""

    lang = Lang()
    tally = Dict()

    def __init__(self, deck: ExerciseDeck, store: ClassStore, code: str, secret: str, lang: str = "zh", **kwargs):
        super().__init__(**kwargs)
        self._built = False
        self.add_class("ll-live-tally")
        self.add_class("ll-controls")
        self.add_class("ll-large-controls")
        self.set_trait("lang", safe_lang(lang))
        self._deck, self._store, self._code, self._secret = deck, store, code, secret
        self._revealed: set = set()
        self._error: ClassError | None = None
        self._head = Display()
        self._bars = Display()
        self._bars.add_class("ll-tally-bars")
        self._reveal = FixedButton(button_style="primary", layout=shared_layout(width="auto"))
        self._reveal.add_class("ll-tally-reveal")
        self._reveal.on_click(lambda _b: self.toggle_reveal())
        self.poller = TallyPoller(store, code, secret, self._on_tally)
        deck.on_change(self._relabel_button)
        self.children = [lesson_style(), self._head, self._reveal, self._bars]
        self._built = True
        self._read_revealed()
        self.poller.poll()
        self._relabel()

    # --- public -------------------------------------------------------------------------------------------------

    @property
    def bars_html(self) -> str:
        """The tally's bars as shown (HTML)."""
        return self._bars.value

    @property
    def reveal_label(self) -> str:
        """The reveal (or hide) button's label."""
        return self._reveal.description

    def poll(self) -> dict | None:
        """Read the tally once (as the background poll does); the tally if it changed."""
        return self.poller.poll()

    def start(self) -> bool:
        """Poll in the background on the kernel's event loop."""
        return self.poller.start()

    def toggle_reveal(self) -> None:
        """Reveal the deck's current question to the class, or hide it again."""
        item_id = self._deck.item()["id"]
        on = item_id not in self._revealed
        try:
            self._store.reveal(self._code, self._secret, item_id, on)
        except ClassError as exc:
            self._error = exc
        else:
            self._error = None
            self._revealed = self._revealed | {item_id} if on else self._revealed - {item_id}
        self._relabel()

    # --- rendering ----------------------------------------------------------------------------------------------

    def _read_revealed(self) -> None:
        try:
            self._revealed = set(self._store.revealed(self._code))
        except ClassError as exc:
            self._error = exc

    def _on_tally(self, tally: dict) -> None:
        self.tally = tally
        self._render()

    def _relabel_button(self) -> None:
        i = self._deck.index + 1
        key = "hide" if self._deck.item()["id"] in self._revealed else "reveal"
        self._reveal.description = tr(UI, key, self.lang).format(i=i)

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = section(f"<h3>{esc(tr(UI, 'title', lang))}</h3><p class='ll-note'>{esc(tr(UI, 'note', lang))}"
                                   "</p>")
        self._relabel_button()
        self._render()

    def _render(self) -> None:
        lang = self.lang
        error = (f"<p class='ll-msg' role='alert'>{esc(self._error.messages[lang])}</p>" if self._error else "")
        if self.poller.error is not None:
            error += f"<p class='ll-msg' role='alert'>{esc(self.poller.error.messages[lang])}</p>"
        rows = []
        for i, item in enumerate(self._deck.current_set()["scenarios"], start=1):
            counts = self.tally.get(item["id"], {})
            n = sum(counts.values())
            revealed = item["id"] in self._revealed
            engine = analyze(item["scenario"], item["regime"], lang)["liability_form"] if revealed else None
            bars = []
            for form in FORMS:
                k = counts.get(form, 0)
                if not k and form != engine:
                    continue
                width = round(100 * k / n) if n else 0
                mark = f" ✓ <em>{esc(tr(UI, 'engine', lang))}</em>" if form == engine else ""
                bars.append(
                    f"<div class='ll-tally-row' data-form='{esc(form)}' data-count='{k}' style='display:flex;gap:8px;"
                    f"align-items:center'><span style='flex:0 0 34%'>{esc(form_name(form, lang))}{mark}</span>"
                    f"<span style='flex:1;background:#e8edf5;border-radius:3px'><span style='display:block;height:18px;"
                    f"width:{width}%;background:#1a4480;border-radius:3px'></span></span>"
                    f"<strong class='ll-tally-count' style='flex:0 0 3em;text-align:right'>{k}</strong></div>")
            status = f" · <span class='ll-held'>{esc(tr(UI, 'revealed', lang))}</span>" if revealed else ""
            rows.append(
                f"<div class='ll-card ll-tally-item' data-item='{esc(item['id'])}' data-total='{n}' "
                f"data-revealed='{'true' if revealed else 'false'}'><h4 style='margin:.2em 0'>{i}. "
                f"{esc(text_of(item['title'], lang))}</h4><p style='margin:.2em 0'>"
                f"{esc(tr(UI, 'answers', lang).format(n=n))}{status}</p>"
                + ("".join(bars) or f"<p>{esc(tr(UI, 'none_yet', lang))}</p>") + "</div>")
        self._bars.value = section(error + "".join(rows))
