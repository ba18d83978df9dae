"""Text whose wrapped lines keep their indentation: a hanging indent.

Textual wraps a long line back to column 0, so at 80 columns an indented item ("    • the
sign of -(target - out)", "  ✗ w1+: printed …") continued under the heading it belongs
to. Here each line wraps within what is left after its own indentation, and after its
bullet when it starts with one, so a continuation lines up with the text above it.
`str()` is the text as written, unwrapped (what a test or a screen reader reads).
"""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RulesMap, Visual

BULLETS = ("• ", "✗ ", "✓ ", "- ", "▸ ")  # a continuation lines up after these (▸: the home screen's mark)


def hang(line: str) -> int:
    """The cells a continuation of `line` is indented by: its own indentation, and its
    bullet's width when it starts with one."""
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    return indent + next((cell_len(b) for b in BULLETS if body.startswith(b)), 0)


class Hanging(Visual):
    def __init__(self, content: Content | str):
        self.content = Content.from_markup(content) if isinstance(content, str) else content
        self.lines = [(hang(line.plain), line) for line in self.content.split("\n", allow_blank=True)]

    def __str__(self) -> str:
        return self.content.plain

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def _parts(self, indent: int, line: Content, width: int) -> tuple[Content, Content, int]:
        """(the line's start up to where continuations line up, the rest, the rest's width);
        on a line too narrow for its indentation it wraps as plain text does."""
        if width - indent < 8:
            indent = 0
        return line[:indent], line[indent:], width - indent

    def get_height(self, rules: RulesMap, width: int) -> int:
        height = 0
        for indent, line in self.lines:
            head, rest, room = self._parts(indent, line, width)
            height += rest.get_height(rules, room) if rest.plain else 1
        return height

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        if not width:
            return []
        options = replace(options, selection=None)  # a selection's rows would not be this visual's lines
        strips: list[Strip] = []
        for indent, line in self.lines:
            head, rest, room = self._parts(indent, line, width)
            if not rest.plain:
                strips += line.render_strips(width, None, style, options) or [Strip.blank(width)]
                continue
            body = rest.render_strips(room, None, style, options)
            front = head.render_strips(head.cell_length, None, style, options)[0] if head.plain else None
            for i, strip in enumerate(body):
                left = front if i == 0 and front is not None else Strip.blank(width - room, style.rich_style)
                strips.append(Strip.join([left, strip]) if width > room else strip)
            if height is not None and len(strips) >= height:
                break
        return strips if height is None else strips[:height]
