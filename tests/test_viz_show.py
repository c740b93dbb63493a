"""viz.show: a lesson's figures inline in a notebook, their paths in a script."""

import tinygrad_edu as tg
from tinygrad_edu import viz
from tinygrad_edu.viz.show import Shown

PNG_400 = b"\x89PNG\r\n\x1a\n" + bytes(8) + (400).to_bytes(4, "big") + (300).to_bytes(4, "big")


def lesson_result(tmp_path):
    png, svg = tmp_path / "loss.png", tmp_path / "graph.svg"
    png.write_bytes(PNG_400)
    svg.write_text('<?xml version="1.0"?>\n<svg width="10pt"><g id="x"></g></svg>')
    a = tg.tensor(2.0, requires_grad=True)
    return {"figures": [png, svg, tmp_path / "gone.png"], "captions": {"loss.png": "It falls."},
            "stepper": viz.step_backward(a * a)}


def test_html_embeds_every_figure_under_its_caption(tmp_path):
    result = lesson_result(tmp_path)
    page = Shown(result)._repr_html_()
    assert page.count("<figure") == 2  # the missing file is left out
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in page and "<b>Figure 1.</b> It falls." in page
    assert '<svg width="10pt">' in page and "<?xml" not in page and "<b>Figure 2.</b> Graph." in page
    assert 'class="tg-stepper"' in page
    lines = [f"{tmp_path / 'loss.png'}: It falls.", f"{tmp_path / 'graph.svg'}: Graph."]
    assert repr(Shown(result)).splitlines() == lines


def test_in_a_script_it_prints_the_paths(tmp_path, capsys):
    result = lesson_result(tmp_path)
    assert viz.show(result) is None
    assert capsys.readouterr().out == f"figures: {tmp_path / 'loss.png'} {tmp_path / 'graph.svg'}\n"
