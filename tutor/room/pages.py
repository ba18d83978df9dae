"""The room's own web pages: the join form (with what a learner needs to know) and the
terminal page, which is textual-serve's own template."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import textual_serve

SERVE_DIR = Path(textual_serve.__file__).resolve().parent
STATIC_DIR = SERVE_DIR / "static"

JOIN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bptutor room: join</title>
<style>
 body {{ background: #0c181f; color: #eee; font-family: system-ui, sans-serif; margin: 0; }}
 main {{ max-width: 34em; margin: 3em auto; padding: 1.5em 2em; background: #12232d; border-radius: 6px; }}
 h1 {{ font-size: 1.4em; margin-top: 0; }}
 label {{ display: block; margin: 1em 0 .3em; }}
 input {{ font-size: 1.1em; padding: .4em; width: 100%; box-sizing: border-box; }}
 button {{ margin-top: 1.2em; font-size: 1.1em; padding: .5em 1.4em; background: #5e0ba7; color: #fff;
          border: none; border-radius: 4px; cursor: pointer; }}
 .problem {{ background: #5a1a1a; padding: .6em .8em; border-radius: 4px; }}
 .note {{ color: #bbb; font-size: .92em; }}
 .phone {{ background: #4a3a10; padding: .6em .8em; border-radius: 4px; }}
</style></head>
<body><main>
<h1>Backpropagation, step by step</h1>
<p>Lessons in this room: {lessons}.</p>
{problem}
<form method="post" action="/join">
 <label for="name">Your name (the teacher sees your work under it)</label>
 <input id="name" name="name" maxlength="40" autocomplete="name" required value="{name}">
 <label for="code">Room code (from the teacher)</label>
 <input id="code" name="code" maxlength="20" autocomplete="off" autocapitalize="characters" required>
 <button type="submit">Join</button>
</form>
<p class="phone">This needs a laptop or desktop browser (Chrome, Firefox, Edge or Safari): the lesson
 screen does not work on phones or tablets.</p>
<p class="note">Your answers and hints are saved on the teacher's computer as you give them. If you
 close the page, lose the network or reload, join again with the same name: you come back to the
 same step with everything kept. Keys in the lesson: Enter checks an answer, F2 gives a hint,
 F3 looks back at the steps done, F1 is help.</p>
</main></body></html>
"""


def join_page(lessons: list[str], problem: str = "", name: str = "") -> str:
    return JOIN.format(lessons=html.escape(", ".join(lessons)),
                       problem=f'<p class="problem">{html.escape(problem)}</p>' if problem else "",
                       name=html.escape(name, quote=True))


@functools.cache
def _template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SERVE_DIR / "templates"), autoescape=True)
    return env.get_template("app_index.html")


# textual-serve's page asks Google for its font; the room serves the copy textual-serve ships, so
# the page works in a classroom without the internet and no learner's browser calls a third party
OWN_FONT = ("<style>@font-face { font-family: 'Roboto Mono'; "
            "src: url('/static/fonts/RobotoMono-VariableFont_wght.ttf') format('truetype'); }</style>")
FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)


def terminal_page(websocket_url: str, title: str, font_size: int = 16) -> str:
    """textual-serve's page (xterm.js and its protocol), pointed at the room's websocket."""
    page = _template().render(
        font_size=font_size, app_websocket_url=websocket_url,
        config={"static": {"url": "/static/"}}, application={"name": title}, ping_url="")
    return FONT_LINK.sub(OWN_FONT, page)
