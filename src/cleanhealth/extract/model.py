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


@dataclass(frozen=True)
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        if x.shape[1] != self.coef.shape[0]:
            raise ValueError(f"text model expects {self.coef.shape[0]} features, got {x.shape[1]}: retrain it")
        z = ((x - self.mean) / self.scale) @ self.coef + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(), "bias": self.bias}

    @classmethod
    def from_json(cls, d: dict) -> "Logistic":
        return cls(np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]), float(d["bias"]))


@dataclass(frozen=True)
class TextModel:
    stage1: Logistic
    stage2: Logistic
    threshold: float  # keep a segment when its stage-2 probability reaches this
    info: dict


@cache
def load_model() -> TextModel | None:
    """The shipped model, or None when no model file is present (rules only)."""
    path = resources.files("cleanhealth").joinpath("data", MODEL_FILE)
    if not path.is_file():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    return TextModel(Logistic.from_json(d["stage1"]), Logistic.from_json(d["stage2"]), float(d["threshold"]),
                     d.get("info", {}))
