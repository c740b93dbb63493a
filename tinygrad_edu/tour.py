"""The tour: run every lesson of the curriculum and write one HTML page that walks through them.

`build_tour(out_dir)` writes out_dir/index.html plus one folder per lesson with
its figures; the page refers to them by relative paths, uses no network and
no JavaScript, so the folder can be zipped, mailed and opened anywhere.
"""

from __future__ import annotations

import html
import time
import traceback
from pathlib import Path

from .curriculum import LESSONS, Lesson
from .curriculum.common import Log, out_folder

CSS = """
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #fafbfc;
       max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.9em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #dde3ea; padding-bottom: 4px; }
nav ol { columns: 2; } section { margin: 36px 0; } p.lead { color: #4a5568; }
figure { display: inline-block; margin: 8px; vertical-align: top; max-width: 460px; }
figure img { max-width: 100%; border: 1px solid #e2e8f0; border-radius: 6px; background: white; }
figure.wide { max-width: 100%; display: block; }
figcaption { font-size: 0.85em; color: #4a5568; text-align: center; }
table { border-collapse: collapse; margin: 12px 0; font-size: 0.92em; }
th, td { border: 1px solid #dde3ea; padding: 4px 10px; text-align: right; }
th { background: #edf2f7; } pre { background: #1d2330; color: #e2e8f0; padding: 12px; border-radius: 6px;
overflow-x: auto; font-size: 0.82em; } .error { color: #c53030; } code { background: #edf2f7; padding: 1px 4px; }
.meta { color: #718096; font-size: 0.85em; }
"""


def build_tour(out_dir, seed: int = 0, quick: bool = True, log: Log = print,
               progress_bar: bool = False) -> tuple[Path, list[str]]:
    """Run every lesson into out_dir/<NN_name>/ and write out_dir/index.html.

    Returns the page's path and a list of lessons that failed (each also shown
    on the page with its error, so one broken lesson does not hide the rest).
    """
    out = out_folder(out_dir, "tour")
    sections, failures = [], []
    for lesson in LESSONS:
        lines: list[str] = []
        started = time.perf_counter()
        log(f"[{lesson.number}/{len(LESSONS)}] {lesson.title} ...")
        try:
            result = lesson.load().run(quick=quick, out_dir=out / lesson.folder, seed=seed,
                                       log=collect(lines),
                                       progress_bar=progress_bar)
            error = None
        except OSError:
            raise  # an unwritable folder is the user's to fix, not a lesson failure
        except Exception as err:  # show it on the page and carry on with the next lesson
            result, error = {"figures": []}, "".join(traceback.format_exception_only(type(err), err)).strip()
            lines.append(traceback.format_exc())
            failures.append(f"lesson {lesson.number} ({lesson.example}) failed: {error}")
        sections.append(render_section(lesson, result, lines, error, out, time.perf_counter() - started))
    index = out / "index.html"
    index.write_text(render_page(sections, quick), encoding="utf-8")
    return index, failures


def collect(lines: list[str]) -> Log:
    """A `log` that appends what would be printed to `lines`."""
    def log(*parts) -> None:
        lines.append(" ".join(str(p) for p in parts))
    return log


def render_page(sections: list[str], quick: bool) -> str:
    toc = "".join(f'<li><a href="#lesson-{lesson.number}">{html.escape(lesson.title)}</a></li>' for lesson in LESSONS)
    mode = "quick mode (fewer epochs)" if quick else "full training"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>tinygrad_edu: the tour</title><style>{CSS}</style></head><body>"
        "<h1>tinygrad_edu: the tour</h1>"
        "<p class=\"lead\">From one neuron to a convolutional network, built on a small autograd engine "
        "written in NumPy with PyTorch's API. Each section below is one script in <code>examples/</code>, "
        f"run just now in {mode}; every number and picture on this page came from that run.</p>"
        f"<nav><ol>{toc}</ol></nav>{''.join(sections)}</body></html>\n")


def render_section(lesson: Lesson, result: dict, lines: list[str], error: str | None, out: Path,
                   seconds: float) -> str:
    parts = [f'<section id="lesson-{lesson.number}"><h2>{lesson.number}. {html.escape(lesson.title)}</h2>',
             f"<p>{html.escape(lesson.summary)}</p>",
             f'<p class="meta">examples/{lesson.example} · <code>tinygrad-edu {lesson.command}</code> · '
             f"{seconds:.1f} s</p>"]
    if error:
        parts.append(f'<p class="error">This lesson failed: {html.escape(error)}</p>')
    tables = [result[key] for key in ("table", "new_table") if key in result]
    shown = {line for data in tables for line in data.get("text", [])}
    lines = [line for line in lines if line not in shown]  # the tables are drawn as HTML below
    if lines:
        parts.append("<pre>" + html.escape("\n".join(lines)) + "</pre>")
    parts += [render_table(data) for data in tables]
    parts += [render_figure(Path(figure), out) for figure in result["figures"]]
    return "".join(parts) + "</section>"


def render_table(data: dict) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in data["headers"])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in data["rows"])
    return f"<table><tr>{head}</tr>{body}</table>"


def render_figure(path: Path, out: Path) -> str:
    """An <img> by relative path; a .dot graph (Graphviz not installed) is shown as its source."""
    relative = path.resolve().relative_to(out.resolve()).as_posix()
    caption = html.escape(path.name)
    if path.suffix == ".dot":
        source = html.escape(path.read_text(encoding="utf-8"))
        return (f'<figure class="wide"><figcaption>{caption}: install Graphviz to see this graph as a picture '
                f"(then: dot -Tsvg {caption} -o graph.svg)</figcaption><pre>{source}</pre></figure>")
    wide = ' class="wide"' if path.suffix == ".svg" else ""
    return (f'<figure{wide}><img src="{html.escape(relative)}" alt="{caption}" loading="lazy">'
            f"<figcaption>{caption}</figcaption></figure>")
