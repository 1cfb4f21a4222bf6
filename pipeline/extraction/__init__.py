"""Text to mentions: load the smallest spaCy pipeline that does the job, register our
components, stream documents through it and keep compact per-document records.

Everything in this folder and in `rules/` decides what a document's mentions are, so the
mention cache's fingerprint hashes the source of both folders (see `pipeline.cache`).
"""
