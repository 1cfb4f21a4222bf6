"""Load the smallest spaCy pipeline that does the job: NER, cheap sentences, our components."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from thinc.api import Config

import entity_graph.pipeline.extraction.components  # noqa: F401  (registers the component factories)
from entity_graph.pipeline.errors import ModelError
from entity_graph.pipeline.extraction.normalize import normalize_typography
from entity_graph.pipeline.rules.curation import Curation
from entity_graph.pipeline.rules.lexicon import lexicon_folder
from entity_graph.pipeline.settings import DEFAULT_MODEL


def _needed_components(nlp_config: Config) -> set[str]:
    """NER, plus the shared tok2vec if NER listens to one (not the case in fr_core_news_sm)."""
    needed = {"ner"}
    ner_model = nlp_config["components"].get("ner", {}).get("model", {})
    tok2vec = ner_model.get("tok2vec", {})
    if "Listener" in str(tok2vec.get("@architectures", "")):
        needed.add("tok2vec" if tok2vec.get("upstream", "*") == "*" else tok2vec["upstream"])
    return needed


def _model_path(model: str) -> Path:
    return spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)


def _model_config(model: str) -> Config:
    """Read a model's config without loading its weights (package name or folder)."""
    path = _model_path(model)
    for candidate in [path / "config.cfg", *sorted(path.glob("*/config.cfg"))]:
        if candidate.is_file():
            return spacy.util.load_config(candidate)
    raise ModelError(f"cannot load spaCy model {model!r}: not an installed package or a "
                     f"model folder (pip install {model.replace('_', '-')})")


def check_model(model: str) -> None:
    """Raise `ModelError` unless `model` is an installed pipeline with an NER component
    (its config is read, not its weights)."""
    if "ner" not in _model_config(model)["components"]:
        raise ModelError(f"spaCy model {model!r} has no 'ner' component")


def load_nlp(model: str = DEFAULT_MODEL, *, labels: tuple[str, ...] = ("PER", "ORG", "LOC"),
             curation: Curation | None = None) -> Language:
    """Load `model` with only what NER needs, then add sentence boundaries, the
    curation file's names (an EntityRuler that overrides the model), and our cleaning.

    >>> nlp = load_nlp()                                     # doctest: +SKIP
    >>> nlp.pipe_names                                       # doctest: +SKIP
    ['ner', 'sentencizer', 'entity_graph_clean_mentions', 'entity_graph_layout_places',
     'entity_graph_team_names', 'entity_graph_consistent_mentions',
     'entity_graph_alias_mentions', 'entity_graph_mark_common_words']
    """
    check_model(model)
    config = _model_config(model)
    needed = _needed_components(config)
    try:
        nlp = spacy.load(model, exclude=[n for n in config["components"] if n not in needed])
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot load spaCy model {model!r}: {error}") from error
    nlp.add_pipe("sentencizer")
    if curation and curation.entities:
        ruler = cast(EntityRuler, nlp.add_pipe(
            "entity_ruler", after="ner",
            config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}))
        ruler.add_patterns([{**p, "pattern": normalize_typography(p["pattern"])}
                            for p in curation.patterns()])
    lexicon = lexicon_folder(_model_path(model))  # models without a lemmatizer go without
    nlp.add_pipe("entity_graph_clean_mentions", config={"labels": list(labels), "lexicon": lexicon})
    if lexicon and "LOC" in labels:
        nlp.add_pipe("entity_graph_layout_places", config={"lexicon": lexicon})
    if lexicon and "ORG" in labels:
        nlp.add_pipe("entity_graph_team_names", config={"lexicon": lexicon})
    nlp.add_pipe("entity_graph_consistent_mentions")
    if curation and (curation.ignore or curation.types):
        nlp.add_pipe("entity_graph_curate_mentions", config={"ignore": sorted(curation.ignore),
                                                "types": dict(curation.types)})
    nlp.add_pipe("entity_graph_alias_mentions")
    if lexicon:
        nlp.add_pipe("entity_graph_mark_common_words", config={"lexicon": lexicon})
    return nlp
