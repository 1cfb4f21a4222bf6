"""Europresse HTML exports: one file holds many articles, each an `<article>` element
with its publication, date line, title, text and document number.

The date comes from the header line ("International, mardi 6 juin 2023 812 mots, p. 3"),
or else from the document number ("news·20230606·LM·…"); the publication name is the
header's first part ("Le Monde, no. 24405" is "Le Monde").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html

from entity_graph.pipeline.formats.dates import find_date
from entity_graph.pipeline.reading import Document, calendar_date, no_lone_surrogates

log = logging.getLogger("entity_graph")

_MARKERS = ("rdp__DocPublicationName", "docOcurrContainer", "publiC-lblNodoc")
_NUMBER_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def is_europresse(html: str) -> bool:
    """Whether a page is a Europresse export (by the class names it always has)."""
    return any(marker in html for marker in _MARKERS)


def _class(name: str) -> str:
    return f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def _first_text(article: lxml.html.HtmlElement, name: str) -> str:
    found = article.xpath(_class(name))
    return " ".join(found[0].text_content().split()) if found else ""


def _paragraphs(block: lxml.html.HtmlElement) -> list[str]:
    paragraphs = [" ".join(p.text_content().split()) for p in block.iter("p")]
    paragraphs = [p for p in paragraphs if p]
    return paragraphs or [" ".join(block.text_content().split())]


def read_europresse(file: Path, html: str) -> Iterator[Document]:
    """Every article of an export, each a document with its own title, source and date;
    the text is the title, then the article's paragraphs."""
    name = str(file)
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError) as error:
        log.warning("%s: cannot parse the export (%s), skipped", name, error)
        return
    for number, article in enumerate(tree.iter("article"), start=1):
        where = f"{name}:article {number}"
        body = article.xpath(_class("DocText")) or article.xpath(_class("docOcurrContainer"))
        paragraphs = _paragraphs(body[0]) if body else []
        if not any(paragraphs):
            log.warning("%s: no article text, skipped", where)
            continue
        title = _first_text(article, "titreArticle")
        number_text = _first_text(article, "publiC-lblNodoc")
        date = find_date(_first_text(article, "DocHeader"))
        digits = _NUMBER_DATE.search(number_text)
        if date is None and digits:
            date = calendar_date("-".join(digits.groups()))
        source = _first_text(article, "DocPublicationName").split(",")[0].strip()
        text = "\n\n".join([title, *paragraphs] if title else paragraphs)
        yield Document(id=number_text or f"{file.name}:{number}",
                       text=no_lone_surrogates(text, where), date=date,
                       title=title or None, source=source or None, path=where,
                       format="europresse")
