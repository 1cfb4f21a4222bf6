"""French language data the rules share, in one place (the way `spacy/lang/fr/` keeps
its word lists): function words, name particles, titles and honorifics, the nouns that
head institution and place names, and the words in front of a name that say what it
names. The rules build their patterns from these lists; none keeps a list of its own.

Lists of forms written as regular-expression alternatives say so; all others are plain
lower-case words.
"""

from __future__ import annotations

# Words that are never a name on their own, whatever their case.
_GRAMMAR_WORDS = frozenset(
    """
    a à au aux avec c ça car ce ceci cela celle celles celui cet cette ceux ces chez comme
    d dans de des donc dont du elle elles en et eux il ils j je l la le les leur leurs lui
    m ma mais me même mes moi mon n ne ni nos notre nous on or ou où par pas pour qu que
    quel quelle quelles quels qui quoi s sa sans se selon ses si son sous sur t ta te tes
    toi ton tous tout toute toutes tu un une vers vos votre vous y
    ici là oui non voici voilà alors aussi puis ainsi cependant pourtant enfin déjà
    """.split()
)
# Days and months: no name in a date ("le 15 Mars 1908"), a name outside one ("sur Mars").
CALENDAR_WORDS = frozenset(
    """
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février fevrier mars avril
    mai juin juillet août aout septembre octobre novembre décembre decembre
    """.split()
)
FUNCTION_WORDS = _GRAMMAR_WORDS | CALENDAR_WORDS
WEEKDAYS = frozenset("lundi mardi mercredi jeudi vendredi samedi dimanche".split())

# Lower-case words that may start a name: "de Gaulle", "van Gogh", "von Braun".
PARTICLES = frozenset("de d du des von van der den ten ter di da del della dos al el ben ibn"
                      .split())

# Function words that names keep inside them ("Marine Le Pen", "Boulogne Sur Mer",
# "Jean De La Fontaine").
NAME_INNER_WORDS = PARTICLES | {"l", "la", "le", "les", "à", "au", "aux", "en", "sur", "sous",
                                "lès", "y", "et"}

# Lower-case generic nouns that begin French place and institution names: "mer Noire",
# "lac Léman", "canton de Vaud", "musée du Louvre", "université de Genève".
GENERIC_HEADS = frozenset(
    """
    océan mer lac île îles golfe baie détroit canal cap rivière fleuve mont monts massif
    plateau vallée col désert forêt bois parc jardin musée château palais cathédrale église
    abbaye basilique université lycée collège institut royaume empire république province
    région département canton comté duché principauté archipel péninsule presqu'île
    boulevard avenue rue place quai pont gare aéroport port pyramide ordre stade hôpital
    """.split()
)

# Honorifics, which say that a name is a person's and whether a man's or a woman's.
MEN_HONORIFICS = ("m", "mm", "mr", "monsieur", "messieurs")
WOMEN_HONORIFICS = ("mme", "mmes", "mlle", "mlles", "madame", "mesdames", "mademoiselle",
                    "mrs")
# Of those, the ones of unmarried women, which also stand before first names.
UNMARRIED_HONORIFICS = ("mlle", "mlles", "mademoiselle")
# Plural honorifics, as written, that open a list of names: "MM. Moréa, Minot et Delisle".
PLURAL_HONORIFICS = ("MM", "Mmes", "Mlles", "Messieurs", "Mesdames")
# The women's honorifics a name keeps ("Mme Grandet" is not "M. Grandet"), as written.
KEPT_HONORIFICS = ("Mme", "Mlle")

# Offices, ranks and kinship that stand before a person's name: "le président Hollande",
# "la mère Lefrançois".
ROLE_TITLES = (
    "docteur", "professeur", "président", "présidente", "ministre", "général", "générale",
    "colonel", "capitaine", "lieutenant", "sénateur", "sénatrice", "député", "députée", "maire",
    "juge", "abbé", "père", "mère", "sœur", "frère", "cardinal", "pape", "roi", "reine",
    "prince", "princesse", "comte", "comtesse", "duc", "duchesse", "baron", "baronne",
    "marquis", "marquise", "chancelier", "chancelière", "premier ministre", "première ministre",
)

# Titles that may stand before a person's name, as regular-expression alternatives
# (abbreviations with their full stop, required or optional).
TITLES = (
    r"m\.", r"mm\.?", "mme", "mmes", "mlle", "mlles", r"mr\.?", r"mrs\.?", r"dr\.?", r"pr\.?",
    "me", r"mgr\.?", r"st\.?", r"ste\.?",
    "monsieur", "messieurs", "madame", "mesdames", "mademoiselle", "maître", "maitre",
    "sir", "lord", "lady", *ROLE_TITLES,
)

# Roles in a company, whose "de X" (no article: "le PDG de Tesla", but "le président du
# Brésil") names the company, as regular-expression alternatives.
COMPANY_ROLES = ("pdg", "p-dg", "patron", "patronne", "fondateur", "fondatrice",
                 "cofondateur", "cofondatrice", "co-fondateur", "co-fondatrice",
                 r"directeur\s+général", r"directrice\s+générale", "actionnaires?",
                 "salariés", "employés", "filiale")

# Nouns that, after their article, say the next name is an organisation's: "la société
# X", "le groupe X", "l'agence X".
ORGANISATION_NOUNS = {
    "la": ("société", "firme", "banque", "compagnie", "chaîne", "fondation", "marque",
           "start-up"),
    "le": ("groupe", "constructeur", "parti", "journal", "quotidien", "club", "cabinet",
           "fonds", "syndicat"),
    "l'": ("entreprise", "agence", "association", "organisation", "équipe"),
}

# Narrative speech verbs around a name: "dit Eugénie", "Eugénie répondit". (Not "affirme",
# "estime": in the news, countries and companies affirm and estimate too.)
SPEECH_VERBS = ("dit", "disait", "répondit", "demanda", "reprit", "ajouta", "murmura", "cria",
                "s'écria", "répliqua", "pensa", "balbutia", "soupira")

# Street words, which the model often leaves out of a street's name ("rue Balzac"); the
# ones also written with an elided "d'" ("rue d'Alsace").
STREET_WORDS = ("rue", "avenue", "boulevard", "quai", "square", "impasse", "allée")
STREET_WORDS_ELIDED = ("rue", "avenue", "boulevard", "quai")

# Administrative units, folded, named "canton de Vaud" as often as "Vaud".
ADMINISTRATIVE_UNITS = ("canton", "departement", "region", "province", "ville", "commune",
                        "comte")

# Endings of demonyms: Allemands, Anglais, Suédois, Italiens, Américaines...
DEMONYM_ENDINGS = ("ais", "aise", "ois", "oise", "ien", "ienne", "ain", "aine", "and", "ande",
                   "éen", "éenne", "ol", "ole")


def alternatives(words: tuple[str, ...] | frozenset[str]) -> str:
    """A regular-expression group matching any of `words` (already escaped where needed).

    >>> alternatives(("mme", "mlle"))
    '(?:mme|mlle)'
    """
    return f"(?:{'|'.join(words)})"
