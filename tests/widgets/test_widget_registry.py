"""Every widget named in radcourse.widgets resolves to an ipywidgets class, imported lazily."""

import subprocess
import sys

import ipywidgets
import pytest

import radcourse.widgets as widgets


@pytest.mark.parametrize("name", widgets.__all__)
def test_each_widget_resolves(name):
    cls = getattr(widgets, name)
    assert issubclass(cls, ipywidgets.DOMWidget)
    assert name in dir(widgets)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute"):
        widgets.NoSuchWidget  # noqa: B018


def test_course_map_does_not_import_heavy_libraries():
    code = ("import sys; from radcourse.widgets import CourseMap; "
            "print(sorted(m for m in ('sklearn', 'matplotlib', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


BUILDERS = {
    "BiasExplorer": lambda cls: cls.from_dataset("cxr_triage"),
    "CourseMap": lambda cls: cls(),
    "DiagnosticAccuracyExplorer": lambda cls: cls.from_binormal(d_prime=2.0),
    "GlossaryBrowser": lambda cls: cls(),
    "PathwayMapper": lambda cls: cls(),
}


@pytest.mark.parametrize("name", widgets.__all__)
def test_no_tooltip_without_a_description(name):
    """ipywidgets 8.1 fails to render a view whose tooltip is set but description is not
    (issue #3860): the learner sees a JavaScript error instead of the control."""
    root = BUILDERS[name](getattr(widgets, name))
    broken = [type(w).__name__ for w in _walk(root)
              if getattr(w, "tooltip", None) and not getattr(w, "description", None)]
    assert not broken, f"{name}: tooltip without description on {broken}"
