"""The two-stage logistic-regression segment classifier: weights from a JSON data file.

Training (scripts/train_text_model.py) needs scipy; running needs only numpy: a
standardised dot product per stage. The file records the feature count so that a
feature change without retraining fails loudly instead of scoring garbage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

MODEL_FILE = "text_model.json"


def _standardise(x: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Scale features as in training; a feature count that differs means stale weights."""
    if x.shape[1] != mean.shape[0]:
        raise ValueError(f"text model expects {mean.shape[0]} features, got {x.shape[1]}: retrain it")
    return (x - mean) / scale


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        return _sigmoid(_standardise(x, self.mean, self.scale) @ self.coef + self.bias)

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(), "bias": self.bias}

    @classmethod
    def from_json(cls, d: dict) -> "Logistic":
        return cls(np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]), float(d["bias"]))


@dataclass(frozen=True)
class Mlp:
    """One tanh hidden layer and a logistic output: the stage-2 model (interactions
    such as 'short AND inside the article region' that a linear model cannot express)."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        h = np.tanh(_standardise(x, self.mean, self.scale) @ self.w1 + self.b1)
        return _sigmoid(h @ self.w2 + self.b2)

    def to_json(self) -> dict:
        return {"type": "mlp", "mean": self.mean.tolist(), "scale": self.scale.tolist(), "w1": self.w1.tolist(),
                "b1": self.b1.tolist(), "w2": self.w2.tolist(), "b2": self.b2}

    @classmethod
    def from_json(cls, d: dict) -> "Mlp":
        return cls(np.array(d["mean"]), np.array(d["scale"]), np.array(d["w1"]), np.array(d["b1"]),
                   np.array(d["w2"]), float(d["b2"]))


def _from_json(d: dict) -> "Logistic | Mlp":
    return Mlp.from_json(d) if d.get("type") == "mlp" else Logistic.from_json(d)


@dataclass(frozen=True)
class TextModel:
    stage1: "Logistic | Mlp"
    stage2: "Logistic | Mlp"
    threshold: float  # keep a segment when its stage-2 probability reaches this
    info: dict


@cache
def load_model() -> TextModel | None:
    """The shipped model, or None when no model file is present (rules only)."""
    path = resources.files("cleanhealth").joinpath("data", MODEL_FILE)
    if not path.is_file():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    return TextModel(_from_json(d["stage1"]), _from_json(d["stage2"]), float(d["threshold"]),
                     d.get("info", {}))
