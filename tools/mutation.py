"""make mutation: do the safety core's unit tests fail when its code is wrong?

    python -m tools.mutation [--module spasm_aid/safety.py ...] [--jobs 2] [--limit N]

Each mutant changes one thing in one module (a comparison, and/or, a constant, a number, a
string, a `not`, an arithmetic operator); the module's unit tests then run against it. A mutant
the tests fail on is killed; one they pass on survives: either the tests miss a behaviour, or
the change makes no difference (an equivalent mutant, listed in EQUIVALENT with the reason).

Why a script of our own: mutmut 3 copies the project into mutants/ and computes paths from
there (this project finds its models and domain from its own files), and cosmic-ray needs a
session database and a config per module; this one mutates in memory and runs pytest in a
forked child of a process that has already imported Rasa, spaCy and scikit-learn, so a mutant
costs about a second instead of the 10 s a fresh pytest needs. Nothing on disk is changed.

Writes reports/mutation.json; prints the score per module and every surviving mutant.
"""
from __future__ import annotations

import argparse
import ast
import copy
import os
import signal
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from spasm_aid.paths import ROOT
from tools.report import write_report

# The safety core and the unit tests that guard each module.
MODULES: Dict[str, List[str]] = {
    "spasm_aid/triage.py": ["tests/spasm_aid/test_triage.py"],
    "spasm_aid/safety.py": ["tests/spasm_aid/test_safety.py"],
    "spasm_aid/red_flags/guard.py": ["tests/spasm_aid/red_flags/test_guard.py"],
    "spasm_aid/rasa_components/red_flag_guard.py": ["tests/spasm_aid/rasa_components/test_red_flag_guard.py"],
    "spasm_aid/rasa_components/safety_policy.py": ["tests/spasm_aid/rasa_components/test_safety_policy.py"],
}

# Surviving mutants that change nothing a person could notice, each with the reason. The key is
# "<module> | <the line as written> | <mutation>", as printed by the run.
FROZEN = "frozen=True only forbids changing the object after it is made; nothing does"
_EQUIVALENT_BY_LINE: Dict[str, str] = {
    "spasm_aid/safety.py | @dataclass(frozen=True) | True -> False": FROZEN,
    "spasm_aid/triage.py | @dataclass(frozen=True) | True -> False": FROZEN,
    "spasm_aid/red_flags/guard.py | @dataclass(frozen=True) | True -> False": FROZEN,
    "spasm_aid/triage.py | return a if LEVELS.index(a) >= LEVELS.index(b) else b | GtE -> Gt (op 0)":
        "when both levels are equal, returning b instead of a returns the same level",
    "spasm_aid/red_flags/guard.py | @lru_cache(maxsize=4) | 4 -> 5":
        "the cache size: one pipeline path is used per process",
    "spasm_aid/red_flags/guard.py | @lru_cache(maxsize=4) | 4 -> 0":
        "no caching makes a guard per call: slower, the same answers",
    "spasm_aid/red_flags/guard.py | @lru_cache(maxsize=1) | 1 -> 2": "the cache size of one table",
    "spasm_aid/red_flags/guard.py | @lru_cache(maxsize=1) | 1 -> 0": "no caching reloads the same table",
    "spasm_aid/red_flags/guard.py | if not Token.has_extension(\"sa_form\"): | 'sa_form' -> 'XX'":
        "the check only avoids registering the extension twice on re-import; in a fresh process it is unregistered",
    "spasm_aid/red_flags/guard.py | self.known_words = known_words if known_words is not None else compute_known_words() | IsNot -> Is (op 0)":
        "the known-words file is the saved computation (a test checks the round trip): same words either way",
    "spasm_aid/red_flags/guard.py | self.names = names if names is not None else compute_probable_names() | IsNot -> Is (op 0)":
        "the names file is the saved computation (a test checks the round trip): same names either way",
    "spasm_aid/red_flags/guard.py | self.helper_cues.add(\"helper\", [self._compile(p, path) for p in raw[\"helper_cues\"]]) | 'helper' -> 'XX'":
        "the matcher's label is never read: any helper-cue match counts",
    "spasm_aid/red_flags/guard.py | spec = spec.rstrip(\"?\") | '?' -> 'XX'":
        "rstrip takes a set of characters: 'XX?XX' still strips the '?', and no lexicon word ends in X",
    "spasm_aid/red_flags/guard.py | if owner == \"unrelated\": | 'unrelated' -> 'XX'":
        "an unrelated owner then falls through to `return owner`, which is 'unrelated' too",
    "spasm_aid/red_flags/guard.py | following = doc[i + 1].norm_ if i + 1 < len(doc) else \"\" | Lt -> LtE (op 0)":
        "i < start <= len(doc) - 1, so i + 1 < len(doc) always holds",
    "spasm_aid/rasa_components/safety_policy.py | DEFAULT_PRIORITY = 7  # above RulePolicy (6): the emergency reply wins every tie | 7 -> 8":
        "any priority above RulePolicy's 6 wins the same ties (a test pins 7 > 6)",
    "spasm_aid/rasa_components/safety_policy.py | last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=-1) | 1 -> 2":
        "any negative default means 'no user message yet'",
    "spasm_aid/rasa_components/safety_policy.py | this_turn = events[last_user + 1 :] if last_user >= 0 else [] | Add -> Sub":
        "the event before a user message is always action_listen, which no decision looks for",
    "spasm_aid/rasa_components/safety_policy.py | this_turn = events[last_user + 1 :] if last_user >= 0 else [] | 1 -> 0":
        "the user message itself is not an ActionExecuted, so the actions of the turn are the same",
    "spasm_aid/rasa_components/safety_policy.py | for event in reversed(events[: max(last_user, 0)]): | 0 -> 1":
        "with no user message the first event is action_listen, which the scan skips anyway",
}

TIMEOUT = 120  # seconds per mutant: a mutant that loops forever counts as killed

COMPARE_SWAPS: Dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
BINOP_SWAPS: Dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Mod: ast.Mult}


@dataclass
class Mutant:
    module: str
    index: int  # the n-th mutation point of the module, in walking order
    line: int
    description: str
    source: str = ""  # the line mutated, as written (keys survive edits elsewhere in the file)
    column: int = 0  # where on the line: two mutations of one line differ by it
    outcome: str = ""  # killed, survived, timeout, error
    seconds: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.module} | {self.source} | col {self.column}: {self.description}"


# Lines whose every listed mutation is equivalent wherever on the line it falls (keys without a
# column); EQUIVALENT below adds the column-precise ones.
_EQUIVALENT_BY_LINE.update({
    "spasm_aid/red_flags/guard.py | if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)): | Sub -> Add":
        "extra start positions give slices shorter than the phrase, which never equal it",
    "spasm_aid/red_flags/guard.py | if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)): | 1 -> 2":
        "the extra start position gives a slice shorter than the phrase, which never equals it",
    "spasm_aid/red_flags/guard.py | if not path.is_absolute() and not path.exists(): | And -> Or":
        "an absolute path that exists is used either way; one that does not exists nowhere",
    "spasm_aid/red_flags/guard.py | if not text or not text.strip(): | Or -> And":
        "empty or blank text has no tokens to match: the result is empty either way",
})
EQUIVALENT: Dict[str, str] = {
    'spasm_aid/red_flags/guard.py | following = doc[i + 1].norm_ if i + 1 < len(doc) else "" | col 36: 1 -> 0':
        "i < start < len(doc), so i < len(doc) always holds, as i + 1 < len(doc) does",
    'spasm_aid/red_flags/guard.py | if word == "not" and i > 0 and doc[i - 1].norm_ in ("can", "could"): | col 59: \'could\' -> \'XX\'':
        "norm_ is the lemma, and the lemma of 'could' is 'can': the second word is never compared",
    "spasm_aid/red_flags/guard.py | if any(doc[j].norm_ in HEDGE_WORDS for j in range(i + 1, min(start, i + 3))): | col 54: 1 -> 0":
        "the extra word is the negation cue itself, and no cue is a hedge word",
}


def is_equivalent(mutant: "Mutant") -> Optional[str]:
    line_key = f"{mutant.module} | {mutant.source} | {mutant.description}"
    return EQUIVALENT.get(mutant.key) or _EQUIVALENT_BY_LINE.get(line_key)


def _docstring_nodes(tree: ast.AST) -> set:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _message_nodes(tree: ast.AST) -> set:
    """Strings that only go into error or log messages: changing them changes no behaviour the
    safety tests are about (errors' wording is tested where it matters, elsewhere)."""
    ids = set()
    for node in ast.walk(tree):
        calls = []
        if isinstance(node, ast.Raise) and node.exc is not None:
            calls.append(node.exc)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "debug", "info", "warning", "error", "exception"
        ):
            calls.append(node)
        for call in calls:
            for sub in ast.walk(call):
                if isinstance(sub, (ast.Constant, ast.JoinedStr)):
                    ids.add(id(sub))
                    for part in ast.walk(sub):
                        ids.add(id(part))
    return ids


def _annotation_nodes(tree: ast.AST) -> set:
    ids = set()
    for node in ast.walk(tree):
        annotations: List[Optional[ast.expr]] = []
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
            annotations += [a.annotation for a in node.args.args + node.args.kwonlyargs]
        for annotation in annotations:
            for sub in ast.walk(annotation) if annotation is not None else ():
                ids.add(id(sub))
    return ids


def _word_list_nodes(tree: ast.AST) -> set:
    """Words in word lists (sets of negation cues, people, past phrases, ...): data, like the
    lexicon, which the evaluation sets measure; mutating one word at a time would measure how
    many words the tests name, not whether the logic is tested."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and len(node.elts) >= 4:
            for element in node.elts:
                for sub in ast.walk(element):
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        ids.add(id(sub))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
            if isinstance(node.func.value, ast.Constant):
                ids.add(id(node.func.value))
    return ids


# (node, description, (field, position, replacement)); nodes of several AST types: typed loosely
MutationPoint = Tuple[Any, str, Tuple[str, Optional[int], Any]]


def mutation_points(tree: ast.AST) -> Iterator[MutationPoint]:
    """(node, description, replacement) for every mutation of the tree, in a stable order."""
    skip = _docstring_nodes(tree) | _message_nodes(tree) | _annotation_nodes(tree) | _word_list_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = COMPARE_SWAPS.get(type(op))
                if swap:
                    yield node, f"{type(op).__name__} -> {swap.__name__} (op {i})", ("ops", i, swap())
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield node, f"{type(node.op).__name__} -> {other.__name__}", ("op", None, other())
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "drop not", ("unwrap", None, None)
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
            swap = BINOP_SWAPS[type(node.op)]
            yield node, f"{type(node.op).__name__} -> {swap.__name__}", ("op", None, swap())
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                yield node, f"{value} -> {not value}", ("value", None, not value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                yield node, f"{value!r} -> {value + 1!r}", ("value", None, value + 1)
                if value != 0:
                    yield node, f"{value!r} -> 0", ("value", None, type(value)(0))
            elif isinstance(value, str) and value:
                yield node, f"{value[:30]!r} -> 'XX'", ("value", None, "XX" + value + "XX")


class _Apply(ast.NodeTransformer):
    def __init__(self, target_index: int) -> None:
        self.target_index = target_index

    def run(self, tree: ast.AST) -> ast.AST:
        points = list(mutation_points(tree))
        node, _, (field, position, replacement) = points[self.target_index]
        if field == "ops":
            node.ops[position] = replacement
        elif field == "op":
            node.op = replacement
        elif field == "value":
            node.value = replacement
        elif field == "unwrap":
            self.unwrap = node
            tree = self.visit(tree)
        return ast.fix_missing_locations(tree)

    def visit_UnaryOp(self, node: ast.UnaryOp):
        if node is getattr(self, "unwrap", None):
            return node.operand
        return self.generic_visit(node)


def list_mutants(module: str) -> List[Mutant]:
    source = (ROOT / module).read_text()
    lines = source.splitlines()
    tree = ast.parse(source, module)
    mutants = []
    for i, (node, description, _) in enumerate(mutation_points(tree)):
        line = getattr(node, "lineno", 0)
        text = lines[line - 1] if line else ""
        column = getattr(node, "col_offset", 0) - (len(text) - len(text.lstrip()))
        mutants.append(Mutant(module, i, line, description, text.strip(), column))
    return mutants


def module_name(module: str) -> str:
    return module[:-3].replace("/", ".")


def _install(module: str, index: Optional[int]) -> None:
    """Put the (mutated) module into sys.modules before anything imports it."""
    source = (ROOT / module).read_text()
    tree: Any = ast.parse(source, module)  # a Module, mutated in place
    if index is not None:
        tree = _Apply(index).run(copy.deepcopy(tree))
    name = module_name(module)
    package, _, leaf = name.rpartition(".")
    __import__(package)
    mod = types.ModuleType(name)
    mod.__file__ = str(ROOT / module)
    mod.__package__ = package
    sys.modules[name] = mod
    exec(compile(tree, str(ROOT / module), "exec"), mod.__dict__)
    setattr(sys.modules[package], leaf, mod)


def _child(module: str, index: Optional[int], tests: List[str]) -> int:
    import pytest

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        _install(module, index)
    except Exception:
        return 3  # the mutant does not even import: killed
    return int(pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-W", "ignore"]))


def run_one(module: str, index: Optional[int], tests: List[str]) -> Tuple[str, float]:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = _child(module, index, tests)
        finally:
            os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > TIMEOUT:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - started
        time.sleep(0.05)
    code = os.waitstatus_to_exitcode(status)
    return ("survived" if code == 0 else "killed"), time.monotonic() - started


def preload() -> None:
    """Import the heavy third-party libraries once, in the parent (never the modules mutated)."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    logging.disable(logging.WARNING)
    import pytest  # noqa: F401
    import rapidfuzz  # noqa: F401
    import rasa.core.policies.policy  # noqa: F401
    import rasa.engine.graph  # noqa: F401
    import rasa.nlu.classifiers.classifier  # noqa: F401
    import rasa.shared.core.domain  # noqa: F401
    import rasa.shared.core.trackers  # noqa: F401
    import spacy  # noqa: F401
    import yaml  # noqa: F401


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=list(MODULES), help="only these (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, help="at most this many mutants per module (evenly spaced)")
    parser.add_argument("--report", default=str(ROOT / "reports" / "mutation.json"))
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    preload()
    results: Dict[str, dict] = {}
    started = time.monotonic()
    for module in args.module or list(MODULES):
        tests = MODULES[module]
        baseline, seconds = run_one(module, None, tests)
        if baseline != "survived":
            print(f"{module}: its tests fail without any mutation ({baseline}); fix them first.", file=sys.stderr)
            return 2
        mutants = list_mutants(module)
        if args.limit and len(mutants) > args.limit:
            step = len(mutants) / args.limit
            mutants = [mutants[int(i * step)] for i in range(args.limit)]
        running: Dict[int, Tuple[Mutant, float]] = {}
        queue = list(mutants)
        while queue or running:
            while queue and len(running) < args.jobs:
                mutant = queue.pop(0)
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        code = _child(module, mutant.index, tests)
                    finally:
                        os._exit(code)
                running[pid] = (mutant, time.monotonic())
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                for other, (mutant, since) in list(running.items()):
                    if time.monotonic() - since > TIMEOUT:
                        os.kill(other, signal.SIGKILL)
                        os.waitpid(other, 0)
                        mutant.outcome, mutant.seconds = "timeout", TIMEOUT
                        del running[other]
                time.sleep(0.02)
                continue
            mutant, since = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            mutant.outcome = "survived" if code == 0 else "killed"
            mutant.seconds = round(time.monotonic() - since, 2)
            finished = sum(1 for m in mutants if m.outcome)
            if finished % 25 == 0:
                print(f"  {module}: {finished}/{len(mutants)}", file=sys.stderr, flush=True)
        survived = [m for m in mutants if m.outcome == "survived"]
        equivalent = [m for m in survived if is_equivalent(m)]
        missed = [m for m in survived if not is_equivalent(m)]
        considered = len(mutants) - len(equivalent)
        score = round((considered - len(missed)) / considered, 4) if considered else None
        results[module] = {
            "tests": tests,
            "baseline_seconds": round(seconds, 1),
            "mutants": len(mutants),
            "killed": sum(1 for m in mutants if m.outcome in ("killed", "timeout")),
            "equivalent": len(equivalent),
            "survived": len(missed),
            "score_non_equivalent": score,
            "surviving": [m.key for m in missed],
            "equivalent_with_reasons": {m.key: is_equivalent(m) for m in equivalent},
        }
        print(f"{module}: {len(mutants)} mutants, {results[module]['killed']} killed, {len(equivalent)} equivalent, "
              f"{len(missed)} survived: {score:.1%} of non-equivalent mutants killed" if score is not None else module)
        for m in missed:
            print(f"    survived  {m.key}")
    report = {"seconds": round(time.monotonic() - started), "modules": results}
    write_report(Path(args.report), report)
    print(f"Written: {args.report} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
