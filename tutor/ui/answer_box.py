"""The answer box: what was sent stays selected, so typing replaces it; Up and Down bring
back the earlier answers to this step; keys typed while the step advances are kept."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class AnswerBox(Input):
    BINDINGS = [Binding("up", "recall(-1)", "Earlier answer", show=False),
                Binding("down", "recall(1)", "Later answer", show=False)]

    def __init__(self, **kwargs):
        super().__init__(select_on_focus=False, **kwargs)
        self.history: list[str] = []   # answers sent at this step, oldest first
        self._at = 0                   # where Up/Down are in the history

    async def _on_key(self, event: events.Key) -> None:
        # Enter is taken here, in the order the keys came: as a binding it would run only
        # after the key had bubbled up to the app and back, and keys typed after it
        # (already queued here) would be added to the answer first ("0.37750.59")
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)

    async def action_submit(self) -> None:
        text = self.value
        await super().action_submit()
        if text.strip() and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._at = len(self.history)
        # selected in the same handler as the Enter: the next key typed replaces it, even
        # when it comes before the screen has judged the answer
        self.select_all()

    def answered(self, sent: str, advanced: bool) -> None:
        """The screen has judged `sent`. When the step advanced, the box empties for the
        next one, unless something was typed after the Enter (that is kept as it is)."""
        if not advanced:
            return
        self.history, self._at = [], 0
        if self.value == sent:
            self.value = ""

    def action_recall(self, step: int) -> None:
        if not self.history:
            return
        self._at = max(0, min(len(self.history), self._at + step))
        self.value = self.history[self._at] if self._at < len(self.history) else ""
        self.cursor_position = len(self.value)
