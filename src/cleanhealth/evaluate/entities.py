"""`python -m cleanhealth.evaluate entities`: the tagger on the labelled dev set.

Prints entity precision/recall/F1 by label (exact span and label), code coverage,
concept consistency (mentions of one gold concept get one code), the homograph-trap
false-positive rate, negation accuracy on the probe set for cleanhealth's rules and
for negspacy's NegEx, and the worst misses and false alarms. Data: tests/data/entities/
(dev_set.txt, traps.tsv, negation_probe.tsv), annotated per docs/ENTITY_GUIDELINES.md.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..tag.vocab import LABELS

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "entities"
MENTION = re.compile(r"\[([^\[\]]+)\]\{([A-Z]+):([^{}]+)\}")
WORST = 15  # how many misses / false alarms to list
# The dev set is several files so that parts annotated separately stay separate:
# dev_set.txt (short excerpts and written pages), dev_pages.txt (the whole clean text of
# every page in raw/pages), dev_web.txt (whole wcxb-dev health pages' gold text).
DEV_FILES = ("dev_set.txt", "dev_pages.txt", "dev_web.txt")


@dataclass
class GoldDoc:
    doc_id: str
    source: str
    text: str
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, label, concept


def parse_markup(body: str) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Strip '[text]{LABEL:concept}' markup, returning the text and the mention offsets."""
    out, spans, pos = [], [], 0
    length = 0
    for m in MENTION.finditer(body):
        chunk = body[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        surface, label, concept = m.group(1), m.group(2), m.group(3).strip()
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r} in {m.group(0)!r}")
        spans.append((length, length + len(surface), label, concept))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(body[pos:])
    text = "".join(out)
    if "]{" in text:
        raise ValueError(f"malformed mention near {text[text.index(']{') - 30:text.index(']{') + 30]!r}")
    return text, spans


def load_dev(path: Path) -> list[GoldDoc]:
    docs: list[GoldDoc] = []
    header: tuple[str, str] | None = None
    lines: list[str] = []

    def flush() -> None:
        if header is not None:
            text, spans = parse_markup("\n".join(lines).strip("\n"))
            docs.append(GoldDoc(header[0], header[1], text, spans))

    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#") and header is None:
            continue
        if line.startswith("=== "):
            flush()
            doc_id, _, source = line[4:].partition("|")
            header, lines = (doc_id.strip(), source.strip()), []
        else:
            lines.append(line)
    flush()
    return docs


def load_dev_set(data: Path) -> list[GoldDoc]:
    """All dev-set documents: every file of DEV_FILES that exists under `data`, in order."""
    docs: list[GoldDoc] = []
    for name in DEV_FILES:
        if (data / name).exists():
            docs.extend(load_dev(data / name))
    return docs


def load_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate_dev(tagger, docs: list[GoldDoc]) -> dict:
    counts = {lab: Counter() for lab in LABELS}
    misses, alarms = Counter(), Counter()
    predicted = coded = 0
    concept_codes: dict[str, set] = defaultdict(set)
    words = 0
    for doc in docs:
        words += len(doc.text.split())
        gold = {(s, e, lab): concept for s, e, lab, concept in doc.spans}
        ents = tagger(doc.text)
        pred = {(e.start, e.end, e.label): e for e in ents}
        predicted += len(ents)
        coded += sum(1 for e in ents if e.code)
        for key, concept in gold.items():
            if key in pred:
                counts[key[2]]["tp"] += 1
                concept_codes[concept].add((pred[key].vocabulary, pred[key].code))
            else:
                counts[key[2]]["fn"] += 1
                misses[(doc.text[key[0]:key[1]].lower(), key[2])] += 1
        for key, e in pred.items():
            if key not in gold:
                counts[key[2]]["fp"] += 1
                alarms[(e.text.lower(), e.label)] += 1
    by_label = {}
    total = Counter()
    for lab in LABELS:
        c = counts[lab]
        total.update(c)
        by_label[lab] = dict(zip(("precision", "recall", "f1"), prf(c["tp"], c["fp"], c["fn"])),
                             gold=c["tp"] + c["fn"], predicted=c["tp"] + c["fp"])
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    multi = {c: codes for c, codes in concept_codes.items() if codes}
    consistent = sum(1 for codes in multi.values() if len(codes) == 1)
    return {
        "documents": len(docs), "words": words, "gold": total["tp"] + total["fn"], "predicted": predicted,
        "precision": p, "recall": r, "f1": f, "by_label": by_label,
        "coded": coded / predicted if predicted else 0.0,
        "concept_consistency": consistent / len(multi) if multi else 1.0,
        "inconsistent_concepts": {c: sorted(map(str, codes)) for c, codes in multi.items() if len(codes) > 1},
        "worst_misses": [[t, lab, n] for (t, lab), n in misses.most_common(WORST)],
        "worst_false_alarms": [[t, lab, n] for (t, lab), n in alarms.most_common(WORST)],
    }


def evaluate_traps(tagger, rows: list[list[str]]) -> dict:
    tagged = []
    for sentence, trap in rows:
        start = sentence.index(trap)
        end = start + len(trap)
        hits = [e for e in tagger(sentence) if e.start < end and e.end > start]
        if hits:
            tagged.append([sentence, trap, hits[0].label])
    return {"traps": len(rows), "tagged": len(tagged), "rate": len(tagged) / len(rows) if rows else 0.0,
            "tagged_examples": tagged}


def negspacy_negation(rows: list[list[str]]) -> list[bool] | None:
    """negspacy's NegEx (clinical termset) on the same gold spans, for comparison."""
    try:
        import spacy
        import negspacy.negation  # noqa: F401  (importing registers the 'negex' factory)
        from negspacy.termsets import termset
    except ImportError:
        return None
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ts = termset("en_clinical")
    nlp.add_pipe("negex", config={"neg_termset": ts.get_patterns(), "ent_types": ["ENTITY"]})
    negex = nlp.get_pipe("negex")
    out = []
    for sentence, entity, _ in rows:
        doc = nlp.make_doc(sentence)
        for name, proc in nlp.pipeline:
            if name == "negex":
                break
            doc = proc(doc)
        start = sentence.index(entity)
        span = doc.char_span(start, start + len(entity), label="ENTITY", alignment_mode="expand")
        doc.ents = [span]
        doc = negex(doc)
        out.append(bool(doc.ents[0]._.negex))
    return out


def evaluate_negation(tagger, rows: list[list[str]]) -> dict:
    from ..tag.tagger import negation_for_spans

    expected = [r[2].strip().lower() == "true" for r in rows]
    ours = []
    for sentence, entity, _ in rows:
        start = sentence.index(entity)
        ours.append(negation_for_spans(tagger, sentence, [(start, start + len(entity))])[0])
    theirs = negspacy_negation(rows)

    def acc(pred: list[bool] | None) -> float | None:
        return None if pred is None else sum(p == e for p, e in zip(pred, expected)) / len(expected)

    wrong = [[r[0], r[1], r[2]] for r, p, e in zip(rows, ours, expected) if p != e]
    negspacy_wrong = 0 if theirs is None else sum(p != e for p, e in zip(theirs, expected))
    return {"sentences": len(rows), "cleanhealth_accuracy": acc(ours), "negspacy_accuracy": acc(theirs),
            "negspacy_errors": negspacy_wrong, "cleanhealth_errors": wrong}


def evaluate(data: Path) -> dict:
    from ..tag import get_tagger

    started = time.perf_counter()
    tagger = get_tagger()
    load_seconds = time.perf_counter() - started
    result = {"tagger_load_seconds": load_seconds, "tagger_origin": tagger.origin}
    result["dev"] = evaluate_dev(tagger, load_dev_set(data))
    for name in ("heldout", "blind", "blind2", "blind3"):
        path = data / f"{name}_set.txt"
        if path.exists():
            result[name] = evaluate_dev(tagger, load_dev(path))
    result["traps"] = evaluate_traps(tagger, load_tsv(data / "traps.tsv"))
    result["negation"] = evaluate_negation(tagger, load_tsv(data / "negation_probe.tsv"))
    return result


def print_set(name: str, dev: dict) -> None:
    print(f"{name}: {dev['documents']} documents, {dev['words']} words, {dev['gold']} gold mentions, "
          f"{dev['predicted']} predicted")
    print(f"{'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}")
    for lab, m in dev["by_label"].items():
        print(f"{lab:<10} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['gold']:5d} {m['predicted']:5d}")
    print(f"{'ALL':<10} {dev['precision']:6.3f} {dev['recall']:6.3f} {dev['f1']:6.3f}")
    print(f"coded: {dev['coded']:.3f} of predicted entities carry a code")
    print(f"concept consistency: {dev['concept_consistency']:.3f} of gold concepts get one code"
          + (f"; split: {dev['inconsistent_concepts']}" if dev["inconsistent_concepts"] else ""))
    print("worst misses:", "; ".join(f"{t} [{lab}] x{k}" for t, lab, k in dev["worst_misses"]))
    print("worst false alarms:", "; ".join(f"{t} [{lab}] x{k}" for t, lab, k in dev["worst_false_alarms"]))


def print_report(res: dict) -> None:
    print(f"tagger: {res['tagger_origin']} in {res['tagger_load_seconds']:.2f} s")
    print_set("dev set", res["dev"])
    if "heldout" in res:
        print_set("held-out set (annotated blind; misses later seen, see its header)", res["heldout"])
    if "blind" in res:
        print_set("blind set (first measured at F1 0.742; vocabulary grew since, see its header)", res["blind"])
    if "blind2" in res:
        print_set("blind set 2 (first measured at F1 0.777; see its header)", res["blind2"])
    if "blind3" in res:
        print_set("blind set 3 (real seed text; never tuned on)", res["blind3"])
    t = res["traps"]
    print(f"traps tagged: {t['tagged']}/{t['traps']} = {t['rate']:.3f}")
    for s, trap, lab in t["tagged_examples"]:
        print(f"  trap {trap!r} tagged {lab}: {s}")
    n = res["negation"]
    ns = n["negspacy_accuracy"]
    print(f"negation accuracy ({n['sentences']} probes): cleanhealth {n['cleanhealth_accuracy']:.3f}, "
          f"negspacy {'n/a' if ns is None else f'{ns:.3f}'}")
    for s, e, exp in n["cleanhealth_errors"]:
        print(f"  negation wrong for {e!r} (expected {exp}): {s}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with the dev_*.txt files, traps.tsv and negation_probe.tsv")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace) -> int:
    res = evaluate(args.data)
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        print_report(res)
    return 0
