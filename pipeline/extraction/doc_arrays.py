"""What the extraction reads of a whole `Doc`: its text, sentence starts, token starts and
word count, each read once and from spaCy's token arrays. The obvious ways (`doc.text`,
`for token in doc`) make a Python `Token` object per token, every time: without the six
passes they made over each document, the pipeline takes about a twentieth less time
(README, "Speed and memory").
"""

from __future__ import annotations

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("entity_graph_text"):
    Doc.set_extension("entity_graph_text", default=None)


def tokenized(nlp: Language, text: str) -> Doc:
    """`text` tokenized by `nlp`, the text kept on the `Doc` for `doc_text` (the
    tokenizer keeps every character: it is `doc.text`). `nlp.pipe` takes such `Doc`s."""
    doc = nlp.make_doc(text)
    doc._.entity_graph_text = text
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per document (spaCy joins every token's text again at each
    call) and kept on the `Doc` for every component that reads it.

    >>> import spacy
    >>> doc = spacy.blank("fr")("Musk  en Chine.")
    >>> doc_text(doc) == doc.text == "Musk  en Chine." and doc._.entity_graph_text is not None
    True
    """
    text = doc._.entity_graph_text
    if text is None:
        text = doc._.entity_graph_text = doc.text
    return text


def sentence_starts(doc: Doc) -> list[int]:
    """The character offset of each sentence, as `[s.start_char for s in doc.sents]`.

    >>> import spacy
    >>> nlp = spacy.blank("fr"); _ = nlp.add_pipe("sentencizer")
    >>> sentence_starts(nlp("Musk arrive. Il part.")), sentence_starts(nlp(""))
    ([0, 13], [])
    """
    if not len(doc):
        return []
    values = doc.to_array([IDX, SENT_START])
    starts = values[:, 1] == 1
    starts[0] = True  # the first token always starts one, whatever it is marked
    return values[starts, 0].tolist()


def token_starts(doc: Doc) -> list[int]:
    """The character offset of each token, as `[t.idx for t in doc]`."""
    return doc.to_array(IDX).tolist() if len(doc) else []


def count_words(doc: Doc) -> int:
    """Tokens that are neither punctuation nor white space.

    >>> import spacy
    >>> count_words(spacy.blank("fr")("Musk, en Chine !"))
    3
    """
    if not len(doc):
        return 0
    values = doc.to_array([IS_PUNCT, IS_SPACE])
    return int(((values[:, 0] == 0) & (values[:, 1] == 0)).sum())
