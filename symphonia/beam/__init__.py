"""Dataset creation on Apache Beam: the ``--pipeline_options`` path of the data commands.

Optional (``pip install "symphonia[beam]"``): the local multiprocessing path
stays the default and never imports Beam. The pipelines run the very
functions the local path runs on each file and each sequence, so they give
the same records (same ids, same train / eval split) and the same
statistics, kept as Beam counters; only the order of records and their
sharding differ.
"""
