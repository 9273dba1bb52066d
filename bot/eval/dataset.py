"""Versioned eval sets (``seeds/eval/*.yaml``): loading and schema validation.

A broken file raises ``InputError`` naming the file, the case and the field,
and what to write instead. Gold sources are checked against the seed itself:
every gold id must be a record of the source, and every gold quote must occur
(whitespace collapsed) inside one of the case's gold records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.bundled import bundled
from index.errors import InputError
from index.sentences import normalise

EVAL_DIR = bundled("seeds", "eval")
CASE_TYPES = (
    "fact", "comment", "commenter", "paraphrase", "followup", "out_of_scope",  # qa.v1
    "direct", "steps", "commenter_question", "thread", "opinion",  # the answering issue's categories (qa.dev.v2, qa.test.v1)
)
# `rejected`: the answer a reader rated down, kept on cases promoted from feedback (not used by metrics)
_CASE_KEYS = {"id", "type", "question", "history", "gold", "abstain", "one_sided", "reference", "dissent", "rejected"}


@dataclass(frozen=True)
class Case:
    id: str
    type: str
    question: str
    gold_ids: tuple[str, ...] = ()
    gold_quotes: tuple[str, ...] = ()
    history: tuple[tuple[str, str], ...] = ()
    abstain: bool = False
    one_sided: bool = False
    reference: str = ""
    dissent: tuple[str, ...] = ()  # record ids that count as a dissenting / nuancing view


@dataclass
class EvalSet:
    name: str
    path: Path
    source: Path
    doc: str
    cases: list[Case] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cases)


@dataclass(frozen=True)
class SafetyCase:
    id: str
    text: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class SupportPair:
    sentence: str
    passage: str
    supported: bool
    split: str  # "calibrate" | "validate"


def _relative_source(source: str, set_path: Path) -> Path:
    """A set's ``source: seeds/why-men-pull-away.txt`` names a bundled file (or one beside the set)."""
    parts = Path(source).parts
    if parts and parts[0] in ("seeds", "prompts"):
        return bundled(*parts)
    return set_path.parent / source


def resolve(name_or_path: str | Path) -> Path:
    """``qa.v1`` -> seeds/eval/qa.v1.yaml; a path is taken as it is."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return EVAL_DIR / f"{name_or_path}.yaml"


def _read_yaml(path: Path):
    import yaml

    if not path.exists():
        known = ", ".join(sorted(p.stem for p in EVAL_DIR.glob("*.yaml"))) or "none"
        raise InputError(f"{path}: no such eval set. Pass --set with one of: {known}, or a path to a YAML file.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"{path}: is not valid YAML{where} ({getattr(exc, 'problem', exc)}). Fix the syntax.") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text. Save it as UTF-8.") from None


def _str_list(value, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{where}: `{what}` must be a list of non-empty strings.")
    return tuple(value)


def load_qa(name_or_path: str | Path = "qa.v1", check_source: bool = True) -> EvalSet:
    """Load and validate a QA eval set; with ``check_source`` gold ids and quotes are checked against the seed."""
    path = resolve(name_or_path)
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or not data["cases"]:
        raise InputError(f"{path}: expected a mapping with a non-empty `cases:` list (see seeds/eval/qa.v1.yaml).")
    source = data.get("source")
    if not isinstance(source, str):
        raise InputError(f"{path}: `source:` must name the seed file, e.g. `source: seeds/why-men-pull-away.txt`.")
    source_path = Path(source) if Path(source).is_absolute() else _relative_source(source, path)
    default_dissent = _str_list(data.get("dissent"), str(path), "dissent")
    from index.parse import slugify

    evalset = EvalSet(name=str(data.get("version") or path.stem), path=path, source=source_path, doc=slugify(source_path.stem))
    seen: set[str] = set()
    for i, raw in enumerate(data["cases"]):
        case = _parse_case(raw, f"{path}: case {i + 1}", default_dissent)
        if case.id in seen:
            raise InputError(f"{path}: case id {case.id!r} appears twice. Give every case a unique id.")
        seen.add(case.id)
        evalset.cases.append(case)
    if check_source:
        _check_gold(evalset, default_dissent)
    return evalset


def _parse_case(raw, where: str, default_dissent: tuple[str, ...]) -> Case:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a mapping with at least `id`, `type` and `question`.")
    cid = raw.get("id")
    if not isinstance(cid, str) or not cid.strip():
        raise InputError(f"{where}: missing `id` (a short unique name such as fact-oxytocin).")
    where = f"{where} ({cid})"
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}. Allowed: {', '.join(sorted(_CASE_KEYS))}.")
    ctype = raw.get("type")
    if ctype not in CASE_TYPES:
        raise InputError(f"{where}: `type` is {ctype!r}; use one of {', '.join(CASE_TYPES)}.")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError(f"{where}: `question` must be a non-empty string.")
    history = []
    for turn in raw.get("history") or []:
        if not (isinstance(turn, list) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise InputError(f"{where}: each `history` turn must be a pair [question, answer] of strings.")
        history.append((turn[0], turn[1]))
    gold = raw.get("gold") or {}
    if not isinstance(gold, dict):
        raise InputError(f"{where}: `gold` must be a mapping with `ids:` and `quotes:` lists.")
    ids = _str_list(gold.get("ids"), where, "gold.ids")
    quotes = _str_list(gold.get("quotes"), where, "gold.quotes")
    abstain = raw.get("abstain", False)
    one_sided = raw.get("one_sided", False)
    if not isinstance(abstain, bool) or not isinstance(one_sided, bool):
        raise InputError(f"{where}: `abstain` and `one_sided` must be true or false.")
    if ctype == "out_of_scope" and not abstain:
        raise InputError(f"{where}: an out_of_scope case must have `abstain: true`.")
    if abstain and (ids or quotes):
        raise InputError(f"{where}: a case that must abstain has no gold sources; remove `gold` or `abstain`.")
    if not abstain and not (ids and quotes):
        raise InputError(f"{where}: an answerable case needs gold sources by id AND by quote (`gold: {{ids: [...], quotes: [...]}}`).")
    if ctype == "followup" and not history:
        raise InputError(f"{where}: a followup case needs `history` (earlier [question, answer] turns).")
    reference = raw.get("reference") or ""
    if not isinstance(reference, str):
        raise InputError(f"{where}: `reference` must be a string.")
    dissent = _str_list(raw.get("dissent"), where, "dissent") or (default_dissent if one_sided else ())
    return Case(cid, ctype, question, ids, quotes, tuple(history), abstain, one_sided, reference, dissent)


def _check_gold(evalset: EvalSet, default_dissent: tuple[str, ...]) -> None:
    from index.parse import parse_file

    records = {r.id: r for r in parse_file(evalset.source)}
    for rid in default_dissent:
        if rid not in records:
            raise InputError(f"{evalset.path}: dissent id {rid!r} is not a record of {evalset.source.name}. See `bot inspect`.")
    for case in evalset.cases:
        where = f"{evalset.path}: case {case.id}"
        for rid in case.gold_ids + case.dissent:
            if rid not in records:
                raise InputError(f"{where}: gold id {rid!r} is not a record of {evalset.source.name}. See `bot inspect` for ids.")
        for quote in case.gold_quotes:
            q = normalise(quote)
            if not any(q in normalise(records[rid].text) for rid in case.gold_ids):
                raise InputError(
                    f"{where}: quote {quote[:60]!r} is not in any of its gold records ({', '.join(case.gold_ids)}). "
                    "Copy it exactly from the seed (curly apostrophes included)."
                )


def load_safety(name_or_path: str | Path = "safety.v1") -> list[SafetyCase] | None:
    """Safety cases ``{text, flags: [...]}``; None when the file does not exist."""
    path = resolve(name_or_path)
    if not path.exists():
        return None
    data = _read_yaml(path)
    items = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: expected a `cases:` list of {{text, flags: [...]}}.")
    cases = []
    for i, raw in enumerate(items):
        where = f"{path}: case {i + 1}"
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise InputError(f"{where}: each case needs `text` (a string) and `flags` (a list, possibly empty).")
        flags = _str_list(raw.get("flags") or [], where, "flags")
        cases.append(SafetyCase(str(raw.get("id") or f"s{i + 1:03d}"), raw["text"], flags))
    return cases


def load_support_labels(name_or_path: str | Path = "support_labels.v1") -> list[SupportPair]:
    path = resolve(name_or_path)
    data = _read_yaml(path)
    items = data.get("pairs") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: expected a `pairs:` list of {{sentence, passage, supported, split}}.")
    pairs = []
    for i, raw in enumerate(items):
        where = f"{path}: pair {i + 1}"
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("sentence", "passage")):
            raise InputError(f"{where}: needs `sentence` and `passage` strings.")
        if not isinstance(raw.get("supported"), bool):
            raise InputError(f"{where}: `supported` must be true or false.")
        split = raw.get("split", "calibrate")
        if split not in ("calibrate", "validate"):
            raise InputError(f"{where}: `split` must be calibrate or validate.")
        pairs.append(SupportPair(raw["sentence"], raw["passage"], raw["supported"], split))
    return pairs
