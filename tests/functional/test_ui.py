"""The tutor on screen, driven by Textual's pilot."""

import pytest
from textual.widgets import Static

from tutor.lesson.exercise import load
from tutor.ui.app import BPTutorApp
from tutor.ui.dialogs import HelpScreen, LookBackScreen
from tutor.ui.home import HomeScreen
from tutor.ui.lesson_screen import LessonScreen
from tutor.ui.summary import SummaryScreen

from ..conftest import answer_on_screen, answered_until, lesson_opened


def typed_repr(step) -> str:
    return repr(step.value)


def feedback(app) -> str:
    return str(app.screen.query_one("#feedback").render())


async def answer(pilot, text: str) -> None:
    inp = pilot.app.screen.query_one("#answer")
    inp.value = text
    await pilot.press("enter")
    await pilot.pause()


def current(app) -> str:
    return app.screen.lesson.current.step.id


@pytest.fixture
def mazur_app():
    return BPTutorApp(load("mazur"))


async def test_home_lists_lessons_post_first_and_enter_starts_it():
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        lessons = app.screen.query_one("#lessons")
        assert lessons.highlighted == 0 and lessons.get_option_at_index(0).id == "mazur"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and current(app) == "net_h1"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_back_on_the_home_screen_a_lesson_of_this_run_shows_where_it_stands_at_once(monkeypatch):
    """A trial answered step 21 of softmax, pressed Escape and read 'step 21 of 104' for 1.5 s
    (the store's replay in a worker, on a loaded machine). Here the store is not read at all:
    what the list shows comes from the lesson open in this run."""
    monkeypatch.setattr(HomeScreen, "read_standings", lambda self, store: None)
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await lesson_opened(app)
        await pilot.pause()
        await answer(pilot, "0.3775")
        await answer(pilot, "0.6")       # wrong: the first try is spent
        await answer(pilot, "0.593269992")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("(mazur)  step 3 of 32" in line for line in plain(app))


def plain(app) -> list[str]:
    """The screen as a plain capture has it (tmux capture-pane -p, a screen reader): text
    only, no colour, no reverse video."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_home_marks_the_lesson_enter_starts_without_colour(size):
    """▸ before the highlighted lesson's title, and before no other; it moves with Down
    and Up (today only the highlight's colour said which lesson Enter would start)."""
    app = BPTutorApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        marked = [line for line in plain(app) if "▸" in line]
        assert len(marked) == 1 and "▸ A Step by Step Backpropagation Example  (mazur)" in marked[0]
        await pilot.press("down")
        await pilot.pause()
        marked = [line for line in plain(app) if "▸" in line]
        assert len(marked) == 1 and "▸ The post, with bias updates  (mazur-biases)" in marked[0]
        assert any("  A Step by Step Backpropagation Example  (mazur)" in line for line in plain(app))
        await pilot.press("up")
        await pilot.pause()
        assert ["▸ A Step by Step" in line for line in plain(app) if "▸" in line] == [True]


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_home_wraps_a_lesson_line_under_its_title_not_under_the_mark(size):
    """The marked lesson's first line, too long for the terminal (deep-tanh done: its title,
    name and first-try score), goes on under its title: the mark's column holds ▸ or nothing
    (today "206 right at the first try" went on under the ▸)."""
    answered_until(None, name="deep-tanh")
    app = BPTutorApp()
    async with app.run_test(size=size) as pilot:
        app.action_home()  # a returning learner's lesson is reopened; the home screen is under it
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("end")
        await pilot.pause()
        lessons = app.screen.query_one("#lessons")
        top = lessons.content_region.y
        rows = plain(app)[top:top + lessons.content_region.height]
        marked = [i for i, row in enumerate(rows) if "▸ " in row]
        assert len(marked) == 1 and "(deep-tanh)" in rows[marked[0]]
        x = rows[marked[0]].index("▸")
        first, second = (rows[marked[0] + i][x:].strip(" ▎▊▂▆▁▃▄▅▇█") for i in (0, 1))
        assert "right at the first try" in f"{first} {second}" and "try" not in first   # it did wrap
        assert all(row[x:x + 1] in ("▸", " ") for row in rows), rows
        assert rows[marked[0] + 1][x:x + 2] == "  " and rows[marked[0] + 1][x + 2] != " "   # under the title's first letter


async def test_right_answer_shows_mark_word_and_exact_value(mazur_app):
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "0.3775")
        assert feedback(mazur_app).startswith("✓ Right.") and "net_h1 = 0.3775" in feedback(mazur_app)
        assert current(mazur_app) == "out_h1"
        assert mazur_app.screen.query_one("#answer").value == ""
        assert "step 2 of 32  ·  first try 1/1" in str(mazur_app.screen.query_one("#progress").render())


async def test_expression_and_name_answers(mazur_app):
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "w1*i1 + w2*i2 + b1*1")
        await answer(pilot, "1/(1+exp(-net_h1))")
        assert feedback(mazur_app).startswith("✓ Right.") and current(mazur_app) == "net_h2"


@pytest.mark.parametrize("to, text, name", [
    ("net_h1", "0.0275", "You left out the bias"),
    ("out_h1", "1/(1+exp(0.3775))", "sign"),
    ("E_o1", "(0.01 - out_o1)^2", "1/2"),
    ("dE_total/dout_o1", "0.01 - out_o1", "Mind the sign"),
    ("dout_o1/dnet_o1", "net_o1*(1-net_o1)", "using out_o1, not net_o1"),
    ("dnet_o1/dw5", "out_h2", "you used out_h2"),
    ("w5+", "0.4 - 0.082167041", "You forgot the learning rate"),
    ("dnet_o1/dout_h1", "0.35891648", "not w5+"),
    # carried: one output's part of dE_total/dout_h1 left out (the post's figures), w1+ in one go
    ("w1+", "0.149665802", "That is w1+ with a slip in dE_total/dout_h1. This hidden neuron feeds both"),
    ("w3+", "0.249625098", "That is w3+ with a slip in dE_total/dout_h2."),
])
async def test_mistakes_are_explained_on_screen(mazur_app, to, text, name):
    answered_until(to, typed=typed_repr)
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        assert current(mazur_app) == to
        await answer(pilot, text)
        assert feedback(mazur_app).startswith("✗ Not yet.") and name in feedback(mazur_app)
        assert current(mazur_app) == to


@pytest.mark.parametrize("name, to, text, said", [
    # softmax: the logistic function of the output's own net input (0.536983343)
    ("softmax", "out_o1_s1", "0.536983343", "✗ Not yet. You used the logistic function of net_o1_s1 alone"),
    # cross-entropy: the half squared error in its place, out_o1_s1 typed as the exact value
    ("softmax", "E_o1_s1", "1/2*(target_o1_s1 - out_o1_s1)^2", "the half squared error; this exercise's loss is "
     "the cross-entropy"),
])
async def test_new_mistakes_are_explained_on_screen(name, to, text, said):
    app = BPTutorApp(load(name))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        while not isinstance(app.screen, LessonScreen):
            await pilot.pause(0.05)
        while current(app) != to:
            await answer(pilot, repr(app.screen.lesson.current.step.value))
        await answer(pilot, text)
        assert said in feedback(app) and feedback(app).startswith("✗ Not yet.")
        assert current(app) == to


async def test_a_step_worked_from_a_rounded_answer_on_screen(mazur_app):
    """0.59 for out_h1 was right, so net_o1 worked from it is right: a gentle note, no doubled words."""
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "0.3775")
        await answer(pilot, "0.59")
        await answer(pilot, "0.3925")
        await answer(pilot, "0.596884378")
        await answer(pilot, "1.10459")
        said = feedback(mazur_app)
        assert said.startswith("✓ Right.") and "out_h1 = 0.59" in said and "carry more digits" in said
        assert said.count("Right") == 1 and "off" not in said
        assert current(mazur_app) == "out_o1"


@pytest.mark.parametrize("step_id, text, mark", [
    ("out_h1", "0.6", "… More digits."), ("E_o2", "0.0235", "… More digits."), ("out_o1", "0.7", "… More digits."),
    ("net_h1", "0.0275", "✗ Not yet."), ("net_h1", "hello", "! Not readable."),
])
async def test_no_doubled_words_in_feedback(mazur_app, step_id, text, mark):
    """The mark's word is said once: never "More digits. Give more digits" or "Right method. Right method"."""
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        while current(mazur_app) != step_id:
            await answer(pilot, repr(mazur_app.screen.lesson.current.step.value))
        await answer(pilot, text)
        said = feedback(mazur_app)
        assert said.startswith(mark)
        for word in ("more digits", "right method", "not yet", "not this", "not readable"):
            assert said.lower().count(word) <= 1, said


async def test_too_few_digits_garbage_and_hostile_input(mazur_app):
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "0.3775")
        await answer(pilot, "0.6")
        assert feedback(mazur_app).startswith("… More digits.")
        for text, says in [("hello", "I do not know the name"), ("__import__('os')", "not a function I know"),
                           ("9**9**9**9", "too large"), ("1" * 10_000, "too long (10,000 characters)"),
                           ("[b]", "not something I can work out")]:
            await answer(pilot, text)
            assert feedback(mazur_app).startswith("! Not readable.") and says in feedback(mazur_app)
            assert current(mazur_app) == "out_h1"


def question(app) -> str:
    return str(app.screen.query_one("#question").render())


async def test_hints_in_order_then_the_answer(mazur_app):
    """Issue 10 §4: hints accumulate under the question, the second below the first, and
    stay there while the learner answers."""
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        assert "Hint 1 of 3" in question(mazur_app) and "w1*i1 + w2*i2 + b1*1" in question(mazur_app)
        await pilot.press("f2")
        shown = question(mazur_app)
        assert "0.15*0.05 + 0.2*0.1 + 0.35*1" in shown and "w1*i1 + w2*i2 + b1*1" in shown
        assert shown.index("Hint 1 of 3") < shown.index("Hint 2 of 3")
        await pilot.press(*"0.3", "enter")
        assert "Hint 1 of 3" in question(mazur_app) and "Hint 2 of 3" in question(mazur_app)
        await pilot.press("f2")
        assert "Answer shown." in feedback(mazur_app) and "0.3775" in feedback(mazur_app)
        assert current(mazur_app) == "out_h1"
        assert not mazur_app.screen.lesson.records[0].first_try


async def test_look_back_and_return(mazur_app):
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "0.5")
        await answer(pilot, "0.3775")
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(mazur_app.screen, LookBackScreen)
        table = mazur_app.screen.query_one("#lookback")
        assert table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row == ["net_h1", "✗ 0.5   ✓ 0.3775", "✓ retried", "0.3775"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(mazur_app.screen, LessonScreen) and current(mazur_app) == "out_h1"
        assert mazur_app.screen.query_one("#answer").has_focus


async def test_look_back_says_the_hints_taken(mazur_app):
    """A trial took two hints at w4+ and look back read only '✓ retried'."""
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await answer(pilot, "0.3775")
        await pilot.press("f2", "f2")
        await pilot.pause()
        await answer(pilot, "0.6")
        await answer(pilot, "0.593269992")
        await pilot.press("f3")
        await pilot.pause()
        table = mazur_app.screen.query_one("#lookback")
        assert [str(table.get_row_at(i)[2]) for i in range(2)] == ["✓ first try, 1 hint", "✓ retried, 2 hints"]


async def test_help_opens_and_closes(mazur_app):
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(mazur_app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(mazur_app.screen, LessonScreen)


async def test_whole_lesson_to_the_summary_at_80x24(mazur_app):
    """The post's lesson from its first step to the summary, every answer typed key by key as
    a learner types it (the other tests start at their step from a stored session)."""
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        lesson = mazur_app.screen.lesson
        await answer_on_screen(pilot, "0.3")        # one wrong first try
        while not lesson.finished:
            await answer_on_screen(pilot, f"{lesson.current.step.value:.9g}")
        await pilot.pause()
        assert isinstance(mazur_app.screen, SummaryScreen)
        text = str(mazur_app.screen.query_one("#summary-text").render())
        assert "Right at the first try:  31 of 32" in text
        assert "E_total after:           0.291027774" in text
        await mazur_app.workers.wait_for_complete()
        await pilot.pause()
        text = str(mazur_app.screen.query_one("#summary-text").render())
        assert "28 of 33 follow from the algorithm as stated" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(mazur_app.screen, HomeScreen)


async def test_lesson_screen_fits_80x24(mazur_app):
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = mazur_app.screen
        for wid in ("#progress", "#picture", "#question", "#answer", "#feedback"):
            region = screen.query_one(wid).region
            assert region.height >= 1 and region.bottom <= 23, wid
        assert screen.query_one("#picture").region.height >= 6


async def test_leaving_and_reopening_a_lesson_resumes_it():
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "0.3775")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and current(app) == "out_h1"
        assert "step 2 of 32" in str(app.screen.query_one("#progress").render())


async def _to_last_step(pilot):
    """Resumed at the last step (the store filled by answered_until before the app ran)."""
    assert current(pilot.app) == "E_total+"


class TestSummaryWhileItPrepares:
    """Issue 10 §1: the summary is up at once, says what it prepares, and fills in; keys
    typed before it was drawn do not act on it."""

    async def test_the_summary_says_it_prepares_the_comparison_then_fills_in(self, mazur_app):
        """First the printed figures are "being worked out…", then they are there."""
        answered_until("E_total+", typed=typed_repr)
        async with mazur_app.run_test(size=(100, 32)) as pilot:
            await _to_last_step(pilot)
            await pilot.press(*"0.2910277737", "enter")
            await pilot.pause()
            assert isinstance(mazur_app.screen, SummaryScreen)
            text = str(mazur_app.screen.query_one("#summary-text").render())
            assert "The figures printed in" in text and "being worked out" in text and "Right at the first try" in text
            await mazur_app.workers.wait_for_complete()
            await pilot.pause()
            text = str(mazur_app.screen.query_one("#summary-text").render())
            assert "28 of 33 follow from the algorithm as stated" in text and "being worked out" not in text

    async def test_an_enter_typed_twice_does_not_leave_the_summary_unseen(self, mazur_app):
        """The last answer's Enter and a second Enter at once: the summary stays on screen."""
        answered_until("E_total+", typed=typed_repr)
        async with mazur_app.run_test(size=(80, 24)) as pilot:
            await _to_last_step(pilot)
            await pilot.press(*"0.2910277737", "enter", "enter", "enter")
            await pilot.pause()
            assert isinstance(mazur_app.screen, SummaryScreen)
            await pilot.pause(0.2)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(mazur_app.screen, HomeScreen)


async def test_the_quiz_prepares_its_questions_in_a_worker():
    """`bptutor quiz -n 5`: the screen says it prepares 5 questions, the answer box opens after."""
    from tutor.ui.quiz_screen import QuizScreen

    app = BPTutorApp(quiz=(5, ["mazur"]))
    before = []

    def hook(message):
        if isinstance(message, QuizScreen.Drawn):  # what the screen showed while it prepared
            before.append((str(app.screen.query_one("#progress").render()), app.screen.query_one("#answer").disabled))

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert before[0] == ("Quiz: preparing 5 questions…", True)
        assert "question 1 of 5" in str(app.screen.query_one("#progress").render())
        assert not app.screen.query_one("#answer").disabled and app.screen.query_one("#answer").has_focus


def _keys(app, text):
    """Keys as the terminal delivers them: all at once, before the app has handled any."""
    from textual import events

    for ch in text:
        key = {"\r": "enter", ".": "full_stop", "-": "minus", "*": "asterisk"}.get(ch, ch)
        event = events.Key(key, None if key == "enter" else ch)
        event.set_sender(app)
        app._driver.send_message(event)


class TestTheAnswerBox:
    """Issue 10 §5: typing replaces a wrong answer, Up/Down recall, keys typed ahead kept."""

    async def test_typing_after_a_wrong_answer_replaces_it(self, mazur_app):
        """0.0275 (wrong) then 0.3775 typed: the box reads 0.3775, not 0.02750.3775."""
        async with mazur_app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"0.0275", "enter")
            assert feedback(mazur_app).startswith("✗ Not yet.")
            await pilot.press(*"0.3775")
            assert mazur_app.screen.query_one("#answer").value == "0.3775"
            await pilot.press("enter")
            assert current(mazur_app) == "out_h1"

    async def test_up_and_down_recall_earlier_answers_to_this_step(self, mazur_app):
        """Up brings back the last answer, Up again the one before, Down goes forward."""
        async with mazur_app.run_test(size=(80, 24)) as pilot:
            box = mazur_app.screen.query_one("#answer")
            await pilot.press(*"0.0275", "enter", *"0.3", "enter", *"x")
            await pilot.press("up")
            assert box.value == "0.3"
            await pilot.press("up")
            assert box.value == "0.0275"
            await pilot.press("down")
            assert box.value == "0.3"
            await pilot.press(*"775", "enter")
            assert current(mazur_app) == "out_h1"
            await pilot.press("up")
            assert box.value == ""   # a new step: no earlier answers yet

    async def test_keys_typed_while_the_step_advances_are_kept_whole(self, mazur_app):
        """An answer and the next one typed at once: both are read whole, in order."""
        async with mazur_app.run_test(size=(80, 24)) as pilot:
            _keys(mazur_app, "0.3775\r0.593269992\r0.3925")
            for _ in range(10):
                await pilot.pause()
            lesson = mazur_app.screen.lesson
            assert [r.attempts for r in lesson.records[:2]] == [[("0.3775", "right")], [("0.593269992", "right")]]
            assert current(mazur_app) == "net_h2" and mazur_app.screen.query_one("#answer").value == "0.3925"

    async def test_the_placeholder_fits_the_step_and_is_not_its_answer(self, mazur_app):
        """The first step's placeholder names what net_h1 is made from, never 0.3775."""
        async with mazur_app.run_test(size=(80, 24)) as pilot:
            text = mazur_app.screen.query_one("#answer").placeholder
            assert "0.3775" not in text
            # every name net_h1 is made from: with three of five the trial read it as "leave out i2 and b1"
            assert text.endswith("using w1, i1, w2, i2, b1"), text
            await pilot.press(*"0.3775", "enter")
            assert "net_h1" in mazur_app.screen.query_one("#answer").placeholder

    async def test_the_placeholder_offers_only_names_an_answer_may_use(self, mazur_app):
        """At w6+ the lesson never asked dE_total/dw6, so the placeholder must not offer it
        (typing it was refused as 'not known yet')."""
        answered_until("w6+", typed=typed_repr, leave=1)   # w5+ is typed: the screen moves on to w6+
        async with mazur_app.run_test(size=(100, 32)) as pilot:
            lesson = mazur_app.screen.lesson
            while lesson.current.step.id != "w6+":
                await pilot.press(*repr(lesson.current.step.value), "enter")
                await pilot.pause()
            text = mazur_app.screen.query_one("#answer").placeholder
            assert "w6" in text and "dE_total/dw6" not in text


class TestScreensThatFit:
    """Issue 10 §7: look back and help fit at 80x24 and 100x32; the picture keeps the label
    of the weight asked about."""

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_look_back_shows_every_column_without_scrolling_sideways(self, mazur_app, size):
        """Answers, result and exact value all inside the table's width, the latest answer whole."""
        answered_until("dE_total/dout_h1", first=("0.5", "w1*i1 + w2*i2 + b1 + 0.1", "0.3775"), typed=typed_repr)
        async with mazur_app.run_test(size=size) as pilot:
            lesson = mazur_app.screen.lesson
            assert lesson.current.step.id == "dE_total/dout_h1"
            await pilot.press("f3")
            await pilot.pause()
            table = mazur_app.screen.query_one("#lookback")
            assert table.virtual_size.width <= table.scrollable_content_region.width
            assert str(table.get_row_at(0)[1]).endswith("0.3775") and table.get_row_at(0)[3] == "0.3775"
            assert table.row_count == lesson.index

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_look_back_shows_every_answer_of_a_step_with_many(self, mazur_app, size):
        """Eight answers to one step, expressions among them: every one is on screen whole,
        after its mark, oldest first, with no scrolling (today the row kept the latest and cut
        the start with …, so the first wrong answers could not be seen)."""
        given = ["0.15*0.05 + 0.2*0.1 + 0.35", "1/(1+exp(-0.3775))*0.99", "0.3775*(1-0.3775)", "0.7",
                 "w1*i1 + w2*i2 + b1 + 0.12", "sigmoid(net_h1) + 0.01", "exp(-net_h1)", "0.61"]
        async with mazur_app.run_test(size=size) as pilot:
            await answer(pilot, "0.3775")
            for text in given:
                await answer(pilot, text)
            await answer(pilot, "0.593269992")
            await pilot.press("f3")
            await pilot.pause()
            screen = "\n".join(strip.text for strip in mazur_app.screen._compositor.render_strips())
            for text in given:
                assert f"✗ {text}" in screen or f"… {text}" in screen, text
            assert screen.index(given[0]) < screen.index("✓ 0.593269992")
            table = mazur_app.screen.query_one("#lookback")
            assert table.virtual_size.height <= table.scrollable_content_region.height

    def test_an_answer_longer_than_its_column_is_cut_into_lines_whole(self):
        """A long answer keeps its mark on its first line, its continuations indented under its
        text, and nothing of it is lost."""
        from tutor.ui.dialogs import answer_lines

        long = "1/(1+exp(-(w1*i1 + w2*i2 + b1))) + 0.000001*(w5+w6+w7+w8)"
        lines = str(answer_lines([("✗", "0.5"), ("✗", long), ("✓", "0.59327")], 30)).split("\n")
        assert lines[0] == "✗ 0.5" and lines[1].startswith("✗ 1/(1+exp")
        assert all(len(line) <= 30 for line in lines) and all(line.startswith("  ") for line in lines[2:-1])
        assert " ".join(line[2:] for line in lines[1:-1]).replace(" ", "") == long.replace(" ", "")
        assert lines[-1] == "✓ 0.59327"

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_a_long_answer_wraps_between_names_never_inside_one(self, mazur_app, size):
        """Look back at net_o1 answered with a long expression: its lines end after an operator,
        each name whole (today `w5*out_h1+w6*out_` / `h2+b2`), the whole answer there, on screen."""
        import re

        long = "w5*out_h1+w6*out_h2+b2+w5*out_h1+w6*out_h2+b2-w5*out_h1-w6*out_h2-b2"
        names = {"w5", "w6", "out_h1", "out_h2", "b2"}
        answered_until("net_o1", typed=typed_repr)
        async with mazur_app.run_test(size=size) as pilot:
            await answer(pilot, long)
            assert current(mazur_app) == "out_o1"   # it was right
            await pilot.press("f3")
            await pilot.pause()
            table = mazur_app.screen.query_one("#lookback")
            assert table.virtual_size.width <= table.scrollable_content_region.width
            row = [table.get_row_at(i) for i in range(table.row_count) if table.get_row_at(i)[0] == "net_o1"][0]
            lines = str(row[1]).split("\n")
            assert len(lines) > 1  # it did wrap
            assert "".join(line.strip() for line in lines) == "✓ " + long
            for line in lines:
                assert set(re.findall(r"\w+", line)) <= names, line   # no name cut in two
                assert line[:2] in ("✓ ", "  ")   # continuations under the answer, not under its mark
            screen = "\n".join(strip.text for strip in mazur_app.screen._compositor.render_strips())
            assert all(line.strip() in screen for line in lines)

    async def test_help_scrolls_at_80x24_and_keeps_its_indentation(self, mazur_app):
        """No help line wraps at 80 columns, and Down scrolls to the marks at the end."""
        async with mazur_app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f1")
            await pilot.pause()
            scroll = mazur_app.screen.query_one("#help-scroll")
            text = mazur_app.screen.query_one("#help-text")
            assert text.size.height == len(str(text.render()).splitlines())   # nothing wrapped
            assert scroll.max_scroll_y > 0
            for _ in range(30):
                await pilot.press("down")
            assert scroll.scroll_y == scroll.max_scroll_y

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_wrapped_summary_lines_keep_their_indentation(self, mazur_app, size):
        """A long line under an indented item (a mistake met, a printed figure and why it
        differs) continues under its own text, not at the summary's left edge: the only
        lines that start there are the ones written there (today "-0.01904911826." and the
        explanations' second lines started at column 2 at 80 columns)."""
        async with mazur_app.run_test(size=size) as pilot:
            lesson = mazur_app.screen.lesson
            lesson.submit("1.10590597*(1-1.10590597)")  # at net_h1: a mistake to list
            while not lesson.finished:
                lesson.submit(repr(lesson.current.step.value))
            mazur_app.show_summary(lesson)
            await pilot.pause()
            await mazur_app.workers.wait_for_complete()
            await pilot.pause()
            written = str(mazur_app.screen.query_one("#summary-text").render())
            assert "follow from the algorithm as stated" in written
            at_the_edge = [line for line in written.splitlines() if line and not line.startswith(" ")]
            scroll, drawn = mazur_app.screen.query_one("#summary"), []
            for y in range(0, scroll.max_scroll_y + size[1], size[1] // 2):
                scroll.scroll_to(y=y, animate=False)
                await pilot.pause()
                drawn += [strip.text.rstrip(" ▁▂▃▄▅▆▇█") for strip in mazur_app.screen._compositor.render_strips()]
            left = 2  # the summary's padding
            starts = {line[left:] for line in drawn if line[left:left + 1].strip() and line[:left] == "  "}
            assert starts and all(any(start in edge for edge in at_the_edge) for start in starts), starts
            lines = [line.strip() for line in written.splitlines()]
            continued = [line for line in drawn if line.startswith("      ") and line.strip()
                         and not any(whole.startswith(line.strip()) for whole in lines)]
            assert continued  # lines did wrap, and went on indented

    @pytest.mark.parametrize("width", [60, 80, 100, 140])
    async def test_the_picture_keeps_the_label_of_the_weight_asked_about(self, mazur_app, width):
        """At w6+ (w6 is the connection h2→o1) the picture names that connection at every width."""
        answered_until("w6+", typed=typed_repr, leave=1)
        async with mazur_app.run_test(size=(width, 32)) as pilot:
            lesson = mazur_app.screen.lesson
            while lesson.current.step.id != "w6+":
                await answer(pilot, repr(lesson.current.step.value))
            picture = str(mazur_app.screen.query_one("#network").render())
            named = [l for l in picture.splitlines() if "h2→o1" in l]
            assert named and ("w6 " in named[0] or "w6: h2→o1" in named[0])
            assert max(len(l) for l in picture.splitlines()) <= width - 4 or width < 80  # no sideways scroll


class TestEveryLessonFits:
    """Issue 10 §7: every bundled lesson's screen fits 80x24 and 100x32 without scrolling
    sideways, at its first step, at w1+ (a hidden-layer weight) and at its last; the picture
    names the connection of the weight asked about (today two-hidden's compact picture was
    112 cells wide at 80 columns, and the post's own 78 at its last step)."""

    @pytest.mark.parametrize("size", [(80, 24), (100, 32)])
    async def test_no_bundled_lesson_is_wider_than_the_screen(self, size):
        from rich.cells import cell_len
        from textual.widgets import Input

        from tutor.lesson.catalog import course
        from tutor.lesson.session import Lesson

        app = BPTutorApp()
        async with app.run_test(size=size) as pilot:
            for entry in course().entries:
                lesson = Lesson(load(entry.spec))   # no store: these answers are not the learner's
                screen = LessonScreen(lesson)
                await app.push_screen(screen)
                await pilot.pause()
                asked = [r.step.id for r in lesson.records]
                for stop in (asked[0], "w1+", asked[-1]):
                    while lesson.current.step.id != stop:
                        lesson.submit(repr(lesson.current.step.value))
                    screen.refresh_view()
                    await pilot.pause()
                    where = f"{entry.spec} at {stop}"
                    for widget in screen.query("*"):
                        if widget.styles.overflow_x in ("auto", "scroll"):
                            assert widget.max_scroll_x == 0, f"{where}: {widget!r} scrolls sideways"
                        assert widget.region.right <= size[0], f"{where}: {widget!r} is wider than the screen"
                    box, picture = screen.query_one("#picture"), str(screen.query_one("#network").render())
                    assert max(cell_len(line) for line in picture.split("\n")) <= box.scrollable_content_region.width - 2, where
                    answer = screen.query_one(Input)
                    assert cell_len(answer.placeholder) <= answer.content_region.width, where
                    shown = [strip.text for strip in app.screen._compositor.render_strips()]
                    assert f"step {lesson.index + 1} of {len(asked)}" in shown[0] and "first try" in shown[0], where
                    if stop == "w1+":   # w1 is the connection i1→h1 (i1→h1_1 in a deeper net), in sight
                        assert any("i1→h1" in line and "w1" in line for line in shown), f"{where}:\n{picture}"
                app.pop_screen()
                await pilot.pause()


class TestAFinishedLesson:
    """Issue 10 §8: opening a lesson finished before asks: look at it, or start again."""

    async def test_look_at_its_summary_again_or_start_again(self):
        """After a whole lesson, a new run of the app: Enter on it offers its summary (l) or a new attempt (a)."""
        from tutor.ui.dialogs import FinishedScreen

        answered_until(None, first=("0.3",), typed=typed_repr)   # the whole lesson, in an earlier run
        app = BPTutorApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)   # a finished lesson is not reopened by itself
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, FinishedScreen)
            assert "Right at the first try: 31 of 32" in str(app.screen.query_one("#finished-text").render())
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert "Right at the first try:  31 of 32" in str(app.screen.query_one("#summary-text").render())
            await pilot.pause(0.2)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, LessonScreen) and current(app) == "net_h1"


class TestThePictureFollowsTheWidth:
    """A terminal made narrower mid-lesson redraws the picture compact: before, it kept its
    wide form at 80 columns and cut the targets to "0.0" and "0.9" (wrong numbers on screen)."""

    async def test_narrowed_to_80_columns_the_picture_fits(self):
        app = BPTutorApp(load("mazur"))
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            box = app.screen.query_one("#picture")
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            await pilot.pause(0.2)
            lines = str(app.screen.query_one("#network").render()).split("\n")
            assert max(len(line.rstrip()) for line in lines) <= box.scrollable_content_region.width
            assert any("target_o1 0.01" in line for line in lines)


async def test_ctrl_c_says_how_to_quit_and_quits_when_pressed_again(mazur_app):
    """Ctrl+C is what a learner presses to leave a terminal program: on every screen (the
    lesson with its answer box focused, a dialog over it, the lessons) it says how, and a
    second press quits."""
    async with mazur_app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "0.3775")
        for go_to, screen in ((None, LessonScreen), ("f1", HelpScreen), ("escape,escape", HomeScreen)):
            for key in (go_to or "").split(","):
                if key:
                    await pilot.press(key)
            await pilot.pause()
            assert isinstance(mazur_app.screen, screen)
            if screen is HelpScreen:  # the help says so too
                assert "quit (or Ctrl+C twice)" in str(mazur_app.screen.query_one("#help-text", Static).render())
            mazur_app.clear_notifications()
            mazur_app.quit_asked_at = float("-inf")  # each screen's first press
            await pilot.press("ctrl+c")
            await pilot.pause()
            said = [n.message for n in mazur_app._notifications]
            assert said == ["Press Ctrl+C again to quit, or Ctrl+Q."] and mazur_app.is_running, screen
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not mazur_app.is_running


@pytest.mark.parametrize("lesson", ["softmax", "mazur"])
async def test_a_notice_on_the_lesson_lies_over_the_picture_and_moves_nothing(lesson):
    """At 80x24 the Ctrl+C notice took rows of its own at the top: the lesson moved down, the
    answer box lost its border and the footer was cut to '^q Qu' (a learner's trial)."""
    from textual.widgets._toast import Toast

    app = BPTutorApp(load(lesson))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await lesson_opened(app)
        await pilot.pause()
        ids = ("#picture", "#question", "#answer", "#feedback")
        before = {w: app.screen.query_one(w).region for w in ids}
        await pilot.press("ctrl+c")
        await pilot.pause(0.2)
        toasts = list(app.screen.query(Toast))
        assert toasts and "Press Ctrl+C again" in str(toasts[0].render())
        assert {w: app.screen.query_one(w).region for w in ids} == before
        picture = before["#picture"]
        for t in toasts:
            assert picture.contains_region(t.region)


async def test_help_on_the_home_screen_says_the_home_screens_keys():
    """F1 on the lessons list showed the lesson's keys (Enter checks your answer, F2 a hint)."""
    app = BPTutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "Enter    start it, or go on where you left off" in text and "t        watch the network train" in text
        assert "check your answer" not in text and "F2" not in text
        await pilot.press("escape", "enter")
        await lesson_opened(app)
        await pilot.pause()
        await pilot.press("f1")   # in the lesson, the lesson's keys
        await pilot.pause()
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "check your answer" in text and "start it, or go on" not in text
