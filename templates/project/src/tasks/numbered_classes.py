"""A classifier that must be fitted on classes numbered 0..k-1 (XGBoost's), made to take
and give the target's values, as every model here does. Saved inside the model: imported
when a model is loaded."""

from typing import Any

from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.preprocessing import LabelEncoder


class NumberedClasses(ClassifierMixin, BaseEstimator):
    """`estimator` fitted on the classes' numbers (in the order of their names); its
    predictions are the names again, its probabilities in the order of classes_."""

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any) -> "NumberedClasses":
        self.encoder_ = LabelEncoder().fit(y)
        self.classes_ = self.encoder_.classes_
        self.estimator_ = clone(self.estimator).fit(X, self.encoder_.transform(y))
        return self

    def predict(self, X: Any) -> Any:
        return self.encoder_.inverse_transform(self.estimator_.predict(X))

    def predict_proba(self, X: Any) -> Any:
        return self.estimator_.predict_proba(X)
