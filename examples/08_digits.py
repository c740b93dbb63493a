# %% [markdown]
# # Lesson 8: real data. An MLP and a small CNN read handwritten digits
#
# The data are the 1797 8x8 grey images of scikit-learn's digits (installed with scikit-learn,
# no download), split into train and test. Training is the loop every framework uses:
#
#     for X, y in loader:                  # mini-batches, shuffled each epoch
#         loss = cross_entropy(model(X), y)
#         optimizer.zero_grad(); loss.backward(); optimizer.step()
#
# The MLP sees each image as 64 numbers. The CNN slides 3x3 filters over the image, so a pattern
# is recognised wherever it appears, with fewer weights. Test accuracy is measured on images the
# models never trained on.
#
# Run it: `tinygrad-edu digits` or `python examples/08_digits.py`.

# %%
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import data, nn, optim, viz
from tinygrad_edu.curriculum.common import Log, is_quick, out_folder, progress, show_loss, table

TEST_SIZE = 360  # of 1797 images, as scikit-learn's usual 80/20 split

# %% [markdown]
# ## Two models

# %%
def make_mlp(hidden: int = 64) -> nn.Sequential:
    """64 pixels -> hidden -> 10 logits."""
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


class DigitCNN(nn.Module):
    """(B, 64) -> image (B, 1, 8, 8) -> conv 3x3 -> (B, C, 8, 8) -> max-pool 2 -> (B, C, 4, 4) -> 10 logits."""

    def __init__(self, channels: int = 8):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels * 4 * 4, 10)

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        x = x.reshape(-1, 1, 8, 8)
        x = self.pool(self.conv(x).relu())
        return self.fc(x.flatten(1))


# %% [markdown]
# ## The data and the training loop

# %%
def split(X: tg.Tensor, y: tg.Tensor, seed: int):
    """A shuffled train/test split: the last TEST_SIZE images of a seeded permutation are the test set."""
    order = np.random.default_rng(seed).permutation(len(X))
    train, test = order[:-TEST_SIZE], order[-TEST_SIZE:]
    return X[train], y[train], X[test], y[test]


def train(model: nn.Module, loader, epochs: int, lr: float, desc: str, progress_bar: bool) -> list[float]:
    """Adam on cross-entropy; returns the loss of every mini-batch."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    model.train()
    bar = progress(range(epochs * len(loader)), progress_bar, desc)
    steps = iter(bar)
    for _ in range(epochs):
        for X, y in loader:
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            next(steps, None)
            show_loss(bar, losses[-1], 5, len(losses))
    if hasattr(bar, "close"):
        bar.close()
    return losses


def predict(model: nn.Module, X: tg.Tensor) -> np.ndarray:
    model.eval()
    with tg.no_grad():
        return model(X).argmax(-1).numpy()


# %% [markdown]
# ## Run the lesson
#
# Both models train on the same mini-batches; the loss is drawn per mini-batch (the x axis counts
# mini-batches, not epochs), then the CNN's confusion matrix and the test images it got wrong.

# %%
def run(quick: bool = False, out_dir=None, seed: int = 0, log: Log = print, progress_bar: bool = False,
        epochs: int | None = None, lr: float = 0.01, hidden: int = 64, batch_size: int = 32) -> dict:
    tg.manual_seed(seed)
    out = out_folder(out_dir, "digits")
    quick = is_quick(quick)
    epochs = epochs or (5 if quick else 20)
    X_train, y_train, X_test, y_test = split(*data.load_digits(), seed)
    train_set = data.TensorDataset(X_train, y_train)
    log(f"{len(X_train)} training and {len(X_test)} test images of 8x8 pixels.")

    models = {"MLP": make_mlp(hidden), "CNN": DigitCNN()}
    result, rows, figures, losses = {"accuracy": {}}, [], [], {}
    for name, model in models.items():
        loader = data.DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed)
        losses[name] = train(model, loader, epochs, lr, f"{name} on digits", progress_bar)
        preds = predict(model, X_test)
        accuracy = float((preds == y_test.numpy()).mean())
        result["accuracy"][name] = accuracy
        rows.append([name, sum(p.numel() for p in model.parameters()), epochs, f"{100 * accuracy:.1f}%"])
        result[f"{name}_predictions"] = preds
    log("Test accuracy:")
    result["table"] = table(["model", "parameters", "epochs", "test accuracy"], rows, log)

    figures.append(out / "loss.png")
    batches = len(data.DataLoader(train_set, batch_size=batch_size))
    viz.plot_loss(losses, title=f"Digits: training loss, {epochs} epochs of {batches} mini-batches",
                  xlabel=f"mini-batch ({batches} per epoch)", save=figures[-1])
    preds, targets = result["CNN_predictions"], y_test.numpy()
    figures.append(out / "confusion.png")
    viz.plot_confusion(preds, targets, title="CNN: confusion matrix (test set)", save=figures[-1])
    mistakes = np.flatnonzero(preds != targets)
    wrong = mistakes[:24]  # at most three rows of eight
    if len(wrong) < len(mistakes):
        shown = f"the first {len(wrong)} of its {len(mistakes)} mistakes on {len(targets)} test images"
    else:
        shown = f"its {len(mistakes)} mistakes on {len(targets)} test images"
    if len(wrong):
        figures.append(out / "misclassified.png")
        viz.plot_images(X_test.numpy()[wrong].reshape(-1, 8, 8), targets[wrong], preds=preds[wrong],
                        title=f"The CNN: {shown}, true → predicted", save=figures[-1])
    log(f"The CNN got {len(mistakes)} of {len(targets)} test images wrong"
        f"{f' (the figure shows the first {len(wrong)})' if len(wrong) < len(mistakes) else ''}.")
    result["losses"] = losses
    result["figures"] = figures
    result["captions"] = {
        "loss.png": f"Cross-entropy per mini-batch ({batches} per epoch, {epochs} epochs): noisy, because each "
                    "batch is a different sample of the data.",
        "confusion.png": "The CNN on the test set: rows are the true digits, columns its predictions; "
                         "off-diagonal counts are its mistakes.",
        "misclassified.png": f"The CNN on the test set: {shown}, each as true digit → its guess; the confusion "
                             "matrix counts the same mistakes."}
    return result

# %%
if __name__ == "__main__":
    viz.show(run(progress_bar=True))  # a notebook shows the figures under their captions; a script prints their paths
