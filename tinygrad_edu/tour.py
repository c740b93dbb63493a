"""The tour: run every lesson of the curriculum and write one HTML page that walks through them.

`build_tour(out_dir)` writes out_dir/index.html plus one folder per lesson with
its figures; the page refers to them by relative paths and uses no network, so
the folder can be zipped, mailed and opened anywhere.

Each lesson section reads like a textbook page:
  - the lesson's own introduction (the first text cell of its examples/NN_*.py file),
  - then what the lesson printed, in the order it printed it: lines of text, its tables
    (the `table()` results it returns, drawn as HTML where they were printed) and its
    figures (placed by the time each file was written), each figure at a readable size,
    a click away from full size, with a caption saying what to look at,
  - for lessons 7 and 9, the backward pass to click through (viz.step_backward).
A caption comes from the lesson's result (`result["captions"][file name]`: the lesson
knows what its figure shows), else from the file's name.
"""

from __future__ import annotations

import html
import re
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .curriculum import LESSONS, Lesson
from .curriculum.common import Log, out_folder
from .notebooks import REPO, read_cells
from .viz.stepper import Stepper, step_backward

CSS = """
body { font: 17px/1.6 Georgia, "Times New Roman", serif; color: #1d2330; background: #fcfcfa;
       max-width: 900px; margin: 0 auto; padding: 24px 28px 80px; }
h1, h2, h3, nav, figcaption, table, .meta, button { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 2em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #dde3ea; padding-bottom: 4px;
     margin-top: 2.4em; } h3 { font-size: 1.05em; }
nav ol { columns: 2; font-size: 0.95em; } p.lead { color: #4a5568; }
figure { margin: 22px 0; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 18px; align-items: start; }
.grid figure { margin: 12px 0; }
.wide { width: min(1240px, calc(100vw - 40px)); position: relative; left: 50%; transform: translateX(-50%); }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e2e8f0;
     border-radius: 6px; background: white; margin: 0 auto; }
figure .scroll { overflow: auto; max-height: 640px; border: 1px solid #e2e8f0; border-radius: 6px;
     background: white; } figure .scroll img { max-width: none; border: 0; margin: 0; }
figcaption { font-size: 0.88em; color: #2d3748; margin-top: 6px; }
figcaption .file { color: #718096; } figcaption a { color: #2b6cb0; }
.tablewrap { overflow-x: auto; } table { border-collapse: collapse; margin: 12px 0; font-size: 0.88em; }
th, td { border: 1px solid #dde3ea; padding: 4px 10px; text-align: right; } th { background: #edf2f7; }
pre { background: #1d2330; color: #e2e8f0; padding: 10px 12px; border-radius: 6px; font-size: 0.8em;
      white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.45; }
.intro pre { background: #f1f4f8; color: #1d2330; }
code { background: #edf2f7; padding: 1px 4px; border-radius: 3px; font-size: 0.9em; }
pre code { background: none; padding: 0; }
.error { color: #c53030; } .meta { color: #718096; font-size: 0.85em; }
.stepper { margin: 22px 0; }
"""


@dataclass
class Block:
    """One piece of a lesson's output, in order: kind is "text", "table", "figure", "stepper" or "error"."""
    kind: str
    content: object
    time: float


def build_tour(out_dir, seed: int = 0, quick: bool = True, log: Log = print,
               progress_bar: bool = False) -> tuple[Path, list[str]]:
    """Run every lesson into out_dir/<NN_name>/ and write out_dir/index.html.

    Returns the page's path and a list of lessons that failed (each also shown
    on the page with its error, so one broken lesson does not hide the rest).
    """
    out = out_folder(out_dir, "tour")
    sections, failures = [], []
    for lesson in LESSONS:
        blocks: list[Block] = []
        started = time.perf_counter()
        log(f"[{lesson.number}/{len(LESSONS)}] {lesson.title} ...")
        error = None
        try:
            module = lesson.load()
            result = module.run(quick=quick, out_dir=out / lesson.folder, seed=seed, log=collect(blocks),
                                progress_bar=progress_bar)
            blocks = ordered(blocks, result)
            blocks += steppers(lesson, module, result, seed)
        except OSError:
            raise  # an unwritable folder is the user's to fix, not a lesson failure
        except Exception as err:  # show it on the page and carry on with the next lesson
            error = "".join(traceback.format_exception_only(type(err), err)).strip()
            blocks.append(Block("error", traceback.format_exc(), time.time()))
            failures.append(f"lesson {lesson.number} ({lesson.example}) failed: {error}")
        sections.append(render_section(lesson, blocks, error, out, time.perf_counter() - started))
    index = out / "index.html"
    index.write_text(render_page(sections, quick), encoding="utf-8")
    return index, failures


def collect(blocks: list[Block]) -> Log:
    """A `log` that records each printed line, with the time it was printed."""
    def log(*parts) -> None:
        blocks.append(Block("text", " ".join(str(p) for p in parts), time.time()))
    return log


# ---------------------------------------------------------------- putting the output in order

def ordered(blocks: list[Block], result: dict) -> list[Block]:
    """The printed lines with each table in place of the lines that printed it, and each figure after
    the last line printed before its file was written."""
    for data in tables_in(result):
        blocks = replace_lines(blocks, data)
    captions = result.get("captions", {}) if isinstance(result, dict) else {}
    for path in result.get("figures", []):
        path = Path(path)
        if path.exists():
            caption = captions.get(path.name)
            blocks.append(Block("figure", (path, caption), path.stat().st_mtime))
    return sorted(blocks, key=lambda b: b.time)  # stable: lines printed together stay together


def tables_in(result: dict) -> list[dict]:
    """Every table the lesson returned: a dict with headers, rows and the printed text lines."""
    return [value for value in result.values()
            if isinstance(value, dict) and {"headers", "rows", "text"} <= set(value)]


def replace_lines(blocks: list[Block], data: dict) -> list[Block]:
    """Swap the run of text blocks equal to the table's printed lines for one table block."""
    text = list(data["text"])
    for i in range(len(blocks) - len(text) + 1):
        window = blocks[i:i + len(text)]
        if all(b.kind == "text" and b.content == line for b, line in zip(window, text)):
            return blocks[:i] + [Block("table", data, window[0].time)] + blocks[i + len(text):]
    return blocks + [Block("table", data, blocks[-1].time if blocks else 0.0)]


def steppers(lesson: Lesson, module, result: dict, seed: int) -> list[Block]:
    """Steppers the lesson returned, or for lessons 7 and 9 one made here from the lesson's own code."""
    found = [Block("stepper", (value, None), time.time()) for value in result.values() if isinstance(value, Stepper)]
    if found:
        return found
    maker = STEPPERS.get(lesson.number)
    if maker is None:
        return []
    made = maker(module, seed)
    return [] if made is None else [Block("stepper", made, time.time())]


def expression_stepper(module, seed: int):
    """Lesson 9's c = a * b + a, stepped: a's two gradients meet at step 2."""
    if not hasattr(module, "expression"):
        return None
    _, _, c = module.expression()
    stepper = step_backward(c)
    return stepper, "Step through backward on c = a * b + a. " + where_paths_meet(stepper)


def where_paths_meet(stepper: Stepper) -> str:
    """'Watch step 2: a already holds 1, Mul sends -3, and the two paths add up to -2.' from the stepper's data."""
    for number, step in enumerate(stepper.steps, 1):
        for sent in step["sent"]:
            if sent["adds"]:
                return (f"Watch step {number}: {sent['to_label']} already holds {sent['before']}, {step['name']} sends "
                        f"{sent['grad']}, and the two paths add up to {sent['total']}.")
    return "No two paths meet in this graph."


def simple_nn_stepper(module, seed: int):
    """Lesson 7's SimpleNN (2 hidden units, untrained) on the four XOR points, one backward pass stepped."""
    import tinygrad_edu as tg
    if not hasattr(module, "SimpleNN"):
        return None
    tg.manual_seed(seed)
    net = module.SimpleNN(2, 2, 1, 1.0)
    X = tg.tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    y = tg.tensor(np.array([[0], [1], [1], [0]], dtype=np.float32))
    X.name, y.name = "X", "y"
    loss = ((net.forward(X) - y) ** 2).mean()
    loss.name = "loss"
    names = {value: name for name, value in vars(net).items() if isinstance(value, tg.Tensor) and value.requires_grad}
    return step_backward(loss, names=names), (
        "One backward pass of SimpleNN(2, 2, 1) on the four XOR points, node by node. Follow the gradient from "
        "the loss back to W2 and b2, then through the hidden sigmoid to W1 and b1; b2's gradient is summed over "
        "the four examples where the bias was broadcast.")


STEPPERS = {7: simple_nn_stepper, 9: expression_stepper}


# ---------------------------------------------------------------- HTML

def render_page(sections: list[str], quick: bool) -> str:
    toc = "".join(f'<li><a href="#lesson-{lesson.number}">{html.escape(lesson.title)}</a></li>' for lesson in LESSONS)
    mode = "quick mode (fewer epochs)" if quick else "full training"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>tinygrad_edu: the tour</title><style>{CSS}</style></head><body>"
        "<h1>tinygrad_edu: the tour</h1>"
        "<p class=\"lead\">From one neuron to a convolutional network, built on a small autograd engine "
        "written in NumPy with PyTorch's API. Each section below is one lesson in <code>examples/</code>, "
        f"run just now in {mode}; every number and picture on this page came from that run. Click a figure "
        "to open it full size.</p>"
        f"<nav><ol>{toc}</ol></nav>{''.join(sections)}</body></html>\n")


def render_section(lesson: Lesson, blocks: list[Block], error: str | None, out: Path, seconds: float) -> str:
    parts = [f'<section id="lesson-{lesson.number}"><h2>{lesson.number}. {html.escape(lesson.title)}</h2>',
             f'<div class="intro">{lesson_intro(lesson)}</div>',
             f'<p class="meta">examples/{lesson.example} · <code>tinygrad-edu {lesson.command}</code> · '
             f"{seconds:.1f} s</p>"]
    if error:
        parts.append(f'<p class="error">This lesson failed: {html.escape(error)}</p>')
    figure_number = 0
    for group in grouped(blocks):
        kind = group[0].kind
        if kind == "text":
            parts.append("<pre>" + html.escape("\n".join(block.content for block in group)) + "</pre>")
        elif kind == "table":
            parts.append(render_table(group[0].content))
        elif kind == "figure":
            halves: list[str] = []  # small plots in a row go two to a line
            for block in group:
                figure_number += 1
                path, caption = block.content
                figure = render_figure(path, out, caption, f"Figure {lesson.number}.{figure_number}.")
                if figure.startswith('<figure class="half"'):
                    halves.append(figure)
                    continue
                parts.append(in_grid(halves))
                parts.append(figure)
                halves = []
            parts.append(in_grid(halves))
        elif kind == "stepper":
            stepper, caption = group[0].content
            parts.append(f'<div class="stepper"><h3>Step through backward</h3><p>{html.escape(caption or "")}</p>'
                         f'<div class="wide">{stepper.html_fragment()}</div></div>')
        else:
            parts.append(f'<pre class="error">{html.escape(group[0].content)}</pre>')
    return "".join(parts) + "</section>"


def in_grid(figures: list[str]) -> str:
    """Small figures two to a line; a lone one stays at its own size."""
    if len(figures) < 2:
        return "".join(figures)
    return '<div class="grid">' + "".join(figures) + "</div>"


def grouped(blocks: list[Block]) -> list[list[Block]]:
    """Consecutive lines of text together (one <pre>), consecutive figures together (one row of small plots);
    every other block alone."""
    groups: list[list[Block]] = []
    for block in blocks:
        if groups and block.kind in ("text", "figure") and groups[-1][0].kind == block.kind:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def render_table(data: dict) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in data["headers"])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in data["rows"])
    return f'<div class="tablewrap"><table><tr>{head}</tr>{body}</table></div>'


def render_figure(path: Path, out: Path, caption: str | None = None, label: str = "") -> str:
    """A figure at a readable size linking to its full-size file, with its caption after `label`
    ("Figure 7.2."). Graphs (.svg) keep their natural size in a scrolling box; a .dot graph (no
    Graphviz) shows its source."""
    relative = html.escape(path.resolve().relative_to(out.resolve()).as_posix())
    name = html.escape(path.name)
    what = html.escape(caption) if caption else name_to_words(path.stem)
    if path.suffix == ".dot":
        source = html.escape(path.read_text(encoding="utf-8"))
        return (f"<figure><figcaption><b>{label}</b> {what} Install Graphviz to see this graph as a picture "
                f"(then: <code>dot -Tsvg {name} -o {html.escape(path.stem)}.svg</code>).</figcaption>"
                f"<details><summary>the graph's DOT source</summary><pre>{source}</pre></details></figure>")
    if path.suffix == ".html":
        return (f'<figure><iframe src="{relative}" style="width:100%;height:640px;border:1px solid #e2e8f0">'
                f'</iframe><figcaption><b>{label}</b> {what} <a href="{relative}">open on its own</a></figcaption>'
                "</figure>")
    image = f'<a href="{relative}" title="open full size"><img src="{relative}" alt="{what}" loading="lazy"></a>'
    kind = ""
    if path.suffix == ".svg":
        image, kind = f'<div class="scroll">{image}</div>', ' class="wide"'
    elif path.suffix == ".png" and png_width(path) <= SMALL_FIGURE:
        kind = ' class="half"'  # two small plots side by side, each at about its own size
    elif path.suffix == ".png" and png_width(path) > WIDE_FIGURE:
        kind = ' class="wide"'  # a strip of panels: as wide as the window allows
    return (f"<figure{kind}>{image}<figcaption><b>{label}</b> {what} "
            f'<span class="file">(<a href="{relative}">{name}</a>, full size)</span></figcaption></figure>')


SMALL_FIGURE = 600  # pixels: a plot this narrow shares the line with its neighbour
WIDE_FIGURE = 1000  # pixels: a figure this wide leaves the text column


def png_width(path: Path) -> int:
    """The width in pixels from a PNG's header (bytes 16-20 of the IHDR chunk); 0 if unreadable."""
    try:
        with open(path, "rb") as f:
            header = f.read(24)
    except OSError:
        return 0
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return 10**6
    return int.from_bytes(header[16:20], "big")


def name_to_words(stem: str) -> str:
    return html.escape(stem.replace("_", " ").capitalize() + ".")


# ---------------------------------------------------------------- the lesson's introduction

def lesson_intro(lesson: Lesson) -> str:
    """The first text cell of the lesson's file as HTML (its title line left out: the section has one),
    or the lesson's one-line summary when the file has none."""
    try:
        cells = read_cells(getattr(lesson, "path", None) or REPO / "examples" / lesson.example)
    except OSError:  # the lesson files are not where a checkout keeps them: the summary will do
        cells = []
    text = next((cell.source for cell in cells if cell.kind == "markdown"), None)
    if text is None:
        return f"<p>{html.escape(lesson.summary)}</p>"
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return markdown(drop_run_line("\n".join(lines)))


def drop_run_line(text: str) -> str:
    """The intro's closing 'Run it: ...' or 'The code: ...' line: the page's meta line says it."""
    kept = [p for p in text.split("\n\n") if not re.match(r"\s*(Run it|The code|python examples)", p)]
    return "\n\n".join(kept)


def markdown(text: str) -> str:
    """The little Markdown the lessons use: paragraphs, #/## headings, - lists, indented code,
    `code`, **bold**, *italic*."""
    parts = []
    for paragraph in code_blocks_joined(re.split(r"\n\s*\n", text.strip("\n"))):
        lines = paragraph.splitlines()
        if is_code(lines):
            parts.append("<pre><code>" + html.escape("\n".join(line[4:] for line in lines)) + "</code></pre>")
        elif lines[0].startswith("#"):
            level = min(len(lines[0]) - len(lines[0].lstrip("#")) + 2, 4)
            parts.append(f"<h{level}>{inline(lines[0].lstrip('#').strip())}</h{level}>")
            if lines[1:]:
                parts.append(markdown("\n".join(lines[1:])))
        elif all(re.match(r"\s*[-*] ", line) or line.startswith("  ") for line in lines):
            items = re.split(r"\n\s*[-*] ", "\n" + paragraph.strip())[1:]
            parts.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
        else:
            parts.append(f"<p>{inline(' '.join(line.strip() for line in lines))}</p>")
    return "".join(parts)


def is_code(lines: list[str]) -> bool:
    return all(line.startswith("    ") or not line.strip() for line in lines)


def code_blocks_joined(paragraphs: list[str]) -> list[str]:
    """Indented code paragraphs that follow each other become one block (the blank line kept)."""
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and is_code(paragraph.splitlines()) and is_code(joined[-1].splitlines()):
            joined[-1] += "\n\n" + paragraph
        else:
            joined.append(paragraph)
    return joined


def inline(text: str) -> str:
    pieces = re.split(r"(`[^`]+`)", text)
    out = []
    for piece in pieces:
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(f"<code>{html.escape(piece[1:-1])}</code>")
        else:
            piece = html.escape(piece)
            piece = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", piece)
            piece = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", piece)
            out.append(piece)
    return "".join(out)
