"""The curation file: what a user knows about their domain and the model does not.

    # corpus/curation.yml
    entities:                 # always found, with this type, under this name
      - name: Tesla
        type: ORG
        aliases: [Tesla Inc., Tesla Motors]
    ignore:                   # never entities
      - Administration
    types:                    # the type of a name, whatever the model says
      Bloomberg: ORG

`entities` become EntityRuler patterns placed after the model's NER (so they win), and
every alias maps to the canonical name; `ignore` and `types` apply to the cleaned
mentions. Names compare without case, accents or hyphens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from entity_graph.pipeline.errors import CurationError
from entity_graph.pipeline.extraction.normalize import fold

TYPES = ("PER", "ORG", "LOC", "MISC")
FILE_NAMES = ("curation.yml", "curation.yaml")


@dataclass(frozen=True)
class CuratedEntity:
    name: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Curation:
    entities: tuple[CuratedEntity, ...] = ()
    ignore: frozenset[str] = frozenset()  # folded names
    types: dict[str, str] = field(default_factory=dict)  # folded name -> type
    path: str = ""

    def patterns(self) -> list[dict]:
        """EntityRuler patterns: each name and alias, labelled, with the canonical name
        as the pattern id."""
        return [{"label": e.type, "pattern": text, "id": e.name}
                for e in self.entities for text in (e.name, *e.aliases)]


def _fail(path: Path, node: yaml.Node | None, problem: str) -> CurationError:
    line = f":{node.start_mark.line + 1}" if node is not None else ""
    return CurationError(f"{path}{line}: {problem}")


def _string(path: Path, node: yaml.Node, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _fail(path, node, f"{what} must be a non-empty text")
    return str(node.value).strip()


def _type(path: Path, node: yaml.Node) -> str:
    value = _string(path, node, "a type").upper()
    if value not in TYPES:
        raise _fail(path, node, f"unknown type {node.value!r}; use one of {', '.join(TYPES)}")
    return value


def _sequence(path: Path, node: yaml.Node, what: str) -> list[yaml.Node]:
    if not isinstance(node, yaml.SequenceNode):
        raise _fail(path, node, f"{what} must be a list")
    return node.value


def _mapping(path: Path, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(path, node, f"{what} must be a mapping (key: value)")
    return node.value


def load_curation(path: str | Path) -> Curation:
    """Read and check a curation file; raise `CurationError` naming the line at fault."""
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise CurationError(f"{path}: cannot read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise CurationError(f"{path}: not UTF-8 text") from error
    except RecursionError as error:  # "[[[[...", thousands deep: no curation file is
        raise CurationError(f"{path}: nested too deeply to be a curation file") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise CurationError(f"{path}{line}: not valid YAML "
                            f"({getattr(error, 'problem', None) or error})") from error
    if root is None:
        return Curation(path=str(path))
    entities, ignore, types = [], set(), {}
    for key_node, value in _mapping(path, root, "the file"):
        key = _string(path, key_node, "a section name")
        if key == "entities":
            for item in _sequence(path, value, "entities"):
                fields = {_string(path, k, "a field"): v
                          for k, v in _mapping(path, item, "an entity")}
                unknown = set(fields) - {"name", "type", "aliases"}
                if unknown:
                    raise _fail(path, item, f"unknown field {sorted(unknown)[0]!r} "
                                            "(an entity has name, type, aliases)")
                if "name" not in fields or "type" not in fields:
                    raise _fail(path, item, "an entity needs a name and a type")
                aliases = tuple(_string(path, a, "an alias") for a in
                                _sequence(path, fields["aliases"], "aliases")
                                ) if "aliases" in fields else ()
                entities.append(CuratedEntity(_string(path, fields["name"], "a name"),
                                              _type(path, fields["type"]), aliases))
        elif key == "ignore":
            ignore |= {fold(_string(path, n, "a name")) for n in
                       _sequence(path, value, "ignore")}
        elif key == "types":
            for name, entity_type in _mapping(path, value, "types"):
                types[fold(_string(path, name, "a name"))] = _type(path, entity_type)
        else:
            raise _fail(path, key_node, f"unknown section {key!r} "
                                        "(use entities, ignore, types)")
    return Curation(tuple(entities), frozenset(ignore), types, str(path))


def find_curation(paths: list[Path]) -> Path | None:
    """The curation file next to the corpus: in the first folder given (or the folder of
    the first file given) that has one."""
    for path in paths:
        folder = path if path.is_dir() else path.parent
        for name in FILE_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None
