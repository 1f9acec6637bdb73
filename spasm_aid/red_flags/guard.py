"""Rule-based red-flag detection on the project's spaCy pipeline.

`RedFlagGuard.detect(text)` finds every emergency or urgent flag stated in a message, ignores
the ones that are negated ("no numbness", "I didn't fall"), and notices a plain request for
emergency help ("help", "call an ambulance"). It is deterministic: no trained model decides
whether an emergency is recognised.
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from spasm_aid.red_flags.junk import JunkDetector
from spasm_aid.text_fold import fold_text
from spasm_aid.triage import EMERGENCY, load_table

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
HELP_KEY = "help_request"

# Words that negate what follows them in the same clause.
NEGATION_CUES = frozenset(
    {"no", "not", "never", "without", "none", "nothing", "neither", "nor", "nope", "nah", "deny", "denies"}
)
# Words after a negation cue that make it a hedge, not a denial: "not sure", "don't know".
HEDGE_WORDS = frozenset({"sure", "certain", "know", "tell", "remember", "say", "positive"})
# "no" directly followed by one of these is an answer ("no, my legs are numb"), not a negation.
INTERJECTION_FOLLOWERS = frozenset(
    {"my", "i", "the", "it", "they", "but", "just", "well", "actually", "wait", "though", "now", "im", "me"}
)
# A negation does not reach across these words.
CLAUSE_BREAKS = frozenset(
    {"but", "and", "though", "although", "however", "yet", "so", "because", "except", "also", "then", "plus", "while"}
)
SUBJECT_PRONOUNS = frozenset({"i", "he", "she", "they", "we", "you", "it", "im"})
# Words that make a denial less than clear ("I think my legs are fine", "fine if I sit still"):
# such a denial does not answer a screening question (clinical-guidance section 2).
UNCLEAR_WORDS = frozenset(
    {"think", "guess", "maybe", "perhaps", "probably", "mostly", "kind", "sort", "suppose", "hope", "bit",
     "little", "until", "yet", "apart", "except", "besides", "sometimes", "almost", "fairly", "pretty",
     "if", "whether", "when", "unless", "seem", "seems", "now", "still", "anymore", "before", "used",
     "yesterday", "earlier", "ago", "last", "usually", "normally"}
)
PAST_TENSE_BE = frozenset({"was", "were"})
# A clause that qualifies the denial before it ("legs are fine but one is going weak"): not clear.
QUALIFYING_BREAKS = frozenset({"but", "except", "though", "although", "however", "yet"})
SENTENCE_ENDS = frozenset({".", "!", "?", ";", "...", "!!", "!!!", "??", "?!"})
NEGATION_WINDOW = 5  # tokens looked back from a match for a negation cue

# Whose symptom is it? Looking back from a match, the first of these decides: "my dad can't
# pee" is a helper speaking for someone who is there (clinical-guidance section 0: it counts,
# and the reply is addressed to the helper); "my cat fell" is unrelated; "my wife says my face
# is drooping" is the user's.
FIRST_PERSON = frozenset({"i", "me", "my", "im", "myself", "mine", "ive", "id"})
# possessives naming another person's body inside a match ("a lump on his spine")
OWNING_OTHERS = frozenset({"his", "her", "their"})
OTHER_PEOPLE = frozenset(
    """he she they him her them his their hes shes theyre theyve himself herself themselves
    husband wife partner boyfriend girlfriend fiance fiancee son daughter kid kids child children
    baby mum mom mummy mommy mother dad daddy father brother sister friend neighbour neighbor
    grandma grandmother gran granny nan nana grandad granddad grandpa grandfather aunt auntie uncle
    cousin colleague boss flatmate roommate housemate carer patient client resident person man
    woman lady guy someone somebody""".split()
)
UNRELATED = frozenset(
    """cat dog pet horse puppy kitten phone laptop glass glasses cup plate book picture shelf tv
    box bag vase bottle
    rain snow hail sleet leaves leaf tree branch curtain night darkness silence temperature
    price prices share shares stock stocks""".split()  # what else "falls" in everyday speech
)
OWNER_WINDOW = 4
# Long past: a flag in the same clause as one of these is history, not what is happening now
# ("I fell last year"). Only for the emergency flags: past cancer is itself an urgent flag.
PAST_PHRASES = (
    ("last", "year"), ("years", "ago"), ("year", "ago"), ("decades", "ago"), ("long", "time", "ago"),
    ("as", "a", "child"), ("as", "a", "kid"), ("as", "a", "teenager"), ("when", "i", "was", "young"),
    ("when", "i", "was", "little"), ("when", "i", "was", "a"), ("when", "i", "was", "younger"),
    ("months", "ago"), ("years", "back"), ("year", "back"), ("while", "back"), ("while", "ago"),
    ("last", "spring"), ("last", "summer"), ("last", "autumn"), ("last", "winter"), ("ages", "ago"),
    ("when", "i", "was", "in"),
)
# Someone else's event is over when the sentence says so ("my son fell off his bike last month
# and is fine now"); for the person themselves a fall last month may still be the cause.
OTHER_PERSON_PAST_PHRASES = (
    ("last", "month"), ("last", "week"), ("weeks", "ago"), ("fine", "now"), ("ok", "now"),
    ("okay", "now"), ("better", "now"), ("once",), ("used", "to"), ("recovered",), ("recovery",),
    ("fine", "since"), ("been", "fine"), ("was", "fine"), ("still", "does"), ("came", "back"),
)
# A question about what words mean is not a report: "what does trouble peeing mean".
MEANING_WORDS = frozenset({"mean", "means", "meaning", "meant", "definition", "define"})
# A word whose capitalised form is this much more frequent in English (log probability) than its
# lower-case form is taken for a first name ("sarah fell down the steps").
NAME_LOG_PROB_MARGIN = 1.0
NAMES_FILE = "probable_names.txt.gz"
NAME_WINDOW = 2  # a name counts as the owner only right before the match ("sarah fell")
NOT_NAMES = frozenset(
    """god jesus christ lord ok okay please hey oh hello hi sorry thanks yes no
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)

_CONTRACTIONS = [
    (re.compile(r"[\u2019\u2018`´]"), "'"),
    (re.compile(r"\bcan'?t\b|\bcannot\b", re.I), "can not"),
    (re.compile(r"\bwon'?t\b", re.I), "will not"),
    (
        re.compile(
            r"\b(do|does|did|is|are|was|were|have|has|had|could|would|should|must|need|ai)n'?t\b",
            re.I,
        ),
        r"\1 not",
    ),
    (re.compile(r"\b(\w+)n't\b", re.I), r"\1 not"),
    # "the person I'm with can't ...": the person, not the speaker
    (re.compile(r"\b(person|one|man|woman|lady|guy|friend)\s+(i'?m|i\s+am)\s+with\b", re.I), r"\1"),
]


_MARKUP_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")


def normalise_text(text: str) -> str:
    """Expand contractions, with or without apostrophes, so negations are plain words; markup
    tags become spaces ("<b>I can't feel my legs</b>" is read as the words it shows). Unicode is
    folded first (spasm_aid.text_fold: accents, zero-width characters, look-alike letters)."""
    text = _MARKUP_TAG.sub(" ", fold_text(text))
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class Detection:
    flag: str  # a flag id from the triage table, or "help_request"
    level: str  # emergency or urgent
    text: str  # the words that matched
    start: int  # token offsets in the normalised text
    end: int
    # self and other_person count (other_person: a helper speaking for someone there now);
    # negated, past, unrelated (a pet or a thing), question (what a word means), lookalike
    # (a phrase of the lexicon's not_flags, such as "fell asleep") and minor_fall (a fall word
    # read as a minor slip on the level: RedFlagGuard._minor_falls) do not
    scope: str = "self"

    @property
    def negated(self) -> bool:
        return self.scope == "negated"


COUNTING_SCOPES = ("self", "other_person")
MINOR_FALL, TRAUMA_FLAG = "minor_fall", "trauma"


@dataclass
class GuardResult:
    detections: List[Detection] = field(default_factory=list)
    negated_mentions: int = 0  # symptom words mentioned only to deny them ("no numbness")
    helper_cue: bool = False  # "I'm calling for my mum", "my wife's back went"
    junk: bool = False  # markup, code, identifiers or mashing, with nothing found (red_flags.junk)
    # a word of the lexicon's symptom vocabulary (body, symptom, accident, help; a typo of one
    # included): without one, a classifier's red-flag guess is a guess from words it never saw
    symptom_mentioned: bool = True
    # the screening-question conditions the person clearly denied in this message ("my legs are
    # fine"): read only when no sign counts in it (lexicon.yml, `denials`)
    denied_conditions: Tuple[str, ...] = ()

    @property
    def helper(self) -> bool:
        """Someone is speaking for a person who is there now (clinical-guidance section 0)."""
        return self.helper_cue or any(d.scope == "other_person" for d in self.positive)

    @property
    def fall(self) -> bool:
        """A fall or accident counts among the flags (the emergency message says keep still)."""
        return any(d.flag == "trauma" for d in self.positive)

    @property
    def explicitly_denied(self) -> bool:
        """Flags or symptoms are mentioned, and none of them counts: a rule-based reading that
        the message is not about the user's own symptom now."""
        return not self.positive and bool(self.negated_mentions or self.detections)

    @property
    def emergency_discounted(self) -> bool:
        """Emergency-flag words were found and none of them counts (denied, past, a thing, a
        minor fall), whatever urgent flag counts beside them."""
        return any(d.level == EMERGENCY for d in self.detections) and not any(
            d.level == EMERGENCY for d in self.positive)

    @property
    def positive(self) -> List[Detection]:
        return [d for d in self.detections if d.scope in COUNTING_SCOPES]

    @property
    def negated(self) -> List[Detection]:
        return [d for d in self.detections if d.negated]

    @property
    def help_requested(self) -> bool:
        return any(d.flag == HELP_KEY for d in self.positive)

    def flags(self, level: Optional[str] = None) -> List[str]:
        """Positive flag ids (no help request), in order of appearance, without repeats."""
        seen: List[str] = []
        for d in sorted(self.positive, key=lambda d: d.start):
            if d.flag != HELP_KEY and d.flag not in seen and (level is None or d.level == level):
                seen.append(d.flag)
        return seen

    @property
    def is_emergency(self) -> bool:
        return self.help_requested or any(d.level == EMERGENCY for d in self.positive)


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the entry."""


KNOWN_WORDS_FILE = "known_words.txt.gz"  # written beside the spaCy pipeline by nlp_pipeline
# A word at least this frequent in English (log probability, spacy-lookups-data) is taken as
# meant, never as a typo: "never" must not be "corrected" to "fever".
KNOWN_WORD_MIN_LOG_PROB = -15.0


def _lookups_table(name: str) -> dict:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"en_{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _lemma_lookup() -> Dict[str, str]:
    return _lookups_table("lemma_lookup")


def compute_known_words() -> frozenset:
    """English words the typo correction leaves alone: every form in the lemma table and
    every word frequent enough, plus the words the negation and owner rules rely on."""
    lookup = _lemma_lookup()
    probable = {w.lower() for w, p in _lookups_table("lexeme_prob").items() if p >= KNOWN_WORD_MIN_LOG_PROB}
    grammar = NEGATION_CUES | HEDGE_WORDS | CLAUSE_BREAKS | SUBJECT_PRONOUNS | FIRST_PERSON | OTHER_PEOPLE | UNRELATED
    words = frozenset(lookup) | frozenset(lookup.values()) | frozenset(probable) | grammar
    # one word a line in the saved file: entries with spaces (never a token) are left out
    return frozenset(w for w in words if w and w == "".join(w.split()))


def compute_probable_names() -> frozenset:
    """Lower-case words that are mostly written capitalised: first names ("sarah", "john")."""
    probs = _lookups_table("lexeme_prob")
    grammar = FIRST_PERSON | OTHER_PEOPLE | UNRELATED | SUBJECT_PRONOUNS | NEGATION_CUES | CLAUSE_BREAKS
    names = set()
    for word, prob in probs.items():
        if word[:1].isupper() and word[1:].islower() and word.isalpha():
            lower = word.lower()
            if prob - probs.get(lower, -30.0) >= NAME_LOG_PROB_MARGIN and lower not in grammar:
                names.add(lower)
    return frozenset(names)


def write_known_words(directory: Path) -> Path:
    path = Path(directory) / KNOWN_WORDS_FILE
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(sorted(compute_known_words())))
    with gzip.open(Path(directory) / NAMES_FILE, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(sorted(compute_probable_names())))
    return path


def read_probable_names(directory: Optional[Path]) -> frozenset:
    path = Path(directory) / NAMES_FILE if directory else None
    if path and path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return frozenset(handle.read().split("\n"))
    return compute_probable_names()


def read_known_words(directory: Optional[Path]) -> frozenset:
    path = Path(directory) / KNOWN_WORDS_FILE if directory else None
    if path and path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return frozenset(handle.read().split("\n"))
    return compute_known_words()  # slower (about 2 s): the pipeline was built without the list


if not Token.has_extension("sa_form"):
    Token.set_extension("sa_form", default=None)  # the typo-corrected lower-case word


class RedFlagGuard:
    """Compiles the lexicon into a spaCy Matcher and applies it with negation scope."""

    def __init__(
        self,
        nlp,
        lexicon_path: Optional[Path] = None,
        known_words: Optional[frozenset] = None,
        names: Optional[frozenset] = None,
    ) -> None:
        self.nlp = nlp
        self.lookup = _lemma_lookup()
        self.known_words = known_words if known_words is not None else compute_known_words()
        self.names = names if names is not None else compute_probable_names()
        path = Path(lexicon_path or LEXICON_PATH)
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        table = load_table()
        self.levels: Dict[str, str] = dict(table.flag_levels)
        self.levels[HELP_KEY] = EMERGENCY
        self._sets = {name: [str(w).lower() for w in words] for name, words in raw.get("sets", {}).items()}
        self.vocabulary: Set[str] = set()
        self.matcher = Matcher(nlp.vocab)
        self.exclusions = Matcher(nlp.vocab)
        self.helper_cues = Matcher(nlp.vocab)
        try:
            for flag, patterns in raw["flags"].items():
                if flag not in table.flag_levels:
                    raise LexiconError(f"{path}: flag {flag!r} is not in the triage table")
                self.matcher.add(flag, [self._compile(p, path) for p in patterns])
            for flag, patterns in (raw.get("not_flags") or {}).items():
                self.exclusions.add(flag, [self._compile(p, path) for p in patterns])
            help_spec = raw[HELP_KEY]
            self.matcher.add(HELP_KEY, [self._compile(p, path) for p in help_spec["patterns"]])
            self.help_words = frozenset(w.lower() for w in help_spec["whole_message_words"])
            self.symptom_lemmas = frozenset(self._lemma(str(w).lower()) for w in raw.get("symptom_words", []))
            self.helper_cues.add("helper", [self._compile(p, path) for p in raw["helper_cues"]])
            symptom_words = {w for name in raw["junk_symptom_sets"] for w in self._sets[name]}
            symptom_words |= {str(w).lower() for w in raw["junk_never_words"] + raw.get("doubt_words", [])}
            self._compile_denials(raw, path, table)
            self.serious_fall_words = frozenset(self._lemma(str(w).lower()) for w in raw.get("serious_fall_words", []))
            self.cannot_get_up = Matcher(nlp.vocab)
            self.cannot_get_up.add("cannot_get_up", [self._compile(p, path) for p in raw.get("cannot_get_up", [])])
        except (KeyError, TypeError) as exc:
            raise LexiconError(
                f"{path}: expected 'flags', 'sets', 'helper_cues', 'junk_symptom_sets', 'junk_never_words' and '{HELP_KEY}': {exc}"
            ) from exc
        self._vocab_list = sorted(self.vocabulary)
        self.junk = JunkDetector(self.known_words, symptom_words | self.symptom_lemmas, self._correct, self._lemma)

    def _compile_denials(self, raw: dict, path: Path, table) -> None:
        """The `denials` entries: one matcher key per entry, the conditions each one answers."""
        self.denials = Matcher(self.nlp.vocab)
        self.denial_covers: Dict[str, Tuple[str, ...]] = {}
        known_conditions = set(table.conditions)
        vocabulary = set(self.vocabulary)  # denial words do not steer the typo correction of signs
        self._sets.update({name: [str(w).lower() for w in words] for name, words in (raw.get("denial_sets") or {}).items()})
        for index, entry in enumerate(raw.get("denials") or []):
            covers = tuple(entry["covers"])
            unknown = sorted(set(covers) - known_conditions)
            if unknown or not covers:
                raise LexiconError(
                    f"{path}: denial entry {index + 1} covers {unknown or 'nothing'}; each must be a condition "
                    f"named by a screening question in spasm_aid/triage_table.yml ({', '.join(sorted(known_conditions))})"
                )
            key = f"denial_{index}"
            self.denial_covers[key] = covers
            self.denials.add(key, [self._compile(p, path) for p in entry["patterns"]])
        self.vocabulary = vocabulary

    # --- compiling ---------------------------------------------------------------------
    def _lemma(self, word: str) -> str:
        return self.lookup.get(word, word)

    def _words(self, spec: str, path: Path) -> List[str]:
        words: List[str] = []
        for alternative in spec.split("|"):
            if alternative.startswith("@"):
                name = alternative[1:]
                if name not in self._sets:
                    raise LexiconError(f"{path}: unknown word set @{name}")
                words.extend(self._sets[name])
            else:
                words.append(alternative.lower())
        return words

    def _compile(self, pattern: str, path: Path) -> List[dict]:
        tokens: List[dict] = []
        for spec in pattern.split():
            if re.fullmatch(r"\*\d", spec):
                gap = {"NORM": {"NOT_IN": sorted(NEGATION_CUES)}, "IS_PUNCT": False, "OP": "?"}
                tokens.extend(dict(gap) for _ in range(int(spec[1:])))
                continue
            optional = spec.endswith("?")
            spec = spec.rstrip("?")
            if spec.startswith("="):
                words = self._words(spec[1:], path)
                self.vocabulary.update(words)
                token: dict = {"_": {"sa_form": {"IN": words}}}
            else:
                words = self._words(spec, path)
                self.vocabulary.update(words)
                token = {"NORM": {"IN": sorted({self._lemma(w) for w in words})}}
            if optional:
                token["OP"] = "?"
            tokens.append(token)
        if not tokens:
            raise LexiconError(f"{path}: empty pattern")
        return tokens

    # --- applying ----------------------------------------------------------------------
    def _correct(self, word: str) -> str:
        """The lexicon word a misspelt word stands for, or the word itself."""
        if word in self.vocabulary or word in self.known_words or len(word) < 5 or not word.isalpha():
            return word
        max_distance = 1 if len(word) <= 7 else 2
        best = process.extractOne(
            word, self._vocab_list, scorer=Levenshtein.distance, score_cutoff=max_distance
        )
        return best[0] if best else word

    def make_doc(self, text: str) -> Doc:
        doc = self.nlp(normalise_text(text))
        for token in doc:
            form = self._correct(token.lower_)
            token._.sa_form = form
            # spaCy's lookup lemmatizer is case-sensitive ("LEGS" stays "LEGS"): a word not in
            # lower case, or corrected, is looked up in lower case (found by make fuzz, issue 14)
            if form != token.lower_ or token.text != token.lower_:
                token.norm_ = self._lemma(form)
            else:
                token.norm_ = (token.lemma_ or form).lower()
        return doc

    def _is_negated(self, doc: Doc, start: int) -> bool:
        for i in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
            token = doc[i]
            word = token.norm_
            if token.is_punct or word in CLAUSE_BREAKS:
                return False
            if word in NEGATION_CUES:
                if word == "not" and i > 0 and doc[i - 1].norm_ in ("can", "could"):
                    # "can't" negates an ability ("I can't feel my legs" is itself a flag
                    # pattern); before any other flag it is not a denial: route up
                    continue
                following = doc[i + 1].norm_ if i + 1 < len(doc) else ""
                if word == "no" and following in INTERJECTION_FOLLOWERS:
                    return False
                if any(doc[j].norm_ in HEDGE_WORDS and not self._denies_saying(doc, j)
                       for j in range(i + 1, min(start, i + 3))):
                    return False  # "not sure if ..." routes up
                return True
            if word in SUBJECT_PRONOUNS:
                # "I never said I can't pee", "I didn't say I fell": the sign is denied
                before = i - 2 if i >= 2 and doc[i - 1].norm_ == "that" else i - 1
                return before >= 0 and self._denies_saying(doc, before)
        return False

    @staticmethod
    def _denies_saying(doc: Doc, i: int) -> bool:
        """Token i is "say" or "mean" denied in the past: "never said", "didn't say", "did not
        mean" (a correction of what was heard, not "I can't say", which is a doubt). "Tell" is
        left out: "I never told you I can't feel my legs" tells it now."""
        if doc[i].norm_ not in ("say", "said", "mean", "meant") or i == 0:
            return False
        negation = doc[i - 1].norm_
        return negation == "never" or (negation == "not" and i >= 2 and doc[i - 2].lower_ in ("did", "didn", "do", "does"))

    @staticmethod
    def _clause(doc: Doc, start: int, end: int) -> Tuple[int, int]:
        """Token range of the clause around a match: up to punctuation or a clause break."""
        left = start
        while left > 0 and not doc[left - 1].is_punct and doc[left - 1].norm_ not in CLAUSE_BREAKS:
            left -= 1
        right = end
        while right < len(doc) and not doc[right].is_punct and doc[right].norm_ not in CLAUSE_BREAKS:
            right += 1
        return left, right

    def _owner(self, doc: Doc, start: int, end: int) -> str:
        """Whose symptom a match at `start` is: self, other_person or unrelated (a pet, a thing).
        Unclear means the speaker's own (it counts either way)."""
        left, _ = self._clause(doc, start, start)
        # "a car hit me", "someone tackled me": the speaker is the one hurt
        if any((doc[i]._.sa_form or doc[i].lower_) in ("me", "myself") for i in range(start, min(len(doc), end + 1))):
            return "self"
        # whose body part the match names says whose it is: "she could feel a lump on my spine"
        inside = {doc[i]._.sa_form or doc[i].lower_ for i in range(start, min(len(doc), end))}
        if "my" in inside:
            return "self"
        if inside & OWNING_OTHERS:
            return "other_person"
        for i in range(start - 1, max(left, start - 1 - OWNER_WINDOW) - 1, -1):
            word = doc[i]._.sa_form or doc[i].lower_
            if word in FIRST_PERSON:
                return "self"
            if word in UNRELATED:
                return "unrelated"
            if word in OTHER_PEOPLE:
                return "other_person"
            if word in self.names and word not in NOT_NAMES and start - i <= NAME_WINDOW:
                return "other_person"
        return "self"

    @staticmethod
    def _has_phrase(words: Sequence[str], phrases) -> bool:
        for phrase in phrases:
            n = len(phrase)
            if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
                return True
        return False

    def _in_the_past(self, doc: Doc, start: int, end: int, owner: str) -> bool:
        left, right = self._clause(doc, start, end)
        words = [doc[i].lower_ for i in range(left, right)]
        if self._has_phrase(words, PAST_PHRASES) or any(re.fullmatch(r"(19|20)\d\d", w) for w in words):
            return True  # "in 2010"
        if owner == "other_person":
            sentence = [t.lower_ for t in doc]
            return self._has_phrase(sentence, OTHER_PERSON_PAST_PHRASES)
        return False

    def _asks_what_it_means(self, doc: Doc, start: int, end: int) -> bool:
        """'what does trouble peeing mean', 'what is saddle numbness': no person in the clause."""
        left, right = self._clause(doc, start, end)
        words = [doc[i]._.sa_form or doc[i].lower_ for i in range(left, right)]
        if any(w in FIRST_PERSON or w in OTHER_PEOPLE for w in words):
            return False
        before = words[: start - left]
        asks_what = "what" in before and any(w in ("is", "are", "be", "does", "do") for w in before)
        return asks_what and (any(w in MEANING_WORDS for w in words) or before[-2:] in (["what", "is"], ["what", "are"]))

    def _scope(self, doc: Doc, flag: str, start: int, end: int) -> str:
        if self._is_negated(doc, start):
            return "negated"
        owner = self._owner(doc, start, end)
        if owner == "unrelated":
            return "unrelated"
        if flag != HELP_KEY and self._asks_what_it_means(doc, start, end):
            return "question"
        if self.levels.get(flag) == EMERGENCY and flag != HELP_KEY and self._in_the_past(doc, start, end, owner):
            return "past"
        return owner

    def _excluded_spans(self, doc: Doc) -> Dict[str, List[Tuple[int, int]]]:
        spans: Dict[str, List[Tuple[int, int]]] = {}
        for match_id, start, end in self.exclusions(doc):
            spans.setdefault(self.nlp.vocab.strings[match_id], []).append((start, end))
        return spans

    def _whole_message_help(self, doc: Doc) -> bool:
        """The message, or one sentence of it, is a bare call for help: "help!", "please help me",
        "I'm stuck on the floor. Help!" (not "can you help me with ice?")."""
        sentence: List[str] = []
        for token in list(doc) + [None]:
            if token is None or token.text in SENTENCE_ENDS or "\n" in token.text:
                if sentence and "help" in sentence and all(w in self.help_words for w in sentence):
                    return True
                sentence = []
            elif not token.is_punct and not token.is_space:
                sentence.append(token.norm_)
        return False

    def _clear_denial(self, doc: Doc, start: int, end: int, excluded_spans: Sequence[Tuple[int, int]]) -> bool:
        """A denial that is plain: not inside a look-alike phrase ("did not fall asleep"), not
        negated, hedged or conditional before it ("not sure my legs are fine", "I think", "if"),
        not qualified after it ("except", "but"), not asked ("my legs are fine?") and not about
        a pet or a thing."""
        if any(s < end and start < e for s, e in excluded_spans):
            return False
        left, right = self._clause(doc, start, end)
        before = {doc[i].norm_ for i in range(left, start)} | {doc[i].lower_ for i in range(left, start)}
        after = {doc[i].norm_ for i in range(end, right)} | {doc[i].lower_ for i in range(end, right)}
        if before & (NEGATION_CUES | HEDGE_WORDS | UNCLEAR_WORDS) or after & UNCLEAR_WORDS:
            return False
        if any(doc[i].lower_ in PAST_TENSE_BE for i in range(start, end)):
            return False  # "my legs were fine": said of before
        if right < len(doc) and doc[right].norm_ in QUALIFYING_BREAKS:
            return False
        for i in range(end, len(doc)):  # the sentence it is in is not a question
            if doc[i].text in SENTENCE_ENDS:
                if "?" in doc[i].text:
                    return False
                break
        return self._owner(doc, start, end) != "unrelated"

    def _denied_conditions(self, doc: Doc, excluded: Dict[str, List[Tuple[int, int]]]) -> Tuple[str, ...]:
        spans = [span for spans in excluded.values() for span in spans]
        covered: List[str] = []
        for match_id, start, end in self.denials(doc):
            if self._clear_denial(doc, start, end, spans):
                covered.extend(self.denial_covers[self.nlp.vocab.strings[match_id]])
        return tuple(dict.fromkeys(covered))

    def _minor_falls(self, doc: Doc, detections: List[Detection]) -> List[Detection]:
        """Clinical-guidance section 3: a minor slip or sit-down on the level with no blow to the
        back is urgent, not the trauma emergency. In a sentence where a minor fall counts and no
        serious-fall word stands (stairs, a height, a crash, a blow; not denied), a bare fall word
        ("slipped", "fell") is read as that minor fall. A trauma match that says the person cannot
        get up (it holds a negation) always counts, and a minor fall in a sentence that says so is
        the trauma emergency (section 2: can't get up from the floor after a fall)."""
        minor = [d for d in detections if d.flag == MINOR_FALL and d.scope in COUNTING_SCOPES]
        if not minor:
            return detections
        sentence = _sentence_numbers(doc)
        stuck = {sentence[start] for _, start, _ in self.cannot_get_up(doc) if not self._is_negated(doc, start)}
        if stuck:
            detections = [
                dataclasses.replace(d, flag=TRAUMA_FLAG, level=EMERGENCY) if d in minor and sentence[d.start] in stuck else d
                for d in detections
            ]
            minor = [d for d in minor if sentence[d.start] not in stuck]
        serious = {
            sentence[i] for i, token in enumerate(doc)
            if (token.norm_ in self.serious_fall_words or self._lemma(token.lower_) in self.serious_fall_words)
            and not self._is_negated(doc, i)
        }
        minor_sentences = {sentence[d.start] for d in minor}
        read: List[Detection] = []
        for d in detections:
            bare_fall = (
                d.flag == TRAUMA_FLAG and d.scope in COUNTING_SCOPES and sentence[d.start] in minor_sentences
                and sentence[d.start] not in serious and not any(doc[i].norm_ == "not" for i in range(d.start, d.end))
            )
            read.append(dataclasses.replace(d, scope=MINOR_FALL) if bare_fall else d)
        return read

    def detect(self, text: str) -> GuardResult:
        text = fold_text(text)  # the junk and symptom checks below read the folded words too
        if not text or not text.strip():
            return GuardResult()
        doc = self.make_doc(text)
        excluded = self._excluded_spans(doc)
        best: Dict[Tuple[str, int], Detection] = {}
        for match_id, start, end in self.matcher(doc):
            flag = self.nlp.vocab.strings[match_id]
            lookalike = any(s < end and start < e for s, e in excluded.get(flag, []))
            detection = Detection(
                flag=flag,
                level=self.levels[flag],
                text=doc[start:end].text,
                start=start,
                end=end,
                # a look-alike ("fell asleep on the sofa") is kept, as not counting, so that it
                # also overrules the classifier's guess from the same words
                scope="lookalike" if lookalike else self._scope(doc, flag, start, end),
            )
            key = (flag, start)
            # keep the longest match per start; a reading that counts beats one that does not
            previous = best.get(key)
            counts = detection.scope in COUNTING_SCOPES
            counted = previous is not None and previous.scope in COUNTING_SCOPES
            if previous is None or (counts and not counted) or (counts == counted and end > previous.end):
                best[key] = detection
        detections = sorted(best.values(), key=lambda d: (d.start, d.flag))
        if self._whole_message_help(doc):
            detections.append(Detection(HELP_KEY, EMERGENCY, doc.text, 0, len(doc)))
        mentions = [i for i, token in enumerate(doc) if token.norm_ in self.symptom_lemmas]
        negated_mentions = sum(1 for i in mentions if self._is_negated(doc, i))
        if negated_mentions < len(mentions):
            negated_mentions = 0  # a symptom mentioned without a negation: not a plain denial
        helper_cue = any(not self._is_negated(doc, start) for _, start, _ in self.helper_cues(doc))
        words = re.findall(r"[a-z]+", doc.text.lower())
        junk = not detections and not helper_cue and self.junk(text, words)
        symptom_mentioned = bool(detections) or any(self.junk.near_symptom(w) for w in words if len(w) >= 2)
        detections = self._minor_falls(doc, _dedupe_overlaps(detections))
        counting = any(d.scope in COUNTING_SCOPES for d in detections)
        denied = () if counting else self._denied_conditions(doc, excluded)
        return GuardResult(detections, negated_mentions, helper_cue, junk, symptom_mentioned, denied)


def _sentence_numbers(doc: Doc) -> List[int]:
    """The sentence each token is in (split at sentence ends and line breaks)."""
    numbers, current = [], 0
    for token in doc:
        numbers.append(current)
        if token.text in SENTENCE_ENDS or "\n" in token.text:
            current += 1
    return numbers


def _dedupe_overlaps(detections: Sequence[Detection]) -> List[Detection]:
    """Drop a reading that does not count where one of the same flag that counts overlaps it."""
    positives = [d for d in detections if d.scope in COUNTING_SCOPES]
    kept = []
    for d in detections:
        if d.scope not in COUNTING_SCOPES and any(
            p.flag == d.flag and p.start < d.end and d.start < p.end for p in positives
        ):
            continue
        kept.append(d)
    return kept


@lru_cache(maxsize=4)
def guard_for(model_path: str) -> RedFlagGuard:
    """One guard per pipeline path, shared by every caller in the process."""
    from spasm_aid.nlp_pipeline import load_pipeline
    from spasm_aid.settings import PROJECT_ROOT

    path = Path(model_path)
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path  # relative to the project, whatever the working directory
    return RedFlagGuard(load_pipeline(path), known_words=read_known_words(path), names=read_probable_names(path))
