"""The `tinygrad-edu` command: xor and the tour write what they promise; bad input fails clearly."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tinygrad_edu.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REPO = Path(__file__).resolve().parent.parent
# Subprocesses import this checkout's tinygrad_edu, whatever copy is installed.
CHECKOUT_ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def check_graph(folder: Path, stem: str = "graph") -> Path:
    """graph.svg when Graphviz's dot is installed, else graph.dot (save_graph's fallback)."""
    svg, dot = folder / f"{stem}.svg", folder / f"{stem}.dot"
    if svg.exists():
        assert "<svg" in svg.read_text()
        return svg
    assert dot.exists(), f"neither {svg} nor {dot} was written"
    assert dot.read_text().lstrip().startswith(("digraph", "strict digraph"))
    return dot


def check_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG"


def test_xor_writes_every_file_and_prints_the_table(tmp_path, capsys):
    assert main(["xor", "--out", str(tmp_path), "--seed", "0"]) == 0
    for name in ("loss.png", "decision_boundary.png", "predictions.png"):
        check_png(tmp_path / name)
    check_graph(tmp_path)
    out = capsys.readouterr().out
    assert "prediction" in out and "target" in out and "final loss" in out
    rows = re.findall(r"^\s*([01]) ([01])\s+([0-9.]+)\s+([01])\s+(yes|NO)", out, re.M)
    assert len(rows) == 4
    assert all(correct == "yes" for *_, correct in rows)  # XOR solved with the defaults


def test_xor_options_and_quiet(tmp_path, capsys):
    assert main(["xor", "--out", str(tmp_path), "--epochs", "50", "--lr", "0.5", "--hidden", "3", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    check_png(tmp_path / "loss.png")


def test_python_dash_m_runs_xor(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu", "xor", "--quick", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=CHECKOUT_ENV)
    assert done.returncode == 0, done.stderr
    assert "final loss" in done.stdout
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal
    check_png(tmp_path / "loss.png")


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    code = main(["tour", "--out", str(out), "--quiet"])
    return code, out


def test_tour_writes_one_page_whose_images_all_exist(tour):
    code, out = tour
    assert code == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    names = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", page)  # SVG namespaces are names, not fetches
    assert "http://" not in names and "https://" not in names  # self-contained: no network
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) >= 8
    for source in sources:
        path = out / source
        assert path.is_file(), f"index.html refers to {source}, which is missing"
        if path.suffix == ".png":
            check_png(path)
        else:
            assert path.suffix == ".svg" and "<svg" in path.read_text()


def test_tour_walks_through_every_lesson_in_order(tour):
    from tinygrad_edu.curriculum import LESSONS
    _, out = tour
    page = (out / "index.html").read_text(encoding="utf-8")
    positions = [page.index(f'id="lesson-{lesson.number}"') for lesson in LESSONS]
    assert positions == sorted(positions)
    assert "This lesson failed" not in page
    assert page.count("<table>") >= 5


@pytest.mark.parametrize("argv", [["xor", "--quick"], ["--help"]])
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path, argv):
    """`tinygrad-edu xor | head -1`, made certain: the reading end is closed before the first write."""
    proc = subprocess.Popen([sys.executable, "-m", "tinygrad_edu", *argv, "--out", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=CHECKOUT_ENV)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    code = proc.wait(timeout=120)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr and "Broken pipe" not in stderr, stderr
    assert code == (0 if argv == ["--help"] else 1)


def test_piping_into_head_prints_nothing_on_stderr(tmp_path):
    done = subprocess.run(f'"{sys.executable}" -m tinygrad_edu xor --quick --out "{tmp_path}" | head -1',
                          shell=True, capture_output=True, text=True, timeout=120, env=CHECKOUT_ENV)
    assert done.stdout.startswith("SimpleNN") and done.stderr == ""


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "tour" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["xor", "--epochs", "many"], ["xor", "--epochs", "0"], ["xor", "--lr", "-1"], ["xor", "--hidden", "2.5"],
    ["xor", "--no-such-option"], ["no-such-command"], ["activations", "--epochs", "3"], ["tour", "--seed", "x"],
    ["gradients", "--depth", "301"], ["gradients", "--depth", "1"],
])
def test_bad_arguments_exit_2_with_argparse_message(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_out_under_a_file_fails_with_one_line_naming_it(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    target = blocker / "out"
    assert main(["xor", "--out", str(target), "--epochs", "5"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(target) in err
    assert main(["tour", "--out", str(target)]) != 0
    assert str(target) in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write into read-only folders")
def test_out_in_a_read_only_folder_fails(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["xor", "--out", str(locked / "out"), "--epochs", "5"]) != 0
        assert str(locked / "out") in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from tinygrad_edu.curriculum.common import progress
    steps = range(3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert progress(steps, True, "x") is steps
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress(steps, False, "x") is steps  # --quiet
    bar = progress(steps, True, "x")
    assert bar is not steps and list(bar) == [0, 1, 2]


def test_xor_without_graphviz_writes_dot_with_a_hint_naming_the_file(tmp_path, monkeypatch, capsys):
    import shutil
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    assert main(["xor", "--out", str(tmp_path), "--epochs", "20"]) == 0
    assert not (tmp_path / "graph.svg").exists()
    assert check_graph(tmp_path).suffix == ".dot"
    out = capsys.readouterr().out
    hint = next(line for line in out.splitlines() if "Graphviz" in line)
    assert str(tmp_path / "graph.dot") in hint
    assert f"dot -Tsvg {tmp_path / 'graph.dot'} -o {tmp_path / 'graph.svg'}" in hint
    assert main(["xor", "--out", str(tmp_path), "--epochs", "20", "--quiet"]) == 0
    assert capsys.readouterr().out == ""  # --quiet is quiet, dot or no dot


def test_graph_lesson_without_dot_on_the_path(tmp_path):
    """A real machine without Graphviz: PATH holds python's folder but no `dot`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {**CHECKOUT_ENV, "PATH": str(bin_dir), "MPLBACKEND": "Agg"}
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu", "graph", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == ["expression_after.dot", "expression_before.dot",
                                                      "network_after.dot", "network_before.dot"]
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu", "graph", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, env=env)
    for stem in ("expression_before", "network_after"):
        assert f"dot -Tsvg {out / stem}.dot -o {out / stem}.svg" in done.stdout


def test_tour_shows_a_dot_graph_as_source(tmp_path):
    from tinygrad_edu.tour import render_figure
    dot = tmp_path / "lesson" / "graph.dot"
    dot.parent.mkdir()
    dot.write_text('digraph { a -> b [label="<x>"] }')
    html = render_figure(dot, tmp_path)
    assert "<img" not in html and "digraph" in html and "&lt;x&gt;" in html
    png = tmp_path / "lesson" / "loss.png"
    assert 'src="lesson/loss.png"' in render_figure(png, tmp_path)


def test_a_lesson_help_names_its_file(capsys):
    with pytest.raises(SystemExit):
        main(["gradients", "--help"])
    out = capsys.readouterr().out
    assert "examples/06_vanishing_exploding.py" in out and "--depth" in out
