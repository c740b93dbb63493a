"""The tour page: output in the order the lesson printed it, tables and figures in place, captions, steppers."""

import os
import re
from pathlib import Path

import pytest

from tinygrad_edu import tour
from tinygrad_edu.curriculum import LESSONS
from tinygrad_edu.tour import Block, markdown, ordered, render_section

PNG_400 = b"\x89PNG\r\n\x1a\n" + bytes(8) + (400).to_bytes(4, "big") + (300).to_bytes(4, "big")


def test_tables_replace_their_printed_lines_and_figures_follow_the_clock(tmp_path):
    early, late = tmp_path / "loss.png", tmp_path / "predictions.png"
    for path, when in ((early, 1015.0), (late, 1035.0)):
        path.write_bytes(PNG_400)
        os.utime(path, (when, when))
    table = {"headers": ["x", "y"], "rows": [["1", "2"]], "text": ["x  y", "1  2"]}
    second = {"headers": ["a"], "rows": [["3"]], "text": ["a", "3"]}
    blocks = [Block("text", "trained.", 1000.0), Block("text", "x  y", 1010.0), Block("text", "1  2", 1011.0),
              Block("text", "New inputs:", 1020.0), Block("text", "a", 1021.0), Block("text", "3", 1022.0),
              Block("text", "done", 1030.0)]
    result = {"table": table, "new_table": second, "figures": [late, early], "captions": {"loss.png": "Falls."}}
    out = ordered(blocks, result)
    assert [(b.kind, b.content if b.kind == "text" else None) for b in out] == [
        ("text", "trained."), ("table", None), ("figure", None), ("text", "New inputs:"), ("table", None),
        ("text", "done"), ("figure", None)]
    assert out[1].content is table and out[4].content is second
    assert out[2].content == (early, "Falls.")  # the lesson's own caption wins
    assert out[6].content == (late, None)  # no caption given: the page will use the file's name


def test_a_section_reads_top_to_bottom(tmp_path):
    lesson = next(lesson for lesson in LESSONS if lesson.number == 7)
    folder = tmp_path / lesson.folder
    folder.mkdir()
    (folder / "a.png").write_bytes(PNG_400)
    (folder / "b.png").write_bytes(PNG_400)
    (folder / "graph.svg").write_text("<svg></svg>")
    blocks = [Block("text", "line one", 1), Block("text", "line <two>", 2),
              Block("table", {"headers": ["h"], "rows": [["v"]], "text": []}, 3),
              Block("figure", (folder / "a.png", "Look at the plateau."), 4),
              Block("figure", (folder / "b.png", None), 5),
              Block("figure", (folder / "graph.svg", None), 6)]
    page = render_section(lesson, blocks, None, tmp_path, 1.0)
    texts = ("line one\nline &lt;two&gt;", "<table>", "Figure 7.1.", "Figure 7.2.", "Figure 7.3.")
    order = [page.index(text) for text in texts]
    assert order == sorted(order)
    assert page.split('class="meta"')[1].count("<pre>") == 1  # consecutive lines share one block
    assert '<div class="grid"><figure class="half">' in page  # two small plots side by side
    assert '<a href="07_simple_nn_xor/a.png" title="open full size"><img src="07_simple_nn_xor/a.png"' in page
    assert "Look at the plateau." in page and "B." in page  # a caption from the lesson, else from the name
    assert '<figure class="wide"><div class="scroll"><a href="07_simple_nn_xor/graph.svg"' in page


def test_markdown_of_the_lesson_intros():
    text = ("Intro with `code <x>` and **bold** and *italic*.\n\n    a = 1\n\n    b = 2\n\n## Heading\n\n"
            "- one\n- two `t`\n")
    assert markdown(text) == ("<p>Intro with <code>code &lt;x&gt;</code> and <b>bold</b> and <i>italic</i>.</p>"
                              "<pre><code>a = 1\n\nb = 2</code></pre><h4>Heading</h4>"
                              "<ul><li>one</li><li>two <code>t</code></li></ul>")
    assert markdown("a * b * c") == "<p>a * b * c</p>"  # products are not italics


def test_the_intro_comes_from_the_lesson_file(tmp_path, monkeypatch):
    lesson = LESSONS[0]
    path = tmp_path / lesson.example
    path.write_text("# %% [markdown]\n# # Lesson 1: the title\n#\n# The *first* paragraph.\n#\n"
                    "# Run it: `tinygrad-edu perceptron`.\n\n# %%\nx = 1\n# %% [markdown]\n# Later text.\n")
    monkeypatch.setattr(tour, "REPO", tmp_path.parent)
    monkeypatch.setattr(type(lesson), "path", property(lambda self: tmp_path / self.example), raising=False)
    assert tour.lesson_intro(lesson) == "<p>The <i>first</i> paragraph.</p>"


@pytest.fixture(scope="module")
def page_7_and_9(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    chosen = [lesson for lesson in LESSONS if lesson.number in (7, 9)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tour, "LESSONS", chosen)
        index, failures = tour.build_tour(out, quick=True, log=lambda *a: None)
    return index.read_text(encoding="utf-8"), failures, out


def test_lessons_7_and_9_run_with_their_steppers(page_7_and_9):
    page, failures, out = page_7_and_9
    assert failures == []
    assert page.count('class="tg-stepper"') == 2 and page.count("<script>") == 2
    seven = page[page.index('id="lesson-7"'):page.index('id="lesson-9"')]
    tables = [m.start() for m in re.finditer("<table>", seven)]
    assert len(tables) == 2
    new_inputs = seven.index("New inputs")
    assert tables[0] < new_inputs < tables[1]  # the heading sits above its own table, not above the first
    captions = re.findall(r"<b>Figure 7\.\d+\.</b> ([^<]*)", seven)
    assert len(captions) >= 3 and all(captions)  # every figure has a caption
    for source in re.findall(r'<img src="([^"]+)"', page):
        assert (out / source).is_file()
    nine = page[page.index('id="lesson-9"'):]
    assert "a.grad" in nine
    assert "Watch step 2: a already holds 1, Mul sends -3, and the two paths add up to -2." in nine  # b + 1


def test_pre_blocks_wrap_and_nothing_is_wider_than_the_window(page_7_and_9):
    page, _, _ = page_7_and_9
    css = page[page.index("<style>"):page.index("</style>")]
    assert re.search(r"pre \{[^}]*white-space: pre-wrap", css)
    assert re.search(r"\.scroll \{[^}]*overflow: auto", css)  # big graphs scroll inside their box
    assert re.search(r"\.tablewrap \{[^}]*overflow-x: auto", css)


def test_the_lesson_file_gives_the_intro_for_every_lesson():
    for lesson in LESSONS:
        intro = tour.lesson_intro(lesson)
        assert intro.startswith("<") and len(intro) > 80, lesson.example


def test_png_width_reads_the_header(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(PNG_400)
    assert tour.png_width(path) == 400
    path.write_bytes(b"not a png at all, really not")
    assert tour.png_width(path) > tour.WIDE_FIGURE
    assert Path(tour.__file__).name == "tour.py"
