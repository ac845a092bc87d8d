"""Train the text-dump segment classifier on the WCXB dev *train* split.

    python scripts/train_text_model.py [--bench ../shared/bench] [--out src/cleanhealth/data/text_model.json]

Labels come from aligning each segment of a page's `.scrape.txt` with the page's gold
text: a segment is content when its normalised words occur, as a run, in the gold.
Two logistic regressions are fitted (stage 1 on the segment's own features, stage 2
adding the neighbours' out-of-fold stage-1 probabilities); the keep threshold is the
one that maximises mean page F1 on the training pages. Deterministic: same data, same
weights. Needs scipy (training only; running the model needs numpy alone).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from cleanhealth.evaluate.bench import default_bench_root, load_pages
from cleanhealth.evaluate.metric import TOKEN, prf
from cleanhealth.extract.features import line_key, prepare, stage2_features
from cleanhealth.extract.lexicon import load_lexicon
from cleanhealth.extract.model import Logistic, Mlp
from cleanhealth.extract.text import build_template_lines

L2 = 1.0  # ridge penalty on standardised coefficients (keeps rare lexicon features sane)
FOLDS = 2  # out-of-fold stage-1 probabilities for stage-2 training
HIDDEN = 24  # stage-2 hidden units
MLP_L2 = 1.0
MLP_ITER = 400
SEED = 13


def norm(text: str) -> str:
    return " " + " ".join(TOKEN.findall(text.lower())) + " "


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Logistic:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    wn = w / w.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, b = theta[:-1], theta[-1]
        s = z @ coef + b
        p = 1 / (1 + np.exp(-np.clip(s, -30, 30)))
        ll = -(wn * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        ll += L2 * 0.5 * (coef @ coef) / len(y)
        g = wn * (p - y)
        grad = np.concatenate([z.T @ g + L2 * coef / len(y), [g.sum()]])
        return ll, grad

    res = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return Logistic(mean, scale, res.x[:-1], float(res.x[-1]))


def fit_mlp(x: np.ndarray, y: np.ndarray, w: np.ndarray, hidden: int) -> Mlp:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    wn = w / w.sum()
    d = z.shape[1]
    rng = np.random.default_rng(SEED)
    shapes = [(d, hidden), (hidden,), (hidden,), ()]
    sizes = [int(np.prod(s)) for s in shapes]

    def unpack(theta):
        out, pos = [], 0
        for shp, size in zip(shapes, sizes):
            out.append(theta[pos:pos + size].reshape(shp) if shp else theta[pos])
            pos += size
        return out

    def loss(theta):
        w1, b1, w2, b2 = unpack(theta)
        h = np.tanh(z @ w1 + b1)
        s = h @ w2 + b2
        p = 1 / (1 + np.exp(-np.clip(s, -30, 30)))
        ll = -(wn * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        ll += MLP_L2 * 0.5 * ((w1 ** 2).sum() + (w2 ** 2).sum()) / len(y)
        g = wn * (p - y)
        gw2 = h.T @ g + MLP_L2 * w2 / len(y)
        gb2 = g.sum()
        gh = np.outer(g, w2) * (1 - h ** 2)
        gw1 = z.T @ gh + MLP_L2 * w1 / len(y)
        gb1 = gh.sum(axis=0)
        return ll, np.concatenate([gw1.ravel(), gb1, gw2, [gb2]])

    theta0 = np.concatenate([rng.normal(0, 1 / np.sqrt(d), d * hidden), np.zeros(hidden),
                             rng.normal(0, 1 / np.sqrt(hidden), hidden), [0.0]])
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": MLP_ITER})
    w1, b1, w2, b2 = unpack(res.x)
    return Mlp(mean, scale, w1, b1, w2, float(b2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/cleanhealth/data/text_model.json")
    args = ap.parse_args(argv)
    root = args.bench or default_bench_root()
    if root is None:
        print("benchmark not found (../shared/bench); pass --bench", file=sys.stderr)
        return 2
    lex = load_lexicon()
    started = time.time()
    pages = load_pages(root, "wcxb-dev", split="train")
    template = build_template_lines(p.scrape for p in pages)
    data = []
    for page in pages:
        prep = prepare(page.scrape, lex, template)
        if not prep.segs:
            continue
        gold = norm(page.gold)
        y = np.array([1.0 if (info.tokens and norm(" ".join(info.tokens)) in gold) else 0.0 for info in prep.infos])
        ntok = np.array([max(len(i.tokens), 1) for i in prep.infos], dtype=float)
        # Each page weighs the same in total (the metric averages pages); inside a page
        # a segment weighs by its words, with a floor so short lines still count.
        w = (np.minimum(ntok, 200) + 2.0)
        w = w / w.sum()
        data.append((page, prep, y, w))
    print(f"{len(data)} training pages, {sum(len(d[2]) for d in data)} segments ({time.time() - started:.1f}s)")

    def stack(idx, key):
        return np.vstack([key(data[i]) for i in idx]) if idx else np.zeros((0, 1))

    all_idx = list(range(len(data)))
    x1 = stack(all_idx, lambda d: d[1].f1)
    y = np.concatenate([d[2] for d in data])
    w = np.concatenate([d[3] for d in data])
    # out-of-fold stage-1 probabilities
    oof: list[np.ndarray | None] = [None] * len(data)
    for fold in range(FOLDS):
        tr = [i for i in all_idx if i % FOLDS != fold]
        te = [i for i in all_idx if i % FOLDS == fold]
        m = fit(stack(tr, lambda d: d[1].f1), np.concatenate([data[i][2] for i in tr]), np.concatenate([data[i][3] for i in tr]))
        for i in te:
            oof[i] = m.predict(data[i][1].f1)
    stage1 = fit(x1, y, w)
    x2 = np.vstack([stage2_features(d[1].f1, oof[i], d[1].infos) for i, d in enumerate(data)])
    stage2 = fit_mlp(x2, y, w, HIDDEN)
    # threshold: best mean page F1 on the training pages (model decisions only)
    probs = []
    for d in data:
        p1 = stage1.predict(d[1].f1)
        probs.append(stage2.predict(stage2_features(d[1].f1, p1, d[1].infos)))
    best = (0.0, 0.5)
    for t in np.arange(0.2, 0.75, 0.025):
        f = np.mean([prf(d[0].gold, "\n".join(s.text for s, pp in zip(d[1].segs, p) if pp >= t))[2]
                     for d, p in zip(data, probs)])
        best = max(best, (float(f), float(t)))
    print(f"threshold {best[1]:.3f}: train mean F1 {best[0]:.4f}")
    out = {
        "stage1": stage1.to_json(), "stage2": stage2.to_json(), "threshold": round(best[1], 3),
        "info": {"trained_on": "wcxb-dev train split", "pages": len(data), "segments": int(len(y)),
                 "train_f1": round(best[0], 4), "features": int(x2.shape[1]), "reasons": list(lex.names)},
    }
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) in {time.time() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
