"""Course benchmarks: ``python benchmarks/run.py`` (``make bench``). See benchmarks/README.md."""
