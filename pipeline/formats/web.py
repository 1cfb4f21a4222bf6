"""A saved web page: the article's text, title and date, without the navigation, ads and
comments around it, extracted by trafilatura (the reference extractor in French text
mining; see the README's Input section for how it compared on real-shaped pages).

The text a page gives is the text the mentions' offsets refer to; `documents.csv` keeps
it, since it is in no file of the corpus.
"""

from __future__ import annotations

import logging
from pathlib import Path

from entity_graph.pipeline.reading import Document, calendar_date, no_lone_surrogates

log = logging.getLogger("entity_graph")


def read_web_page(file: Path, root: Path, html: str) -> Document | None:
    """The article of one saved page, or None (with a warning) when it has none."""
    from trafilatura import bare_extraction  # imported when a page is met: 0.3 s

    name = str(file)
    try:
        found = bare_extraction(html, with_metadata=True, include_comments=False,
                                include_tables=False)
    except Exception as error:  # a parser failure on one hostile page must not stop a run
        log.warning("%s: cannot read the page (%s), skipped", name, type(error).__name__)
        return None
    text = getattr(found, "text", None) if found is not None else None
    if not text or not text.strip():
        log.warning("%s: no article text found in the page, skipped", name)
        return None
    doc_id = file.relative_to(root).as_posix() if file != root else file.name
    return Document(id=doc_id, text=no_lone_surrogates(text, name),
                    date=calendar_date(getattr(found, "date", None)),
                    title=getattr(found, "title", None) or None,
                    source=getattr(found, "sitename", None) or None, path=name,
                    format="html")
