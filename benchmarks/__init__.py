"""The benchmark (``make bench``; ``benchmarks/run.py`` is its command line) and the one harness that starts and stops
Voila servers for it and for the tests (:mod:`benchmarks.harness`). Not shipped: nothing a deployment runs imports it.
"""
