"""radcourse: support package for the course "AI in clinical imaging and radiotherapy".

Notebooks import from the submodules by name (``from radcourse.data import load_screening``);
all reusable logic lives here so that it can be unit-tested without a browser.
"""

__version__ = "0.1.0"
