"""The candidate models, the metric that picks one, and the gates it must pass: declared
once. train_model fits every setting of every candidate's grid in parallel (one Flyte
task each), scores it on the test set, and keeps the best; evaluate checks the gates.

A candidate is a name, any scikit-learn-compatible estimator (its import path), and a
grid: each parameter with the values to try. Add a row to try another model; each
setting is cached on its own, so the next run trains only the new ones. The data's
preprocessing (tasks/features.py) is put in front of every estimator. A classifier
without probabilities (LinearSVC, RidgeClassifier) is calibrated into giving them
(scikit-learn's CalibratedClassifierCV): the metrics and the report need them."""

from tasks.declarations import Candidate, Gates

CLASSIFIERS = [
    Candidate(
        "logistic_regression",
        "sklearn.linear_model.LogisticRegression",
        {"C": [0.1, 1.0, 10.0], "max_iter": [1000]},
    ),
    Candidate(
        "hist_gradient_boosting",
        "sklearn.ensemble.HistGradientBoostingClassifier",
        {"learning_rate": [0.05, 0.1], "max_leaf_nodes": [15], "random_state": [0]},
    ),
    Candidate(
        "random_forest",
        "sklearn.ensemble.RandomForestClassifier",
        {"n_estimators": [100], "min_samples_leaf": [1, 5], "random_state": [0]},
    ),
]

REGRESSORS = [
    Candidate("ridge", "sklearn.linear_model.Ridge", {"alpha": [0.1, 1.0, 10.0]}),
    Candidate(
        "hist_gradient_boosting",
        "sklearn.ensemble.HistGradientBoostingRegressor",
        {"learning_rate": [0.05, 0.1], "max_leaf_nodes": [15], "random_state": [0]},
    ),
    Candidate(
        "random_forest",
        "sklearn.ensemble.RandomForestRegressor",
        {"n_estimators": [100], "min_samples_leaf": [1, 5], "random_state": [0]},
    ),
]

# Per problem type: the candidates, and the metric on the test set that picks the best
# (roc_auc, average_precision, f1, accuracy, log_loss; f1_macro, balanced_accuracy;
# rmse, mae, r2). rmse, mae and log_loss are better when lower.
CANDIDATES = {
    "binary": CLASSIFIERS,
    "multiclass": CLASSIFIERS,
    "regression": REGRESSORS,
}
SELECTION_METRIC = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "rmse"}

# Checked on the validation set after the report is written; a failing gate fails the
# run. min_score: the selection metric must reach it (at most it, for lower-is-better
# metrics); max_drop: how much worse than the previous run it may be.
GATES = Gates(beat_baseline=True, min_score=None, max_drop=None)

# How many candidate settings Flyte trains at once.
CONCURRENCY = 4
