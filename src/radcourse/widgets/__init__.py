"""Course widgets (ipywidgets). Each wraps pure functions from ``radcourse``; see STYLE.md."""

from radcourse.widgets.accuracy import DiagnosticAccuracyExplorer
from radcourse.widgets.course_map import CourseMap

__all__ = ["CourseMap", "DiagnosticAccuracyExplorer"]
