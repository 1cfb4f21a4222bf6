"""Clean one entity mention: trim what the model wrongly included, reject what is no name.

`clean_span` works on the mention's own text and returns the (start, end) of the part to
keep, so the cleaned mention is still a slice of the original document.
"""

from __future__ import annotations

import re
from collections.abc import Container

from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS

from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.rules.french import (
    CALENDAR_WORDS,
    COMPANY_ROLES,
    FUNCTION_WORDS,
    GENERIC_HEADS,
    MEN_HONORIFICS,
    NAME_INNER_WORDS,
    ORGANISATION_NOUNS,
    PARTICLES,
    PLURAL_HONORIFICS,
    ROLE_TITLES,
    SPEECH_VERBS,
    STREET_WORDS,
    STREET_WORDS_ELIDED,
    TITLES,
    UNMARRIED_HONORIFICS,
    WEEKDAYS,
    WOMEN_HONORIFICS,
    alternatives,
)

# Punctuation and quotes that never begin or end a name.
_EDGE = "\"'«»‹›“”‘’„`()[]{}<>,;:!?¿¡*#_/\\|¦•·…—–-+=~^°§ \t\r\n"

# Lower-case articles and elisions: "la Chine", "l'Internet", "des États-Unis".
# A capitalised article before a capital is left alone here ("Le Monde", "La Poste",
# "L'Oréal"): whether it belongs to the name is decided corpus-wide (see
# entities.merge_article_variants). Any French determiner (the grammar's closed class:
# articles, numbers, demonstratives, possessives, indefinites) capitalised at the start
# of a sentence and followed by a lower-case word opens a common noun phrase ("Une
# nouvelle fusillade", "Trois policiers", "Le président Macron"), whose name, if any,
# comes after its head.
_DETERMINERS = ("Le", "La", "Les", "Du", "Des", "Au", "Aux", "Un", "Une", "Deux", "Trois",
                "Quatre", "Cinq", "Six", "Sept", "Huit", "Neuf", "Dix", "Ce", "Cet", "Cette",
                "Ces", "Mon", "Ma", "Mes", "Ton", "Ta", "Tes", "Son", "Sa", "Ses", "Notre",
                "Nos", "Votre", "Vos", "Leur", "Leurs", "Plusieurs", "Quelques", "Certains",
                "Certaines", "Chaque", "Aucun", "Aucune")
_ARTICLE = re.compile(r"(?:(?:le|la|les|du|des|au|aux)\s+|(?:l|d)'\s*"
                      rf"|(?:{'|'.join(_DETERMINERS)})\s+(?=[a-zà-ÿ])|(?:L|D)'\s*(?=[a-zà-ÿ]))")

# What a title is of, the whole rest of a mention: an office when it is a common noun
# ("président de la République", "ministre de l'Intérieur"), a name otherwise ("Prince
# de la Tour-Enguerrand").
_OFFICE = re.compile(r"(?:de\s+la\s+|de\s+l['’]\s*|du\s+|des\s+)([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)")
_PREPOSITION = re.compile(r"(?:de|[àÀA])\s+(?=(?:la\s+|l')?[A-ZÀ-ÖØ-Þ])")
# Titles and honorifics in front of a person's name.
_TITLE = re.compile(rf"{alternatives(TITLES)}(?:\s+|(?<=\.)(?=\w))", re.IGNORECASE)
# Honorifics that say the bearer is a person, and whether a woman.
# (A particle may follow: "madame des Grassins", "M. de Villèle".)
_HONORIFIC = re.compile(rf"\b(?:({'|'.join(MEN_HONORIFICS)})\b\.?|({'|'.join(WOMEN_HONORIFICS)})"
                        r"\b\.?)\s*(?:(?:de\s+la|de|du|des)\s+|d')?\Z", re.IGNORECASE)
# Chapter and part numbers; "LCI" or "CD" are far more often acronyms than 151 or 400.
_ROMAN_NUMERAL = re.compile(r"\A[IVX]+\.?\Z")
# Codes that name roads, motorways and the like: "A7", "RN 106", "M-4", "G20".
_CODE = re.compile(r"\A[A-Z]{1,3}[- ]?\d{1,4}\Z")

# A lower-case head and the words that link it to a capitalised name: "ministère de l'",
# "arsenal de ", "centrale nucléaire de ", "autoroute ", "district ".
_LOWERCASE_HEAD = re.compile(r"([a-zà-ÿœæ][\w-]*)((?:\s+[a-zà-ÿœæ][\w-]*)?)"
                             r"(\s+(?:de\s+la\s+|de\s+l['’]\s*|de\s+|du\s+|des\s+|d['’]\s*)|\s+)"
                             r"(?=[A-ZÀ-ÖØ-Þ0-9])")

_ABBREVIATION_END = re.compile(r"(?:\b\w\.)+\Z")


def _trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE + ".":
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    # A final full stop is sentence punctuation unless it closes an abbreviation ("S.A.").
    while end > start and text[end - 1] == "." and not _ABBREVIATION_END.search(text[start:end]):
        end -= 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
    return start, end


# Function words that names do not keep inside them: capitalised after a name, they open a
# new sentence that a headline without punctuation glued to it: "en Suisse Notre
# correspondant".
_SENTENCE_OPENERS = FUNCTION_WORDS - NAME_INNER_WORDS


# A word (hyphens and inner dots kept: "Notre-Dame", "C.K") that starts after a space, an
# apostrophe, or a full stop and a dash ("Duroy.-Il").
_WORD = re.compile(r"(?:(?<=[\s'’])|(?<=[.!?][-—–]))\w[\w-]*(?:\.\w[\w-]*)*")
_TRAILING_INNER_WORDS = re.compile(
    rf"(?:[\s'’-]+(?:{'|'.join(sorted(NAME_INNER_WORDS))}))+[\s'’-]*\Z", re.IGNORECASE)


def _cut_glued_sentence(text: str, start: int, end: int, label: str,
                        common_words: Container[str]) -> int:
    """The end of the name before a capitalised word that opens a sentence ("Suisse
    Notre"), and for a person, before a number or a common word in lower case ("Duroy
    sourit", "Honegger démissionnaire"; particles aside). Foreign particles that are no
    French word stay: "Minamoto no Tōru", "Daniel arap Moi"."""
    for word in _WORD.finditer(text, start, end):
        if word.start() == start:
            continue
        token = word.group()
        folded = fold(token)
        opens_sentence = token[0].isupper() and folded in _SENTENCE_OPENERS
        goes_on = label == "PER" and (token[0].isdigit() or token[0].islower() and (
            folded in _SENTENCE_OPENERS
            or len(token) > 2 and token in common_words and folded not in NAME_INNER_WORDS))
        if opens_sentence or goes_on:
            # Nor does a name end with a particle: "Duroy du 6e hussards" is "Duroy".
            inner = _TRAILING_INNER_WORDS.search(text, start, word.start())
            return inner.start() if inner else word.start()
    return end


_LAST_WORD = re.compile(r"[\s'’]+([a-zà-ÿ]+)\Z")
# Lower-case words no name ends with, French or English (tweets, quotes, titles):
# "Shanghai and", "Genève et".
_TRAILING_STOP_WORDS = (FUNCTION_WORDS - NAME_INNER_WORDS) | ENGLISH_STOP_WORDS


def _cut_trailing_stop_words(text: str, start: int, end: int) -> int:
    """The end of the name before the lower-case function words that end the span
    ("Shanghai and" -> "Shanghai")."""
    while (last := _LAST_WORD.search(text, start, end)) and last.start() > start \
            and last.group(1) in _TRAILING_STOP_WORDS:
        end = last.start()
    return end


def clean_span(text: str, label: str, common_words: Container[str] = frozenset(),
               ) -> tuple[int, int] | None:
    """Return the (start, end) slice of `text` that is the name, or None if it is no name.
    `common_words` holds the lower-case common words of the language (see
    `entity_graph.pipeline.rules.lexicon`): no person's name goes on with one.

    >>> "la Chine"[slice(*clean_span("la Chine", "LOC"))]
    'Chine'
    >>> "M. Musk"[slice(*clean_span("M. Musk", "PER"))]
    'Musk'
    >>> "de la Suisse"[slice(*clean_span("de la Suisse", "LOC"))]
    'Suisse'
    >>> "A Pétersbourg"[slice(*clean_span("A Pétersbourg", "LOC"))]
    'Pétersbourg'
    >>> clean_span("n'", "PER") is None
    True
    >>> "Suisse Notre"[slice(*clean_span("Suisse Notre", "LOC"))]
    'Suisse'
    >>> "Duroy sourit"[slice(*clean_span("Duroy sourit", "PER", {"sourire", "sourit"}))]
    'Duroy'
    >>> "Jean de la Fontaine"[slice(*clean_span("Jean de la Fontaine", "PER"))]
    'Jean de la Fontaine'
    >>> "Shanghai and"[slice(*clean_span("Shanghai and", "ORG"))]
    'Shanghai'
    >>> clean_span("Une nouvelle fusillade", "LOC"), clean_span("Trois policiers", "PER")
    (None, None)
    >>> "Le président Macron"[slice(*clean_span("Le président Macron", "PER"))]
    'Macron'
    >>> clean_span("président de la République", "PER", {"république"}) is None
    True
    >>> text = "Prince de la Tour-Enguerrand"
    >>> text[slice(*clean_span(text, "PER", {"tour"}))]
    'de la Tour-Enguerrand'
    """
    start, end = _trim_edges(text, 0, len(text))
    start, end = _trim_edges(
        text, start, _cut_glued_sentence(text, start, end, label, common_words))
    start, end = _trim_edges(text, start, _cut_trailing_stop_words(text, start, end))
    while True:
        before = (start, end)
        match = _ARTICLE.match(text, start, end)
        if match and match.end() < end:
            start = match.end()
        if label == "PER":
            match = _TITLE.match(text, start, end)
            if match and match.end() < end:
                start = match.end()
                office = _OFFICE.fullmatch(text, start, end)
                if office and office.group(1).lower() in common_words:
                    return None  # "président de la République": an office, no name
        else:  # "de France", "à Genève": a preposition, not a particle as in "de Gaulle"
            match = _PREPOSITION.match(text, start, end)
            if match and match.end() < end:
                start = match.end()
        start, end = _trim_edges(text, start, end)
        if (start, end) == before:
            break
    if is_name(text[start:end]):
        return start, end
    return _name_after_head(text, start, end, label)


def _name_after_head(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """The name in a mention that opens with a lower-case head: an organisation's whole
    name when the head is linked to it by "de" ("ministère de l'Intérieur", "académie de
    Grenoble"), otherwise the capitalised name after the head, which only describes it
    ("arsenal de Brest" -> "Brest", "autoroute A7" -> "A7", "ministre de l'Intérieur" ->
    "Intérieur"). The model's label is the evidence that a name is there; the head alone
    (no capital after it) is none.

    >>> [t[slice(*_name_after_head(t, 0, len(t), label))] for t, label in [
    ...     ("ministère de l'Intérieur", "ORG"), ("arsenal de Brest", "LOC"),
    ...     ("autoroute A7", "LOC"), ("ministre de la Justice", "ORG"), ("banque Oddo", "ORG"),
    ...     ("ligne de Paris à", "LOC")]]
    ["ministère de l'Intérieur", 'Brest', 'A7', 'Justice', 'Oddo', 'Paris']
    >>> _name_after_head("cour pénale", 0, 11, "ORG") is None
    True
    """
    head = _LOWERCASE_HEAD.match(text, start, end)
    if head is None or head.group(1) in PARTICLES:
        return None
    name_start = head.end()
    if (label == "ORG" and head.group(3).strip() and not _TITLE.match(text, start, end)
            and is_name(text[name_start:end])):
        return start, end
    inner = _TRAILING_INNER_WORDS.search(text, name_start, end)  # "ligne de Paris à"
    end = inner.start() if inner else end
    name = text[name_start:end]
    return (name_start, end) if is_name(name) or _CODE.match(name) else None


def person_title(before: str) -> str | None:
    """The honorific that `before` (the text just in front of a name) ends with: "M." for
    a man, "Mme" or "Mlle" for a woman, None when there is none.

    >>> person_title("selon M. "), person_title("chez madame des "), person_title("la ")
    ('M.', 'Mme', None)
    >>> person_title("selon Mrs "), person_title("selon Mr ")
    ('Mme', 'M.')
    """
    match = _HONORIFIC.search(before[-16:])
    if not match:
        return None
    if match.group(1):
        return "M."
    return "Mlle" if match.group(2).lower() in UNMARRIED_HONORIFICS else "Mme"


# Words in front of a name that say what it names: "la société X", "le parti X".
def _after_article(article: str, nouns: tuple[str, ...]) -> str:
    space = "" if article.endswith("'") else r"\s+"  # "l'agence", "la  société"
    return f"{article}{space}{alternatives(nouns)}"


# One lower-case word may qualify the noun: "l'agence de presse X", "le constructeur
# automobile X", "la banque américaine X".
_ORGANISATION_CUE = re.compile(
    rf"\b(?:{'|'.join(_after_article(a, nouns) for a, nouns in ORGANISATION_NOUNS.items())})"
    r"(?:\s+(?:de\s+)?[a-zà-ÿœ-]{3,})?\s+\Z", re.IGNORECASE)
_COMPANY_ROLE_CUE = re.compile(rf"\b{alternatives(COMPANY_ROLES)}\s+(?:de\s+|d['’]\s*)\Z",
                               re.IGNORECASE)

# Narrative speech verbs around a name: "dit Eugénie", "Eugénie répondit".
_SPEECH = alternatives(SPEECH_VERBS)
_SPEECH_BEFORE = re.compile(rf"(?:^|[,;:!?»—–-])\s*{_SPEECH}\s+\Z", re.IGNORECASE)
_SPEECH_AFTER = re.compile(rf"\A\s+{_SPEECH}\b", re.IGNORECASE)


# "le président Hollande", "l'ancien président Jammeh", "la mère Lefrançois": an office,
# rank or kinship, written in lower case after its article, titles the name that follows
# (a capitalised one may be part of a name: "Pont-l'Abbé").
_ROLE_CUE = re.compile(
    r"(?:^|[\s(])(?:[Ll]es?|[Ll]a|[Ll]['’]|[Dd]u|[Dd]es|[Aa]ux?)\s*"
    r"(?:(?:ancien|ancienne|nouveau|nouvel|nouvelle|futur|future|défunt|défunte|feu)\s+)?"
    rf"(?:{alternatives(ROLE_TITLES)}|[Pp]remi(?:er|ère)\s+ministre)\s+\Z")


def _is_role_titled(before: str, name: str) -> bool:
    """One word after an office or rank: a surname ("le président Hollande"). (The model
    mostly gets full names right, and a full name's cue outweighs its few mentions when
    partial names are merged, see `document_aliases.dominant`; capitals are a party's
    acronym, "le maire UDE".)"""
    return bool(name) and " " not in name and not name.isupper() \
        and bool(_ROLE_CUE.search(before[-40:]))


# "en Suisse", "en Angleterre": before a capitalised word, "en" nearly always names a place
# (over 96% of 1,200 such gold mentions in our evaluation sets); "à" does not ("à Emma").
_PLACE_CUE = re.compile(r"(?:^|[\s(])[Ee]n\s+\Z")


# A street's name, which the model often cuts to the person or place it is named after:
# "rue Balzac", "boulevard de Sébastopol" (but "à la place de Pierre": no street).
_STREET = re.compile(rf"(?<![\w'])(?:{alternatives(STREET_WORDS)}"
                     r"(?:\s+(?:de\s+la|du|des|de))?\s+"
                     rf"|{alternatives(STREET_WORDS_ELIDED)}\s+d'|place\s+)\Z", re.IGNORECASE)


def street_start(before: str) -> int | None:
    """Where the street word that `before` (the text in front of a name) ends with
    begins, as an offset from the end of `before`; None when there is none.

    >>> street_start("au 12, rue "), street_start("boulevard de "), street_start("à la place de ")
    (-4, -13, None)
    """
    match = _STREET.search(before[-30:])
    return match.start() - len(before[-30:]) if match else None


# The names that follow a plural honorific: "MM. Moréa, Minot, Delisle et ...". Each
# name is followed by a comma or a space, which keeps the matching linear.
_HONORIFIC_LIST = re.compile(rf"\b{alternatives(PLURAL_HONORIFICS)}\.?\s+"
                             r"(?:(?:de|du|et|(?:d['’])?[A-ZÀ-ÖØ-Þ][\w'’.-]*)(?:\s*,\s*|\s+))+\Z")


def _in_honorific_list(before: str) -> bool:
    return before.rstrip().endswith((",", " et")) and bool(_HONORIFIC_LIST.search(before))


def context_cue(before: str, after: str = "", name: str = "") -> str | None:
    """The type that the words around a name give it: PER after an honorific, in a list
    of names after "MM.", next to a speech verb ("», dit X", "X répondit"), or for a
    one-word `name` (not an acronym) after an office or rank ("le président X"); ORG after
    "la société", "le groupe"...; LOC after "en"; None otherwise.

    >>> context_cue("selon M. "), context_cue("chez le constructeur "), context_cue("à ")
    ('PER', 'ORG', None)
    >>> context_cue("selon l'agence de presse "), context_cue("le PDG de ")
    ('ORG', 'ORG')
    >>> context_cue("le président de "), context_cue("la maison ")
    (None, None)
    >>> context_cue("par MM. Moréa, Minot, "), context_cue("MM. Fessy, Henrion et ")
    ('PER', 'PER')
    >>> context_cue("il vit en ")
    'LOC'
    >>> context_cue("« Oui », dit "), context_cue("", " répondit-elle")
    ('PER', 'PER')
    >>> context_cue("selon l'ancien président ", name="Jammeh")
    'PER'
    >>> [context_cue(before, name=name) for before, name in [("le maire ", "UDE"),
    ...  ("le président ", "Donald Trump"), ("à Pont-l'Abbé ", "Quimper"), ("le ", "Roi")]]
    [None, None, None, None]
    """
    if person_title(before) or _SPEECH_BEFORE.search(before[-40:]) \
            or _SPEECH_AFTER.match(after) or _in_honorific_list(before[-60:]) \
            or _is_role_titled(before, name):
        return "PER"
    if _ORGANISATION_CUE.search(before[-50:]) or _COMPANY_ROLE_CUE.search(before[-30:]):
        return "ORG"
    return "LOC" if _PLACE_CUE.search(before[-4:]) else None


def starts_with_honorific(text: str) -> bool:
    """True when `text` begins with "M.", "Mme", "Monsieur"...

    >>> starts_with_honorific("M. Homais"), starts_with_honorific("Mâcon")
    (True, False)
    """
    match = _TITLE.match(text)
    return match is not None and person_title(match.group(0)) is not None


def is_name(name: str) -> bool:
    """False for what cannot be a name: one character, no letter, no capital letter, a
    lower-case start (but for particles, "de Gaulle", and generic heads, "mer Noire"), a
    roman numeral, OCR debris (more symbols than letters), an honorific alone ("Mme",
    "Messieurs"), or only function words, weekdays and months.

    >>> is_name("Chine"), is_name("C"), is_name("2019"), is_name("industrie"), is_name("Cela")
    (True, False, False, False, False)
    >>> is_name("plan Marshall"), is_name("de Gaulle"), is_name("III"), is_name("k/%$#")
    (False, True, False, False)
    >>> is_name("mer Noire"), is_name("canton de Vaud"), is_name("mer")
    (True, True, False)
    >>> is_name("Mme"), is_name("Messieurs"), is_name("Madame Bovary")
    (False, False, True)
    >>> is_name("Mars"), is_name("mars"), is_name("le Mars"), is_name("Jeudi")
    (True, False, False, False)
    """
    if len(name) < 2 or not any(c.isupper() for c in name):
        return False
    letters = sum(c.isalpha() for c in name)
    if letters < 2 or letters < 0.5 * len(name.replace(" ", "")):
        return False
    first_word = re.split(r"[\s']", name, maxsplit=1)[0]
    if first_word.islower() and first_word not in PARTICLES \
            and not (first_word in GENERIC_HEADS and " " in name):  # "eBay" is fine
        return False
    if _ROMAN_NUMERAL.match(name) or person_title(name + " ") and " " not in name:
        return False
    words = [fold(word) for word in re.split(r"[\s']+", name) if word]
    if len(words) == 1 and words[0] in CALENDAR_WORDS and name[0].isupper():
        # "Mars", the planet (`in_date` tells it from a month); a weekday names nothing
        return words[0] not in WEEKDAYS
    return not all(word in FUNCTION_WORDS for word in words)


_ARTICLE_BEFORE = re.compile(r"(?:\b(?:le|la|du)\s+|\bl['’]\s*)\Z", re.IGNORECASE)


def title_alone(name: str, before: str = "") -> bool:
    """A title with no name after it, used as a common noun: with its article, in the
    mention or just `before` it ("le Premier ministre", "les proches du Président").
    Without one, a title is a name ("avec Prince, Stevie Wonder", "MM. Brenner,
    Comtesse et Zemp").

    >>> title_alone("le Premier ministre"), title_alone("Président", "proches du ")
    (True, True)
    >>> title_alone("Prince", "a travaillé avec "), title_alone("Pape François", "le ")
    (False, False)
    """
    article = _ARTICLE.match(name)
    return bool(_TITLE.fullmatch(name[article.end() if article else 0:] + " ")) \
        and bool(article or _ARTICLE_BEFORE.search(before[-6:]))


def is_named_code(name: str, before: str) -> bool:
    """A code after an article, which makes it a proper noun: "l'A7", "la RN 106", "le
    G20" (alone, "A 5" or "C1" is as often a grid reference, a page or OCR debris).

    >>> is_named_code("A86", "notamment sur l'"), is_named_code("C1", "catégorie ")
    (True, False)
    """
    return bool(_CODE.match(name)) and bool(_ARTICLE_BEFORE.search(before[-6:]))


# A time zone after a clock time: "14 h 30 UTC", "20:00 (UTC+2)".
_CLOCK_BEFORE = re.compile(r"\b\d{1,2}\s*(?:[hH]|:)\s*(?:\d{2})?\s*\(?\s*\Z")
_ZONE = re.compile(r"\A[A-Z]{2,5}(?:\s*[+−-]\s*\d{1,2}(?::?\d{2})?)?\Z")


def is_time_zone(name: str, before: str) -> bool:
    """A code in capitals right after a clock time: a time zone, not an organisation.

    >>> is_time_zone("UTC", "vers 14 h 30 "), is_time_zone("UTC+2", "à 20:00 (")
    (True, True)
    >>> is_time_zone("UTC", "le temps "), is_time_zone("Paris", "à 14 h ")
    (False, False)
    """
    return bool(_ZONE.match(name)) and bool(_CLOCK_BEFORE.search(before[-12:]))


_NUMBER_BEFORE = re.compile(r"\d(?:er)?\.?\s*\Z")
_NUMBER_AFTER = re.compile(r"\A\s*\d")


def in_date(name: str, before: str, after: str) -> bool:
    """A day or month name with a number next to it: part of a date ("15 Mars 1908",
    "Mars 2016"), not a name.

    >>> in_date("Mars", "le 15 ", " 1908"), in_date("Mars", "la planète ", " prises")
    (True, False)
    """
    return fold(name) in CALENDAR_WORDS and bool(
        _NUMBER_BEFORE.search(before[-8:]) or _NUMBER_AFTER.match(after[:4]))
