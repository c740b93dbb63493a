"""The PyTorch beginner tutorials' shapes, run unchanged (`import torch`) through the import mapping.

One test per official tutorial (pytorch/tutorials, beginner_source/): a short
script written here in our own words, that makes the same kind of API calls
in the same order as that tutorial, on synthetic data of the right shapes
(nothing is downloaded), and asserts results of the same kind: a loss that
falls, the shapes and dtypes the tutorial prints. The scripts say `import
torch`; tinygrad_edu answers (tinygrad_edu/torch_compat.py).

The scripts are checked to be right PyTorch, too: with TUTORIALS_UNDER_TORCH=1
they run on the real torch, and every test passes there (`--runxfail`):
    TUTORIALS_UNDER_TORCH=1 python -m pytest -n 0 --runxfail tests/test_tutorials.py
A test marked xfail names what tinygrad_edu still lacks for that tutorial.
"""

import os
import runpy
import textwrap

import numpy as np

from tinygrad_edu.torch_compat import run_script


def run(tmp_path, *parts: str) -> dict:
    """Run the parts, joined, as one script with `import torch` mapped to tinygrad_edu; its globals."""
    path = tmp_path / "tutorial.py"
    path.write_text("".join(textwrap.dedent(part) for part in parts))
    if os.environ.get("TUTORIALS_UNDER_TORCH"):  # check the scripts themselves against the real PyTorch
        return runpy.run_path(str(path))
    namespace, _ = run_script(path)
    return namespace


def falls(losses, factor: float = 0.9) -> bool:
    """The last loss is clearly below the first."""
    return losses[-1] < factor * losses[0]


# ---------------------------------------------------------------- Learning PyTorch with Examples

def test_examples_tensor_polynomial_with_hand_written_gradients(tmp_path):
    ns = run(tmp_path, """
        import math
        import torch

        dtype = torch.float
        device = torch.device("cpu")
        x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
        y = torch.sin(x)
        w = [torch.randn((), device=device, dtype=dtype) for _ in range(4)]
        lr, losses = 2e-6, []
        for step in range(500):
            y_hat = w[0] + w[1] * x + w[2] * x.pow(2) + w[3] * x.pow(3)
            losses.append((y_hat - y).pow(2).sum().item())
            g = 2.0 * (y_hat - y)
            grads = [g.sum()] + [torch.matmul(input=g, other=x.pow(k)).sum() for k in (1, 2, 3)]
            for weight, grad in zip(w, grads):
                weight -= lr * grad
    """)
    assert falls(ns["losses"], 0.5)
    assert ns["x"].dtype == ns["torch"].float32 and ns["w"][0].shape == ()


def test_examples_autograd_custom_function_and_manual_sgd(tmp_path):
    ns = run(tmp_path, """
        import math
        import torch

        class Cube(torch.autograd.Function):
            @staticmethod
            def forward(ctx, t):
                ctx.save_for_backward(t)
                return t ** 3

            @staticmethod
            def backward(ctx, grad_output):
                t, = ctx.saved_tensors
                return grad_output * 3 * t ** 2

        x = torch.linspace(-1, 1, 100)
        y = 0.5 * x ** 3 - 0.2
        a = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
        b = torch.full((), 1.0, dtype=torch.float, requires_grad=True)
        losses = []
        for step in range(200):
            y_hat = a + b * Cube.apply(x)
            loss = (y_hat - y).pow(2).sum()
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                a -= 1e-3 * a.grad
                b -= 1e-3 * b.grad
                a.grad = None
                b.grad = None
    """)
    assert falls(ns["losses"], 0.1)
    assert abs(ns["b"].item() - 0.5) < 0.05


def test_examples_nn_sequential_optim_and_dynamic_module(tmp_path):
    ns = run(tmp_path, """
        import math
        import random
        import torch

        random.seed(0)
        torch.manual_seed(0)  # the dynamic model's start and its random depths: the same run every time
        x = torch.linspace(-math.pi, math.pi, 200)
        y = torch.sin(x)
        powers = torch.tensor([1, 2, 3])
        features = x.unsqueeze(-1).pow(powers)
        model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
        loss_fn = torch.nn.MSELoss(reduction="sum")
        manual = []
        for step in range(100):
            loss = loss_fn(model(features), y)
            manual.append(loss.item())
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in model.parameters():
                    param -= 1e-5 * param.grad

        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
        with_optim = []
        for step in range(100):
            loss = loss_fn(model(features), y)
            with_optim.append(loss.item())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        class Wobbly(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = torch.nn.Parameter(torch.randn(()))
                self.b = torch.nn.Parameter(torch.randn(()))
                self.e = torch.nn.Parameter(torch.randn(()))

            def forward(self, x):
                out = self.a + self.b * x
                for k in range(2, random.randint(3, 4)):  # a different graph on each call
                    out = out + self.e * x ** k
                return out

        wobbly = Wobbly()
        sgd = torch.optim.SGD(wobbly.parameters(), lr=1e-5, momentum=0.9)
        dynamic = []
        for step in range(200):
            loss = loss_fn(wobbly(x), y)
            dynamic.append(loss.item())
            sgd.zero_grad()
            loss.backward()
            sgd.step()
        first = model[0]
        summary = f"y = {first.bias.item()} + {first.weight[:, 0].item()} x"
    """)
    assert falls(ns["manual"]) and falls(ns["with_optim"]) and falls(ns["dynamic"])
    assert ns["features"].shape == (200, 3) and ns["features"].dtype == ns["torch"].float32
    assert ns["summary"].startswith("y = ")


# ---------------------------------------------------------------- Deep Learning with PyTorch: a 60 minute blitz

def test_blitz_tensor(tmp_path):
    ns = run(tmp_path, """
        import numpy as np
        import torch

        empty = torch.empty(5, 3)
        zeros = torch.zeros(5, 3, dtype=torch.long)
        x = torch.tensor([5.5, 3])
        ones = x.new_ones(5, 3, dtype=torch.double)
        noise = torch.randn_like(ones, dtype=torch.float)
        size = noise.size()
        y = torch.rand(5, 3)
        total = torch.empty(5, 3)
        torch.add(noise, y, out=total)
        y.add_(noise)
        column = noise[:, 1]
        square = torch.randn(4, 4)
        flat, halves = square.view(16), square.view(-1, 8)
        one = torch.randn(1).item()
        a = torch.ones(5)
        b = a.numpy()
        a.add_(1)
        arr = np.ones(5)
        shared = torch.from_numpy(arr)
        np.add(arr, 1, out=arr)
        gpu = torch.cuda.is_available()
        as_double = x.to("cpu", torch.double)
    """)
    torch = ns["torch"]
    assert ns["zeros"].dtype == torch.int64 and ns["ones"].dtype == torch.float64
    assert ns["noise"].dtype == torch.float32 and tuple(ns["size"]) == (5, 3) and ns["size"][1] == 3
    np.testing.assert_allclose(ns["y"].numpy(), ns["total"].numpy())
    assert ns["halves"].shape == (2, 8) and isinstance(ns["one"], float)
    assert (ns["b"] == 2).all() and (ns["shared"].numpy() == 2).all()  # memory is shared both ways
    assert ns["gpu"] is False and ns["as_double"].dtype == torch.float64


def test_blitz_autograd(tmp_path):
    ns = run(tmp_path, """
        import torch

        x = torch.ones(2, 2, requires_grad=True)
        y = x + 2
        z = y * y * 3
        out = z.mean()
        a = torch.randn(2, 2)
        a = (a * 3) / (a - 1)
        before = a.requires_grad
        a.requires_grad_(True)
        b = (a * a).sum()
        out.backward()
        v = torch.randn(3, requires_grad=True)
        w = v * 2
        while w.data.norm() < 1000:
            w = w * 2
        w.backward(torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float))
        with torch.no_grad():
            inside = (v ** 2).requires_grad
    """)
    np.testing.assert_allclose(ns["x"].grad.numpy(), np.full((2, 2), 4.5))
    assert ns["y"].grad_fn is not None and ns["before"] is False and ns["b"].grad_fn is not None
    assert ns["v"].grad.shape == (3,) and ns["inside"] is False


LENET = """
    class Net(nn.Module):
        def __init__(self, channels=1):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(channels, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

        def num_flat_features(self, x):
            count = 1
            for s in x.size()[1:]:
                count *= s
            return count
"""


def test_blitz_neural_networks(tmp_path):
    ns = run(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim
    """, LENET, """
        net = Net()
        params = list(net.parameters())
        image = torch.randn(1, 1, 32, 32)
        out = net(image)
        net.zero_grad()
        out.backward(torch.randn(1, 10))
        target = torch.randn(10).view(1, -1)
        criterion = nn.MSELoss()
        loss = criterion(net(image), target)
        chain = [loss.grad_fn, loss.grad_fn.next_functions[0][0]]
        net.zero_grad()
        loss.backward()
        bias_grad = net.conv1.bias.grad
        optimizer = optim.SGD(net.parameters(), lr=0.01)
        losses = []
        for step in range(20):
            optimizer.zero_grad()
            loss = criterion(net(image), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    """)
    assert len(ns["params"]) == 10 and tuple(ns["params"][0].size()) == (6, 1, 5, 5)
    assert ns["out"].shape == (1, 10) and ns["bias_grad"].shape == (6,)
    assert all(node is not None for node in ns["chain"])
    assert falls(ns["losses"])


def test_blitz_cifar10(tmp_path):
    ns = run(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim
        from torch.utils.data import DataLoader, TensorDataset

        torch.manual_seed(0)
        images = torch.randn(64, 3, 32, 32)
        labels = torch.randint(0, 10, (64,))
        images[:, 0] += labels.view(-1, 1, 1).float() / 5  # something to learn
        trainloader = DataLoader(TensorDataset(images, labels), batch_size=4, shuffle=True, num_workers=2)
        testloader = DataLoader(TensorDataset(images, labels), batch_size=4, shuffle=False, num_workers=2)
        classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
        first_images, first_labels = next(iter(trainloader))
        names = " ".join(f"{classes[first_labels[j]]:5s}" for j in range(4))

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)
                self.fc2 = nn.Linear(120, 84)
                self.fc3 = nn.Linear(84, 10)

            def forward(self, x):
                x = self.pool(F.relu(self.conv1(x)))
                x = self.pool(F.relu(self.conv2(x)))
                x = torch.flatten(x, 1)
                x = F.relu(self.fc1(x))
                x = F.relu(self.fc2(x))
                return self.fc3(x)

        net = Net()
        criterion = nn.CrossEntropyLoss()
        optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        epoch_losses = []
        for epoch in range(4):
            running = 0.0
            for i, data in enumerate(trainloader, 0):
                inputs, targets = data
                optimizer.zero_grad()
                loss = criterion(net(inputs), targets)
                loss.backward()
                optimizer.step()
                running += loss.item()
            epoch_losses.append(running / len(trainloader))
        correct = total = 0
        with torch.no_grad():
            for inputs, targets in testloader:
                _, predicted = torch.max(net(inputs).data, 1)
                total += targets.size(0)
                correct += (predicted == targets).sum().item()
        device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    """)
    assert ns["first_images"].shape == (4, 3, 32, 32) and ns["first_labels"].dtype == ns["torch"].int64
    assert falls(ns["epoch_losses"]) and ns["total"] == 64 and 0 <= ns["correct"] <= 64
    assert str(ns["device"]) == "cpu" and len(ns["names"].split()) == 4


# ---------------------------------------------------------------- Learn the Basics

FASHION = """
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, Dataset

    class FakeFashion(Dataset):
        '''28x28 one-channel images in 10 classes, like FashionMNIST: each class a brighter stripe.'''
        def __init__(self, n, seed):
            g = torch.Generator().manual_seed(seed)
            self.labels = torch.randint(0, 10, (n,), generator=g)
            self.images = torch.rand(n, 1, 28, 28, generator=g) * 0.2
            for i in range(n):
                row = int(self.labels[i]) * 2 + 4
                self.images[i, 0, row:row + 2, :] += 0.8

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, idx):
            return self.images[idx], self.labels[idx]

    training_data, test_data = FakeFashion(256, 0), FakeFashion(64, 1)
"""

NETWORK = """
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
"""

LOOPS = """
    def train_loop(dataloader, model, loss_fn, optimizer):
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if batch % 100 == 0:
                report = f"loss: {loss.item():>7f}  [{batch * len(X):>5d}/{len(dataloader.dataset):>5d}]"

    def test_loop(dataloader, model, loss_fn):
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X.to(device))
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        return test_loss / len(dataloader), correct / len(dataloader.dataset)
"""


def test_basics_quickstart(tmp_path):
    ns = run(tmp_path, FASHION, NETWORK, LOOPS, """
        train_dataloader = DataLoader(training_data, batch_size=32)
        test_dataloader = DataLoader(test_data, batch_size=32)
        for X, y in test_dataloader:
            shapes = (X.shape, y.shape, y.dtype)
            break
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = NeuralNetwork().to(device)
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        history = [test_loop(test_dataloader, model, loss_fn)]
        for t in range(4):
            train_loop(train_dataloader, model, loss_fn, optimizer)
            history.append(test_loop(test_dataloader, model, loss_fn))
        torch.save(model.state_dict(), "model.pth")
        model = NeuralNetwork()
        model.load_state_dict(torch.load("model.pth", weights_only=True))
        classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot"]
        model.eval()
        x, y = test_data[0][0], test_data[0][1]
        with torch.no_grad():
            pred = model(x)
            predicted, actual = classes[pred[0].argmax(0)], classes[y]
    """.replace('"model.pth"', repr(str(tmp_path / "model.pth"))))
    torch = ns["torch"]
    X_shape, y_shape, y_dtype = ns["shapes"]
    assert tuple(X_shape) == (32, 1, 28, 28) and tuple(y_shape) == (32,) and y_dtype == torch.int64
    losses = [h[0] for h in ns["history"]]
    assert falls(losses) and ns["history"][-1][1] > 0.5
    assert ns["predicted"] in ns["classes"] and ns["actual"] in ns["classes"]


def test_basics_tensorqs(tmp_path):
    ns = run(tmp_path, """
        import numpy as np
        import torch

        data = [[1, 2], [3, 4]]
        x_data = torch.tensor(data)
        x_np = torch.from_numpy(np.array(data))
        x_ones = torch.ones_like(x_data)
        x_rand = torch.rand_like(x_data, dtype=torch.float)
        shape = (2, 3,)
        rand_tensor, ones_tensor, zeros_tensor = torch.rand(shape), torch.ones(shape), torch.zeros(shape)
        tensor = torch.rand(3, 4)
        described = f"{tensor.shape} {tensor.dtype} {tensor.device}"
        tensor = torch.ones(4, 4)
        last = tensor[..., -1]
        tensor[:, 1] = 0
        t1 = torch.cat([tensor, tensor, tensor], dim=1)
        y1 = tensor @ tensor.T
        y3 = torch.rand_like(tensor)
        torch.matmul(tensor, tensor.T, out=y3)
        z3 = torch.rand_like(tensor)
        torch.mul(tensor, tensor, out=z3)
        agg_item = tensor.sum().item()
        tensor.add_(5)
        t = torch.ones(5)
        n = t.numpy()
        t.add_(1)
    """)
    torch = ns["torch"]
    assert ns["x_data"].dtype == torch.int64 and ns["x_ones"].dtype == torch.int64
    assert ns["x_rand"].dtype == torch.float32
    # printed as PyTorch prints them, under either package name
    assert ns["described"].replace("tinygrad_edu.", "torch.") == "torch.Size([3, 4]) torch.float32 cpu"
    assert ns["t1"].shape == (4, 12) and ns["agg_item"] == 12.0 and isinstance(ns["agg_item"], float)
    np.testing.assert_array_equal(ns["y3"].numpy(), ns["y1"].numpy())
    assert (ns["n"] == 2).all()


def test_basics_buildmodel(tmp_path):
    ns = run(tmp_path, """
        import torch
        from torch import nn
    """, NETWORK, """
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = NeuralNetwork().to(device)
        X = torch.rand(1, 28, 28, device=device)
        logits = model(X)
        pred_probab = nn.Softmax(dim=1)(logits)
        y_pred = pred_probab.argmax(1)
        input_image = torch.rand(3, 28, 28)
        flat_image = nn.Flatten()(input_image)
        hidden1 = nn.ReLU()(nn.Linear(in_features=28 * 28, out_features=20)(flat_image))
        seq = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 20), nn.ReLU(), nn.Linear(20, 10))
        probabilities = nn.Softmax(dim=1)(seq(input_image))
        sizes = [(name, tuple(param.size()), tuple(param[:2].shape)) for name, param in model.named_parameters()]
    """)
    assert ns["logits"].shape == (1, 10) and ns["y_pred"].shape == (1,)
    assert ns["flat_image"].shape == (3, 784) and (ns["hidden1"].detach().numpy() >= 0).all()
    np.testing.assert_allclose(ns["probabilities"].detach().numpy().sum(1), 1, rtol=1e-6)
    assert ns["sizes"][0] == ("linear_relu_stack.0.weight", (64, 784), (2, 784))


def test_basics_autogradqs(tmp_path):
    ns = run(tmp_path, """
        import torch

        x = torch.ones(5)
        y = torch.zeros(3)
        w = torch.randn(5, 3, requires_grad=True)
        b = torch.randn(3, requires_grad=True)
        z = torch.matmul(x, w) + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        names = (f"{z.grad_fn}", f"{loss.grad_fn}")
        loss.backward()
        with torch.no_grad():
            z_off = torch.matmul(x, w) + b
        z_det = (torch.matmul(x, w) + b).detach()
        inp = torch.eye(4, 5, requires_grad=True)
        out = (inp + 1).pow(2).t()
        out.backward(torch.ones_like(out), retain_graph=True)
        first = inp.grad.clone()
        out.backward(torch.ones_like(out), retain_graph=True)
        second = inp.grad.clone()
        inp.grad.zero_()
        out.backward(torch.ones_like(out), retain_graph=True)
        third = inp.grad.clone()
    """)
    sigmoid = 1 / (1 + np.exp(-ns["z"].detach().numpy()))
    np.testing.assert_allclose(ns["b"].grad.numpy(), sigmoid / 3, rtol=1e-5)  # d/dz mean BCE = (s - 0) / 3
    assert ns["w"].grad.shape == (5, 3) and not ns["z_off"].requires_grad and not ns["z_det"].requires_grad
    expected = 2 * (np.eye(4, 5) + 1)
    np.testing.assert_allclose(ns["first"].numpy(), expected)
    np.testing.assert_allclose(ns["second"].numpy(), 2 * expected)
    np.testing.assert_allclose(ns["third"].numpy(), expected)


def test_basics_optimization(tmp_path):
    ns = run(tmp_path, FASHION, NETWORK, LOOPS, """
        device = "cpu"
        learning_rate, batch_size, epochs = 0.1, 32, 4
        train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
        test_dataloader = DataLoader(test_data, batch_size=batch_size)
        model = NeuralNetwork()
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
        history = [test_loop(test_dataloader, model, loss_fn)]
        for t in range(epochs):
            train_loop(train_dataloader, model, loss_fn, optimizer)
            history.append(test_loop(test_dataloader, model, loss_fn))
    """)
    losses = [h[0] for h in ns["history"]]
    assert falls(losses) and ns["history"][-1][1] > ns["history"][0][1]


def test_basics_saveloadrun(tmp_path):
    path = tmp_path / "model_weights.pth"
    ns = run(tmp_path, f"""
        import torch
        from torch import nn

        model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten(),
                              nn.Linear(16, 5))
        torch.save(model.state_dict(), {str(path)!r})
        restored = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten(),
                                 nn.Linear(16, 5))
        restored.load_state_dict(torch.load({str(path)!r}, weights_only=True))
        restored.eval()
        image = torch.zeros((1, 3, 24, 24))
        same = torch.allclose(model(image), restored(image))
    """)
    assert bool(ns["same"])


# ---------------------------------------------------------------- What is torch.nn really?

def test_nn_tutorial(tmp_path):
    ns = run(tmp_path, """
        import math
        import numpy as np
        import torch
        import torch.nn.functional as F
        from torch import nn, optim
        from torch.utils.data import DataLoader, TensorDataset

        rng = np.random.default_rng(0)
        y_np = rng.integers(0, 10, 640)
        x_np = (rng.random((640, 28, 28)) * 0.1).astype(np.float32)  # mostly dark, as MNIST is
        for i, label in enumerate(y_np):  # each class: a bright bar at its own rows
            x_np[i, 2 * label + 4:2 * label + 6, :] += 1.0
        x_np = x_np.reshape(640, 784)
        x_train, y_train, x_valid, y_valid = map(torch.tensor, (x_np[:512], y_np[:512], x_np[512:], y_np[512:]))
        n, c = x_train.shape
        torch.manual_seed(0)

        weights = torch.randn(784, 10) / math.sqrt(784)
        weights.requires_grad_()
        bias = torch.zeros(10, requires_grad=True)

        def log_softmax(x):
            return x - x.exp().sum(-1).log().unsqueeze(-1)

        def model(xb):
            return log_softmax(xb @ weights + bias)

        def nll(input, target):
            return -input[range(target.shape[0]), target].mean()

        def accuracy(out, yb):
            return (torch.argmax(out, dim=1) == yb).float().mean()

        bs, lr, epochs = 64, 0.1, 2
        start_loss = nll(model(x_train[0:bs]), y_train[0:bs]).item()
        for epoch in range(epochs):
            for i in range((n - 1) // bs + 1):
                xb, yb = x_train[i * bs:i * bs + bs], y_train[i * bs:i * bs + bs]
                loss = nll(model(xb), yb)
                loss.backward()
                with torch.no_grad():
                    weights -= weights.grad * lr
                    bias -= bias.grad * lr
                    weights.grad.zero_()
                    bias.grad.zero_()
        scratch_loss = nll(model(xb), yb).item()
        loss_func = F.cross_entropy

        class Mnist_Logistic(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(784, 10)

            def forward(self, xb):
                return self.lin(xb)

        def get_model():
            model = Mnist_Logistic()
            return model, optim.SGD(model.parameters(), lr=lr)

        def loss_batch(model, loss_func, xb, yb, opt=None):
            loss = loss_func(model(xb), yb)
            if opt is not None:
                loss.backward()
                opt.step()
                opt.zero_grad()
            return loss.item(), len(xb)

        def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
            for epoch in range(epochs):
                model.train()
                for xb, yb in train_dl:
                    loss_batch(model, loss_func, xb, yb, opt)
                model.eval()
                with torch.no_grad():
                    losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
                val_losses.append(np.sum(np.multiply(losses, nums)) / np.sum(nums))

        train_ds, valid_ds = TensorDataset(x_train, y_train), TensorDataset(x_valid, y_valid)
        xb, yb = train_ds[0:bs]
        train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)
        valid_dl = DataLoader(valid_ds, batch_size=bs * 2)
        val_losses = []
        model, opt = get_model()
        fit(epochs, model, loss_func, opt, train_dl, valid_dl)
        with torch.no_grad():
            mean_valid = sum(loss_func(model(xb), yb) for xb, yb in valid_dl) / len(valid_dl)

        class Lambda(nn.Module):
            def __init__(self, func):
                super().__init__()
                self.func = func

            def forward(self, x):
                return self.func(x)

        cnn = nn.Sequential(
            Lambda(lambda x: x.view(-1, 1, 28, 28)),
            nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            Lambda(lambda x: x.view(x.size(0), -1)),
        )
        dev = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
        cnn.to(dev)
        cnn_losses = []
        opt = optim.SGD(cnn.parameters(), lr=0.1, momentum=0.9)
        for epoch in range(3):
            for xb, yb in train_dl:
                cnn_losses.append(loss_batch(cnn, loss_func, xb.to(dev), yb.to(dev), opt)[0])
    """)
    assert ns["scratch_loss"] < ns["start_loss"]
    assert ns["val_losses"][-1] < 2.0 and ns["xb"].shape == (64, 784)
    assert float(ns["mean_valid"]) < np.log(10)  # below chance
    assert np.mean(ns["cnn_losses"][-4:]) < np.mean(ns["cnn_losses"][:4])


# ---------------------------------------------------------------- Introduction to PyTorch on YouTube

def test_introyt_tensors_deeper(tmp_path):
    ns = run(tmp_path, """
        import math
        import numpy as np
        import torch

        x = torch.empty(3, 4)
        kind = type(x)
        torch.manual_seed(1729)
        r1, r2 = torch.rand(2, 3), torch.rand(2, 3)
        torch.manual_seed(1729)
        r3 = torch.rand(2, 3)
        like = [torch.empty_like(x), torch.zeros_like(x), torch.ones_like(x), torch.rand_like(x)]
        ints = torch.tensor(((2, 4, 6), [3, 6, 9]))
        a16 = torch.ones((2, 3), dtype=torch.int16)
        b = torch.rand((2, 3), dtype=torch.float64) * 20.
        c = b.to(torch.int32)
        twos = torch.ones(2, 2) * 2
        powers = twos ** torch.tensor([[1, 2], [3, 4]])
        broadcast = torch.ones(4, 3, 2) * torch.rand(3, 1)
        d = torch.tensor([[1., 2.], [3., 4.]])
        reductions = [torch.max(d).item(), torch.mean(d).item(), torch.prod(d).item()]
        unique = torch.unique(torch.tensor([1, 2, 1, 2, 1, 2]))
        clamped = torch.clamp(torch.tensor([-2.0, 0.3, 2.0]), -0.5, 0.5)
        floors = torch.floor(torch.tensor([-0.5, 1.5]))
        equal = torch.eq(d, torch.ones(1, 2))
        cross = torch.cross(torch.tensor([0., 1., 0.]), torch.tensor([1., 0., 0.]), dim=0)
        m = torch.matmul(torch.rand(2, 2), torch.tensor([[3., 0.], [0., 3.]]))
        s = torch.tensor([0, math.pi / 4])
        s.sin_()
        out = torch.zeros(2, 2)
        same = torch.matmul(torch.rand(2, 2), torch.rand(2, 2), out=out) is out
        alias = torch.ones(2, 2)
        view = alias
        alias[0][1] = 561
        tracked = torch.rand(2, 2, requires_grad=True)
        cloned, copied = tracked.clone(), tracked.detach().clone()
        batch = torch.rand(3, 8, 8)
        batch.unsqueeze_(0)
        flat = torch.reshape(torch.rand(6, 4, 4), (6 * 4 * 4,))
        arr = np.ones((2, 3))
        shared = torch.from_numpy(arr)
        arr[1, 1] = 23
    """)
    torch = ns["torch"]
    assert ns["kind"] is torch.Tensor
    np.testing.assert_array_equal(ns["r1"].numpy(), ns["r3"].numpy())
    assert not np.array_equal(ns["r1"].numpy(), ns["r2"].numpy())
    assert ns["a16"].dtype == torch.int16 and ns["c"].dtype == torch.int32 and ns["ints"].dtype == torch.int64
    np.testing.assert_array_equal(ns["powers"].numpy(), [[2, 4], [8, 16]])
    assert ns["broadcast"].shape == (4, 3, 2) and ns["reductions"] == [4.0, 2.5, 24.0]
    assert ns["unique"].tolist() == [1, 2] and ns["equal"].dtype == torch.bool
    np.testing.assert_array_equal(ns["cross"].numpy(), [0, 0, -1])
    assert ns["same"] and ns["view"][0][1].item() == 561
    assert ns["cloned"].requires_grad and not ns["copied"].requires_grad
    assert ns["batch"].shape == (1, 3, 8, 8) and ns["flat"].shape == (96,)
    assert ns["shared"][1, 1].item() == 23 and ns["shared"].dtype == torch.float64


def test_introyt_autogradyt(tmp_path):
    ns = run(tmp_path, """
        import math
        import torch

        a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
        b = torch.sin(a)
        c = 2 * b
        d = c + 1
        out = d.sum()
        chain = d.grad_fn.next_functions[0][0].next_functions
        out.backward()

        class TinyModel(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.layer1 = torch.nn.Linear(100, 20)
                self.relu = torch.nn.ReLU()
                self.layer2 = torch.nn.Linear(20, 10)

            def forward(self, x):
                return self.layer2(self.relu(self.layer1(x)))

        some_input, ideal_output = torch.randn(16, 100), torch.randn(16, 10)
        model = TinyModel()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
        before = model.layer2.weight[0][0:10].detach().clone()
        loss = (ideal_output - model(some_input)).pow(2).sum()
        loss.backward()
        optimizer.step()
        after = model.layer2.weight[0][0:10].detach().clone()
        one_grad = model.layer2.weight.grad[0][0:10].clone()
        for i in range(0, 5):
            (ideal_output - model(some_input)).pow(2).sum().backward()
        piled = model.layer2.weight.grad[0][0:10].clone()
        optimizer.zero_grad()
        cleared = model.layer2.weight.grad

        t = torch.ones(2, 3, requires_grad=True)
        b1 = 2 * t
        t.requires_grad = False
        b2 = 2 * t

        @torch.no_grad()
        def add_quietly(x, y):
            return x + y

        quiet = add_quietly(torch.ones(2, requires_grad=True) * 2, torch.ones(2, requires_grad=True))

        def exp_adder(x, y):
            return 2 * x.exp() + 3 * y

        inputs = (torch.rand(3), torch.rand(3))
        jac = torch.autograd.functional.jacobian(exp_adder, inputs)

        def do_some_doubling(x):
            y = x * 2
            while y.data.norm() < 1000:
                y = y * 2
            return y

        vjp = torch.autograd.functional.vjp(do_some_doubling, torch.randn(3), v=torch.tensor([0.1, 1.0, 0.0001]))
    """)
    a = ns["a"].detach().numpy()
    np.testing.assert_allclose(ns["a"].grad.numpy(), 2 * np.cos(a), rtol=1e-5, atol=1e-6)
    assert len(ns["chain"]) >= 1
    assert not np.allclose(ns["before"].numpy(), ns["after"].numpy())
    assert np.abs(ns["piled"].numpy()).sum() > np.abs(ns["one_grad"].numpy()).sum()
    assert ns["cleared"] is None
    assert ns["b1"].grad_fn is not None and ns["b2"].grad_fn is None and ns["quiet"].grad_fn is None
    jx, jy = ns["jac"]
    np.testing.assert_allclose(jx.numpy(), np.diag(2 * np.exp(ns["inputs"][0].numpy())), rtol=1e-5)
    np.testing.assert_allclose(jy.numpy(), 3 * np.eye(3))
    assert ns["vjp"][1].shape == (3,)


def test_introyt_modelsyt(tmp_path):
    ns = run(tmp_path, """
        import torch

        class TinyModel(torch.nn.Module):
            def __init__(self):
                super(TinyModel, self).__init__()
                self.linear1 = torch.nn.Linear(100, 200)
                self.activation = torch.nn.ReLU()
                self.linear2 = torch.nn.Linear(200, 10)
                self.softmax = torch.nn.Softmax()

            def forward(self, x):
                return self.softmax(self.linear2(self.activation(self.linear1(x))))

        tinymodel = TinyModel()
        text = repr(tinymodel)
        layer_params = [tuple(p.shape) for p in tinymodel.linear2.parameters()]
        probabilities = tinymodel(torch.rand(2, 100))
        lin = torch.nn.Linear(3, 2)
        x = torch.rand(1, 3)
        y = lin(x)

        class LSTMTagger(torch.nn.Module):
            def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
                super().__init__()
                self.word_embeddings = torch.nn.Embedding(vocab_size, embedding_dim)
                self.lstm = torch.nn.LSTM(embedding_dim, hidden_dim)
                self.hidden2tag = torch.nn.Linear(hidden_dim, tagset_size)

            def forward(self, sentence):
                embeds = self.word_embeddings(sentence)
                lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
                tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
                return torch.nn.functional.log_softmax(tag_space, dim=1)

        tags = LSTMTagger(6, 6, 9, 3)(torch.tensor([0, 4, 2, 8]))
        pooled = torch.nn.MaxPool2d(3)(torch.rand(1, 6, 6))
        my_tensor = torch.rand(1, 4, 4) * 20 + 5
        normed = torch.nn.BatchNorm1d(4)(my_tensor)
        dropped = torch.nn.Dropout(p=0.4)(torch.rand(1, 4, 4))
    """)
    assert "(linear1): Linear(in_features=100, out_features=200, bias=True)" in ns["text"]
    assert ns["layer_params"] == [(10, 200), (10,)]
    np.testing.assert_allclose(ns["probabilities"].detach().numpy().sum(1), 1, rtol=1e-5)
    assert ns["y"].shape == (1, 2) and ns["tags"].shape == (4, 3) and ns["pooled"].shape == (1, 2, 2)
    assert abs(ns["normed"].mean().item()) < 1e-5 and ns["dropped"].shape == (1, 4, 4)


# ---------------------------------------------------------------- Deep Learning for NLP with PyTorch

def test_nlp_pytorch_tutorial(tmp_path):
    ns = run(tmp_path, """
        import torch
        import torch.autograd as autograd

        torch.manual_seed(1)
        V = torch.Tensor([1., 2., 3.])
        M = torch.Tensor([[1., 2., 3.], [4., 5., 6]])
        T = torch.Tensor([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]])
        parts = (V[0], M[0], T[0])
        x = torch.randn((3, 4, 5))
        z_1 = torch.cat([torch.randn(2, 5), torch.randn(3, 5)])
        z_2 = torch.cat([torch.randn(2, 3), torch.randn(2, 5)], 1)
        r = torch.randn(2, 3, 4)
        views = (r.view(2, 12).shape, r.view(2, -1).shape)
        x = autograd.Variable(torch.Tensor([1., 2., 3]), requires_grad=True)
        y = autograd.Variable(torch.Tensor([4., 5., 6]), requires_grad=True)
        z = x + y
        s = z.sum()
        s.backward()
        var_x = autograd.Variable(torch.randn((2, 2)), requires_grad=True)
        var_z = var_x + var_x
        new_var_z = autograd.Variable(var_z.data)
    """)
    torch = ns["torch"]
    assert ns["V"].dtype == torch.float32 and ns["T"].shape == (2, 2, 2) and ns["parts"][2].shape == (2, 2)
    assert ns["z_1"].shape == (5, 5) and ns["z_2"].shape == (2, 8) and ns["views"] == ((2, 12), (2, 12))
    np.testing.assert_array_equal(ns["x"].grad.numpy(), [1, 1, 1])
    assert ns["var_z"].grad_fn is not None and ns["new_var_z"].grad_fn is None


def test_nlp_deep_learning_tutorial(tmp_path):
    ns = run(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim

        torch.manual_seed(1)
        lin = nn.Linear(5, 3)
        mapped = lin(torch.randn(2, 5))
        data = torch.randn(5)
        probs = F.softmax(data, dim=0)
        log_probs = F.log_softmax(data, dim=0)
        train = [("uno dos tres".split(), "SPANISH"), ("one two three".split(), "ENGLISH"),
                 ("dos tres cuatro".split(), "SPANISH"), ("two three four".split(), "ENGLISH")]
        word_to_ix = {}
        for sentence, _ in train:
            for word in sentence:
                word_to_ix.setdefault(word, len(word_to_ix))
        label_to_ix = {"SPANISH": 0, "ENGLISH": 1}

        class BoWClassifier(nn.Module):
            def __init__(self, num_labels, vocab_size):
                super(BoWClassifier, self).__init__()
                self.linear = nn.Linear(vocab_size, num_labels)

            def forward(self, bow_vec):
                return F.log_softmax(self.linear(bow_vec), dim=1)

        def make_bow_vector(sentence):
            vec = torch.zeros(len(word_to_ix))
            for word in sentence:
                vec[word_to_ix[word]] += 1
            return vec.view(1, -1)

        model = BoWClassifier(2, len(word_to_ix))
        before = next(model.parameters())[:, word_to_ix["dos"]].clone()
        loss_function = nn.NLLLoss()
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        epoch_losses = []
        for epoch in range(30):
            total = 0.0
            for instance, label in train:
                model.zero_grad()
                loss = loss_function(model(make_bow_vector(instance)), torch.LongTensor([label_to_ix[label]]))
                loss.backward()
                optimizer.step()
                total += loss.item()
            epoch_losses.append(total)
        after = next(model.parameters())[:, word_to_ix["dos"]]
    """)
    assert ns["mapped"].shape == (2, 3) and abs(ns["probs"].sum().item() - 1) < 1e-6
    assert falls(ns["epoch_losses"], 0.5)
    delta = (ns["after"] - ns["before"]).detach().numpy()
    assert delta[0] > 0 > delta[1]  # "dos" moves towards SPANISH


def test_nlp_word_embeddings(tmp_path):
    ns = run(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim

        torch.manual_seed(1)
        embeds = nn.Embedding(2, 5)
        hello = embeds(torch.tensor([0], dtype=torch.long))
        text = ("the cat sat on the mat and the dog sat on the log and the cat saw the dog").split()
        trigrams = [([text[i], text[i + 1]], text[i + 2]) for i in range(len(text) - 2)]
        vocab = sorted(set(text))
        word_to_ix = {word: i for i, word in enumerate(vocab)}

        class NGramLanguageModeler(nn.Module):
            def __init__(self, vocab_size, embedding_dim, context_size):
                super().__init__()
                self.embeddings = nn.Embedding(vocab_size, embedding_dim)
                self.linear1 = nn.Linear(context_size * embedding_dim, 32)
                self.linear2 = nn.Linear(32, vocab_size)

            def forward(self, inputs):
                embeds = self.embeddings(inputs).view((1, -1))
                return F.log_softmax(self.linear2(F.relu(self.linear1(embeds))), dim=1)

        losses = []
        loss_function = nn.NLLLoss()
        model = NGramLanguageModeler(len(vocab), 10, 2)
        optimizer = optim.SGD(model.parameters(), lr=0.05)
        for epoch in range(10):
            total_loss = 0
            for context, target in trigrams:
                context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)
                model.zero_grad()
                loss = loss_function(model(context_idxs), torch.tensor([word_to_ix[target]], dtype=torch.long))
                loss.backward()
                optimizer.step()
                total_loss += loss.item()
            losses.append(total_loss)
        the_row = model.embeddings.weight[word_to_ix["the"]]
    """)
    assert ns["hello"].shape == (1, 5) and falls(ns["losses"], 0.8) and ns["the_row"].shape == (10,)


def test_nlp_sequence_models(tmp_path):
    ns = run(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim

        torch.manual_seed(1)
        lstm = nn.LSTM(3, 3)
        inputs = [torch.randn(1, 3) for _ in range(5)]
        hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
        start = hidden
        for i in inputs:
            out, hidden = lstm(i.view(1, 1, -1), hidden)
        stepped = hidden
        whole, last = lstm(torch.cat(inputs).view(len(inputs), 1, -1), start)

        training_data = [("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
                         ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])]
        word_to_ix = {}
        for sent, tags in training_data:
            for word in sent:
                word_to_ix.setdefault(word, len(word_to_ix))
        tag_to_ix = {"DET": 0, "NN": 1, "V": 2}

        def prepare_sequence(seq, to_ix):
            return torch.tensor([to_ix[w] for w in seq], dtype=torch.long)

        class LSTMTagger(nn.Module):
            def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
                super().__init__()
                self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
                self.lstm = nn.LSTM(embedding_dim, hidden_dim)
                self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

            def forward(self, sentence):
                embeds = self.word_embeddings(sentence)
                lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
                return F.log_softmax(self.hidden2tag(lstm_out.view(len(sentence), -1)), dim=1)

        model = LSTMTagger(6, 6, len(word_to_ix), len(tag_to_ix))
        loss_function = nn.NLLLoss()
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        epoch_losses = []
        for epoch in range(300):
            total = 0.0
            for sentence, tags in training_data:
                model.zero_grad()
                loss = loss_function(model(prepare_sequence(sentence, word_to_ix)), prepare_sequence(tags, tag_to_ix))
                loss.backward()
                optimizer.step()
                total += loss.item()
            epoch_losses.append(total)
        with torch.no_grad():
            tag_scores = model(prepare_sequence(training_data[0][0], word_to_ix))
        predicted = tag_scores.argmax(1).tolist()
    """)
    np.testing.assert_allclose(ns["whole"][-1].detach().numpy(), ns["stepped"][0][0].detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(ns["last"][0].detach().numpy(), ns["stepped"][0].detach().numpy(), rtol=1e-5)
    assert ns["whole"].shape == (5, 1, 3)
    assert falls(ns["epoch_losses"], 0.3) and ns["predicted"] == [0, 1, 2, 0, 1]
