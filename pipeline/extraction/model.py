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


# The model's components that tag and parse, in pipeline order, for `relations`; its
# lemmatizer lemmatises the predicates' words (it relies on the morphologizer's tags).
PARSE_STEPS = ("tok2vec", "morphologizer", "parser")


def load_nlp(model: str = DEFAULT_MODEL, *, labels: tuple[str, ...] = ("PER", "ORG", "LOC"),
             curation: Curation | None = None, relations: bool = False) -> Language:
    """Load `model` with only what NER needs, then add sentence boundaries, the
    curation file's names (an EntityRuler that overrides the model), and our cleaning.
    With `relations`, the model's parser and lemmatizer come too, disabled, for the last
    component to run on the sentences that name two entities (see `FindRelations`).

    >>> nlp = load_nlp()                                     # doctest: +SKIP
    >>> nlp.pipe_names                                       # doctest: +SKIP
    ['ner', 'sentencizer', 'entity_graph_clean_mentions', 'entity_graph_layout_places',
     'entity_graph_country_places', 'entity_graph_team_names', 'entity_graph_consistent_mentions',
     'entity_graph_alias_mentions', 'entity_graph_mark_common_words']
    """
    check_model(model)
    config = _model_config(model)
    needed = _needed_components(config)
    steps = [step for step in PARSE_STEPS if step in config["components"]] if relations else []
    if relations and "parser" not in steps:
        raise ModelError(f"spaCy model {model!r} has no 'parser' component: "
                         "relations need one")
    lemmatizer = "lemmatizer" if relations and "lemmatizer" in config["components"] else ""
    parsing = {*steps, *([lemmatizer] if lemmatizer else [])} - needed
    try:
        nlp = spacy.load(model, exclude=[n for n in config["components"]
                                         if n not in needed | parsing])
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot load spaCy model {model!r}: {error}") from error
    for step in parsing:  # loaded for the relations component: NER-only work never runs them
        nlp.disable_pipe(step)
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
    if "LOC" in labels:
        nlp.add_pipe("entity_graph_country_places")
    if lexicon and "ORG" in labels:
        nlp.add_pipe("entity_graph_team_names", config={"lexicon": lexicon})
    nlp.add_pipe("entity_graph_consistent_mentions")
    if curation and (curation.ignore or curation.types):
        nlp.add_pipe("entity_graph_curate_mentions", config={"ignore": sorted(curation.ignore),
                                                "types": dict(curation.types)})
    nlp.add_pipe("entity_graph_alias_mentions")
    if lexicon:
        nlp.add_pipe("entity_graph_mark_common_words", config={"lexicon": lexicon})
    if steps:
        nlp.add_pipe("entity_graph_find_relations",
                     config={"steps": steps, "lemmatizer": lemmatizer})
    return nlp
