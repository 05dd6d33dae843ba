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
