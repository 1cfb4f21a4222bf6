"""Stream documents through spaCy and keep only compact per-document records.

A `DocRecord` holds what the graph stage needs (mentions with their sentence, paragraph
and token positions, and the text of the sentences that name an entity, as evidence for
links) and nothing else: the spaCy `Doc` and the document text are dropped as soon as
the record is made.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from entity_graph.pipeline.extraction.normalize import Composed, compose, normalize_typography
from entity_graph.pipeline.extraction.relations import SentenceRelation
from entity_graph.pipeline.reading import Document, calendar_date

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")


class RecordMention(NamedTuple):
    """A mention as stored: offsets into the document text, surface text, resolved name."""

    start: int
    end: int
    text: str
    label: str
    name: str
    sentence: int
    paragraph: int = 0
    token: int = 0  # index of the mention's first token, for token windows
    common: bool = False  # see `entity_graph.pipeline.rules.document_aliases.Mention.common`
    own: str = ""  # see `entity_graph.pipeline.rules.document_aliases.Mention.own`
    cue: str = ""  # see `entity_graph.pipeline.rules.document_aliases.Mention.cue`


@dataclass
class Extraction:
    """What the NLP found in one text: all that depends on the text alone (and so all
    that the cache keeps)."""

    words: int = 0
    tokens: int = 0
    sentence_count: int = 0
    paragraph_count: int = 0
    mentions: list[RecordMention] = field(default_factory=list)
    # Text of each sentence that names an entity: evidence for links.
    sentences: dict[int, str] = field(default_factory=dict)
    # What the parse says links two mentions (built with `relations` only).
    relations: list[SentenceRelation] = field(default_factory=list)


@dataclass
class DocRecord:
    """What one document contributes to the graph: its metadata and its `Extraction`."""

    id: str
    date: str | None
    title: str | None
    source: str | None
    path: str
    offset: int
    words: int
    mentions: list[RecordMention]
    # Text of each sentence that names an entity: evidence for links.
    sentences: dict[int, str] = field(default_factory=dict)
    sentence_count: int = 0
    paragraph_count: int = 0
    tokens: int = 0
    relations: list[SentenceRelation] = field(default_factory=list)


def _tidy_sentence(text: str) -> str:
    """One-line sentence, without the quote marks the splitter leaves on the wrong side."""
    return " ".join(text.split()).removeprefix("» ").removesuffix(" «").removesuffix(' "')


def clean_date(value: str | None) -> str | None:
    """An ISO calendar date (YYYY, YYYY-MM or YYYY-MM-DD), or None for anything else
    ("NA", "2023-13").

    >>> clean_date("1908-06-23"), clean_date("2023-06"), clean_date("NA"), clean_date("2023-13")
    ('1908-06-23', '2023-06', None, None)
    """
    return calendar_date(value)


def _index(starts: list[int], offset: int) -> int:
    return max(bisect_right(starts, offset) - 1, 0)


def to_extraction(doc: Doc, text: str) -> Extraction:
    """Turn a processed `Doc` into an `Extraction`, reading surface text from `text`, the
    original that `doc` was made from (after one-for-one typography fixes)."""
    # Imported here: it imports spaCy, which reading records from the cache never needs.
    from entity_graph.pipeline.extraction.doc_arrays import (
        count_words,
        sentence_starts,
        token_starts,
    )

    sentences_at = sentence_starts(doc)
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    tokens_at = token_starts(doc)
    mentions = [
        RecordMention(m.start, m.end, text[m.start:m.end], m.label, m.name,
                      _index(sentences_at, m.start), _index(paragraph_starts, m.start),
                      _index(tokens_at, m.start), m.common, m.own, m.cue)
        for m in doc._.mentions
    ]
    sentences = {}
    for number in sorted({mention.sentence for mention in mentions}):
        start = sentences_at[number]
        end = sentences_at[number + 1] if number + 1 < len(sentences_at) else len(text)
        sentences[number] = _tidy_sentence(text[start:end])
    return Extraction(
        words=count_words(doc), tokens=len(doc), sentence_count=len(sentences_at),
        paragraph_count=len(paragraph_starts), mentions=mentions, sentences=sentences,
        relations=list(doc._.relations or []))


def to_record(document: Document, extraction: Extraction) -> DocRecord:
    """A document's metadata and its extraction, as one record."""
    return DocRecord(
        id=document.id, date=clean_date(document.date), title=document.title,
        source=document.source, path=document.path, offset=document.offset,
        words=extraction.words, mentions=extraction.mentions, sentences=extraction.sentences,
        sentence_count=extraction.sentence_count, paragraph_count=extraction.paragraph_count,
        tokens=extraction.tokens, relations=extraction.relations)


# Where a long text may be cut, best first: a paragraph break, a line break, the end of a
# sentence, a space.
_CUTS = (_PARAGRAPH_BREAK, re.compile(r"\n"), re.compile(r"[.!?»] "), re.compile(r"\s"))


def piece_starts(text: str, limit: int) -> list[int]:
    """Where to cut `text` into pieces of at most `limit` characters (spaCy refuses longer
    texts): at the last paragraph break before the limit, else a line break, a
    sentence end, a space, else anywhere.

    >>> piece_starts("Un. Deux.\\n\\nTrois quatre.", 16)
    [0, 11]
    >>> piece_starts("abcdefgh", 3)
    [0, 3, 6]
    """
    starts = [0]
    while len(text) - starts[-1] > limit:
        start = starts[-1]
        window = text[start:start + limit]
        cut = limit
        for pattern in _CUTS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() < limit]
            if ends and ends[-1] > 0:
                cut = ends[-1]
                break
        starts.append(start + cut)
    return starts


def merge_pieces(pieces: list[tuple[int, Extraction]]) -> Extraction:
    """One `Extraction` from those of consecutive pieces of a text, each given with the
    offset where it starts: offsets, sentence, paragraph and token numbers made the
    whole text's."""
    whole = Extraction()
    for offset, part in pieces:
        sentences, paragraphs, tokens = (whole.sentence_count, whole.paragraph_count,
                                         whole.tokens)
        whole.relations += [r._replace(subject=r.subject + len(whole.mentions),
                                       object=r.object + len(whole.mentions),
                                       sentence=r.sentence + sentences,
                                       start=r.start + offset, end=r.end + offset)
                            for r in part.relations]
        whole.mentions += [m._replace(start=m.start + offset, end=m.end + offset,
                                      sentence=m.sentence + sentences,
                                      paragraph=m.paragraph + paragraphs,
                                      token=m.token + tokens) for m in part.mentions]
        whole.sentences.update({number + sentences: text
                                for number, text in part.sentences.items()})
        whole.words += part.words
        whole.tokens += part.tokens
        whole.sentence_count += part.sentence_count
        whole.paragraph_count += part.paragraph_count
    return whole


def extract_texts(nlp: Language, texts: Iterable[str], *, batch_size: int = 32,
                  ) -> Iterator[Extraction]:
    """Run `nlp` over the texts as a stream and yield one `Extraction` per text. A text
    longer than `nlp.max_length` is cut into pieces (see `piece_starts`) that go through
    the pipeline one by one; their extractions are merged (document-wide rules, such as
    finding a name again, then work within each piece). Texts are composed to Unicode NFC
    first (see `compose`), mention offsets mapped back to the original."""
    from entity_graph.pipeline.extraction.doc_arrays import tokenized  # imports spaCy

    limit = nlp.max_length

    def pieces() -> Iterator[tuple[Doc, tuple[Composed, int, int, str]]]:
        for text in texts:
            composed = compose(text)  # NFC, as the model was trained on
            text = composed.text
            starts = piece_starts(text, limit) if len(text) > limit else [0]
            for index, start in enumerate(starts):
                end = starts[index + 1] if index + 1 < len(starts) else len(text)
                yield (tokenized(nlp, normalize_typography(text[start:end])),
                       (composed, start, len(starts), text[start:end]))

    done: list[tuple[int, Extraction]] = []
    for doc, (composed, start, count, piece) in nlp.pipe(pieces(), as_tuples=True,
                                                         batch_size=batch_size):
        done.append((start, to_extraction(doc, piece)))
        if len(done) == count:
            yield in_original(done[0][1] if count == 1 else merge_pieces(done), composed)
            done = []


def in_original(extraction: Extraction, composed: Composed) -> Extraction:
    """`extraction` of a composed (NFC) text with its mentions' offsets into the original
    text (their surface stays the composed one, which looks the same)."""
    if composed.start_of is None:
        return extraction
    mentions = []
    for mention in extraction.mentions:
        start, end = composed.original_span(mention.start, mention.end)
        mentions.append(mention._replace(start=start, end=end))
    extraction.mentions = mentions
    relations = []
    for relation in extraction.relations:
        start, end = composed.original_span(relation.start, relation.end)
        relations.append(relation._replace(start=start, end=end))
    extraction.relations = relations
    return extraction


def extract(nlp: Language, documents: Iterable[Document], *, batch_size: int = 32,
            ) -> Iterator[DocRecord]:
    """Run `nlp` over the documents as a stream and yield one `DocRecord` per document.

    >>> from entity_graph.pipeline.extraction.model import load_nlp  # doctest: +SKIP
    >>> doc = Document(id="a", text="Elon Musk est en Chine.")
    >>> [m.name for m in next(extract(load_nlp(), [doc])).mentions]  # doctest: +SKIP
    ['Elon Musk', 'Chine']
    """
    in_flight: deque[Document] = deque()  # read, not yet extracted

    def texts() -> Iterator[str]:
        for document in documents:
            in_flight.append(document)
            yield document.text

    for extraction in extract_texts(nlp, texts(), batch_size=batch_size):
        yield to_record(in_flight.popleft(), extraction)
