"""Readers for the corpus formats beyond `.txt`, `.md` and `.jsonl` (see `reading`):
CSV/TSV tables with one article per row, saved web pages, and Europresse exports.

Each reader yields `reading.Document`s and reports a broken row or page in one warning
line naming the file and the place, then goes on with the rest.
"""
