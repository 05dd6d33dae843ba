"""Course widgets (ipywidgets). Each wraps pure functions from ``radcourse``; see STYLE.md.

Widgets are imported on first use, so a notebook that needs one widget does not pay for the
imports of all the others (matplotlib, scikit-learn …): keeping kernel start-up quick on Binder.
"""

from importlib import import_module

_WIDGETS = {
    "BiasExplorer": "radcourse.widgets.bias",
    "CourseMap": "radcourse.widgets.course_map",
    "DiagnosticAccuracyExplorer": "radcourse.widgets.accuracy",
    "GlossaryBrowser": "radcourse.widgets.glossary",
    "PathwayMapper": "radcourse.widgets.pathway_mapper",
}

__all__ = sorted(_WIDGETS)


def __getattr__(name: str):
    if name in _WIDGETS:
        return getattr(import_module(_WIDGETS[name]), name)
    raise AttributeError(f"module 'radcourse.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WIDGETS))
