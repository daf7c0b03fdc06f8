"""The 'cuda' code paths, run on the CPU through a stand-in for CuPy (tests/strict_cupy.py)
that refuses what CuPy refuses: implicit conversion to numpy, numpy arrays mixed into device
computations, device arrays in Numba CPU loops. These are the same comparisons as the `gpu`
tests of test_gpu_backend.py, so a host/device mix-up fails here, in CI, without a GPU.
"""

import runpy
import sys

import numpy as np
import pytest

import minigrad as mg
from lessons.__main__ import discover_lessons
from lessons.common import RESULT_PREFIX
from tests import strict_cupy, test_gpu_backend
from tests.test_gpu_backend import (
    BINARY,
    IMAGES,
    KERNEL_OPS,
    NO_GRAD,
    POOL_INDICES,
    POOL_OPS,
    UNARY,
    X,
    Y,
    assert_same_indices_on_both_devices,
    assert_same_on_both_devices,
    values_on,
)


def test_the_standin_refuses_what_cupy_refuses():
    device_array = strict_cupy.module.asarray(np.ones(3, dtype=np.float32))
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(device_array)
    with pytest.raises(TypeError, match="Unsupported type"):
        device_array + np.ones(3, dtype=np.float32)
    assert isinstance(device_array.sum(), strict_cupy.DeviceArray)


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(UNARY[name], X)


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(BINARY[name], X, Y)


@pytest.mark.parametrize("name", NO_GRAD)
def test_op_without_gradient_on_standin_cuda(standin_gpu, name):
    cpu, cuda = values_on("cpu", NO_GRAD[name], X), values_on("cuda", NO_GRAD[name], X)
    np.testing.assert_array_equal(cuda, cpu)


@pytest.mark.parametrize("name", KERNEL_OPS)
def test_kernel_backed_op_on_standin_cuda(standin_gpu, name):
    fn, *arrays = KERNEL_OPS[name]
    assert_same_on_both_devices(fn, *arrays, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", POOL_OPS)
def test_pool_on_standin_cuda(standin_gpu, name):
    assert_same_on_both_devices(POOL_OPS[name], IMAGES)


@pytest.mark.parametrize("name", POOL_INDICES)
def test_pool_indices_on_standin_cuda(standin_gpu, name):
    assert_same_indices_on_both_devices(POOL_INDICES[name])


MATMULS = {
    "matmul": (UNARY["matmul"], X),
    "matmul_vector": (UNARY["matmul_vector"], X),
    "batched_matmul": (BINARY["batched_matmul"], X, Y),
    "adaptive_avg_pool2d": (POOL_OPS["adaptive_avg_pool2d"], IMAGES),  # two broadcast matmuls
}
CONV_KERNELS = {"conv2d_forward", "conv2d_grad_input", "conv2d_grad_weight"}
ATTENTION_KERNELS = {"attention_forward", "attention_backward_dkdv", "attention_backward_dq"}


@pytest.mark.parametrize("name", {**MATMULS, **KERNEL_OPS})
def test_op_on_standin_cuda_runs_the_cuda_c_kernels(standin_gpu_running_cuda_c, name):
    fn, *arrays = {**MATMULS, **KERNEL_OPS}[name]
    assert_same_on_both_devices(fn, *arrays, rtol=1e-4, atol=1e-5)
    expected = CONV_KERNELS if "conv" in name else ATTENTION_KERNELS if "attention" in name else {"matmul"}
    assert expected <= set(standin_gpu_running_cuda_c)

# ---- whole models: one training set-up, the same numbers on both devices -------------------

nn, F, optim = mg.nn, mg.nn.functional, mg.optim
rng = np.random.default_rng(2)
IMAGES = rng.standard_normal((4, 1, 8, 8)).astype(np.float32)
FEATURES = rng.standard_normal((4, 6)).astype(np.float32)
SEQUENCES = rng.standard_normal((4, 5, 3)).astype(np.float32)
TOKENS = rng.integers(1, 20, (4, 7))
TOKENS[1, 5:] = TOKENS[3, 3:] = 0  # padding, hidden from attention by the key padding mask
LABELS = np.array([0, 2, 1, 2])


class TinyEncoder(nn.Module):
    """Embedding + a transformer encoder (padding mask) + mean pooling + a classifier."""

    def __init__(self, norm_first):
        super().__init__()
        self.embedding = nn.Embedding(20, 8, padding_idx=0)
        layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                           norm_first=norm_first)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(8, 3)

    def forward(self, tokens):
        padding = tokens == 0
        return self.head(self.encoder(self.embedding(tokens), src_key_padding_mask=padding).mean(dim=1))


class TinySeq2Seq(nn.Module):
    """nn.Transformer reading the tokens as source and, shifted, as target (causal mask,
    padding masks on source, target and memory), then mean pooling and a classifier."""

    def __init__(self, norm_first):
        super().__init__()
        self.embedding = nn.Embedding(20, 8, padding_idx=0)
        self.transformer = nn.Transformer(8, 2, num_encoder_layers=1, num_decoder_layers=2,
                                          dim_feedforward=16, dropout=0.0, batch_first=True,
                                          norm_first=norm_first)
        self.head = nn.Linear(8, 3)

    def forward(self, tokens):
        padding = tokens == 0
        src, tgt = self.embedding(tokens), self.embedding(tokens[:, :-1])
        causal = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1], device=tokens.device)
        out = self.transformer(src, tgt, tgt_mask=causal, src_key_padding_mask=padding,
                               tgt_key_padding_mask=padding[:, :-1],
                               memory_key_padding_mask=padding)
        return self.head(out.mean(dim=1))


class LastStep(nn.Module):
    """A recurrent layer stack (batch first) whose output at the last step feeds a classifier."""

    def __init__(self, recurrent):
        super().__init__()
        self.recurrent = recurrent
        self.head = nn.Linear(recurrent.hidden_size * recurrent.num_directions, 3)

    def forward(self, x):
        out, _ = self.recurrent(x)
        return self.head(out[:, -1])


class CellLoop(nn.Module):
    """A recurrent cell run by hand over the steps of a batch-first sequence, then a classifier."""

    def __init__(self, cell):
        super().__init__()
        self.cell, self.head = cell, nn.Linear(cell.hidden_size, 3)

    def forward(self, x):
        state = None
        for t in range(x.shape[1]):
            state = self.cell(x[:, t], state)
        return self.head(state[0] if isinstance(state, tuple) else state)


MODELS = {
    "mlp": (lambda: nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.LayerNorm(8), nn.Linear(8, 3)),
            FEATURES),
    "mlp_batchnorm": (lambda: nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.Tanh(),
                                            nn.Linear(8, 3)), FEATURES),
    "cnn": (lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                  nn.MaxPool2d(2), nn.Conv2d(4, 4, 3, padding="same"),
                                  nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 3)), IMAGES),
    "lstm": (lambda: LastStep(nn.LSTM(3, 6, num_layers=2, batch_first=True)), SEQUENCES),
    "lstm_bidirectional": (
        lambda: LastStep(nn.LSTM(3, 6, num_layers=2, batch_first=True, bidirectional=True)),
        SEQUENCES,
    ),
    "gru_bidirectional_dropout": (
        lambda: LastStep(nn.GRU(3, 6, num_layers=2, batch_first=True, dropout=0.3,
                                bidirectional=True)),
        SEQUENCES,
    ),
    "rnn_relu": (
        lambda: LastStep(nn.RNN(3, 6, num_layers=2, nonlinearity="relu", batch_first=True)),
        SEQUENCES,
    ),
    "mlp_rmsnorm_smooth_activations": (
        lambda: nn.Sequential(nn.Linear(6, 8), nn.RMSNorm(8), nn.Mish(), nn.Linear(8, 8),
                              nn.ELU(), nn.Softplus(), nn.Linear(8, 3)), FEATURES),
    "conv1d_groupnorm": (
        lambda: nn.Sequential(nn.Conv1d(5, 4, 3, padding="same"), nn.GroupNorm(2, 4), nn.SiLU(),
                              nn.Flatten(), nn.Linear(12, 3)), SEQUENCES),
    "cnn_instancenorm_dropout2d": (
        lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1),
                              nn.InstanceNorm2d(4, affine=True, track_running_stats=True),
                              nn.Hardtanh(), nn.Dropout2d(0.25), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(64, 3)), IMAGES),
    "lstm_cell_loop": (lambda: CellLoop(nn.LSTMCell(3, 6)), SEQUENCES),
    "gru_cell_loop": (lambda: CellLoop(nn.GRUCell(3, 6)), SEQUENCES),
    "encoder_post_norm": (lambda: TinyEncoder(norm_first=False), TOKENS),
    "encoder_pre_norm": (lambda: TinyEncoder(norm_first=True), TOKENS),
    "transformer_post_norm": (lambda: TinySeq2Seq(norm_first=False), TOKENS),
    "transformer_pre_norm": (lambda: TinySeq2Seq(norm_first=True), TOKENS),
}
OPTIMIZERS = {
    "sgd_nesterov": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda p: optim.Adam(p, lr=1e-2),
    "adamw": lambda p: optim.AdamW(p, lr=1e-2, amsgrad=True),
    "rmsprop": lambda p: optim.RMSprop(p, lr=1e-2, momentum=0.5, centered=True),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.1),
}


def train_on(device, make_model, inputs, make_optimizer, steps=3):
    """Losses and final weights of a few steps; the same seed gives the same initial weights."""
    mg.manual_seed(0)
    model = make_model().to(device)
    optimizer = make_optimizer(model.parameters())
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    x = mg.tensor(inputs, device=device)
    target = mg.tensor(LABELS, device=device)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), target, label_smoothing=0.1)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses, {k: v.numpy() for k, v in model.state_dict().items()}


# The key bias of attention gets a gradient of exactly zero in exact arithmetic (it adds the
# same q·b_k to every score of a row, which softmax ignores); computed, it is rounding noise of
# ~1e-9 that differs with the order of the sums. Adam, RMSprop and Adagrad divide by that
# noise's own size and take full-size steps in its direction, so no two devices (nor two BLAS
# builds) agree there. The attention models are compared under SGD, where noise stays noise.
ATTENTION_MODELS = ("encoder", "transformer")
PAIRS = [
    (model, optimizer)
    for model in MODELS
    for optimizer in OPTIMIZERS
    if optimizer == "sgd_nesterov" or not model.startswith(ATTENTION_MODELS)
]


@pytest.mark.parametrize("model_name, optimizer_name", PAIRS)
def test_training_steps_on_standin_cuda(standin_gpu, model_name, optimizer_name):
    assert_training_matches(model_name, optimizer_name)


@pytest.mark.parametrize("model_name", ["cnn", "encoder_post_norm", "transformer_post_norm"])
def test_training_steps_on_standin_cuda_run_the_cuda_c_kernels(
    standin_gpu_running_cuda_c, model_name
):
    assert_training_matches(model_name, "sgd_nesterov")
    assert {"matmul"} | (CONV_KERNELS if model_name == "cnn" else ATTENTION_KERNELS) <= set(
        standin_gpu_running_cuda_c
    )


def test_adam_on_standin_cuda_runs_the_adam_kernel(standin_gpu_running_cuda_c):
    assert_training_matches("mlp", "adam")
    assert "adam_update" in standin_gpu_running_cuda_c


def assert_training_matches(model_name, optimizer_name):
    make_model, inputs = MODELS[model_name]
    cpu_losses, cpu_weights = train_on("cpu", make_model, inputs, OPTIMIZERS[optimizer_name])
    cuda_losses, cuda_weights = train_on("cuda", make_model, inputs, OPTIMIZERS[optimizer_name])
    np.testing.assert_allclose(cuda_losses, cpu_losses, rtol=1e-4)
    for name, value in cpu_weights.items():
        np.testing.assert_allclose(cuda_weights[name], value, rtol=1e-4, atol=1e-5, err_msg=name)

def test_pruning_twice_on_standin_cuda(standin_gpu):
    """A second pruning round writes its mask into the existing device buffer."""
    masks = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(0)
        layer = nn.Linear(6, 4).to(device)
        mg.prune.l1_unstructured(layer, "weight", amount=0.25)
        mg.prune.global_unstructured([(layer, "weight"), (layer, "bias")], amount=0.5)
        assert layer.weight_mask.device == device and layer.weight.device == device
        masks[device] = layer.weight_mask.numpy()
    np.testing.assert_array_equal(masks["cuda"], masks["cpu"])


@pytest.mark.parametrize(
    "check",
    [
        test_gpu_backend.test_data_moves_only_through_to_and_gradients_come_back,
        test_gpu_backend.test_module_to_cuda_moves_parameters_and_assignment_takes_host_values,
    ],
    ids=lambda check: check.__name__,
)
def test_device_moves_on_standin_cuda(standin_gpu, check):
    check()


CREATORS = {
    "zeros": lambda device: mg.zeros(2, 3, device=device),
    "full_like": lambda device: mg.full_like(mg.ones(2, device=device), 7.0),
    "arange": lambda device: mg.arange(0, 5, 2, device=device),
    "linspace": lambda device: mg.linspace(0, 1, 5, device=device),
    "eye": lambda device: mg.eye(3, device=device),
    "randn": lambda device: mg.randn(2, 3, device=device),
    "rand_like": lambda device: mg.rand_like(mg.ones(2, device=device)),
    "randint": lambda device: mg.randint(0, 5, (4,), device=device),
    "randperm": lambda device: mg.randperm(5, device=device),
}


@pytest.mark.parametrize("name", CREATORS)
def test_creation_on_standin_cuda(standin_gpu, name):
    """The same values on both devices: random numbers come from the one seeded generator."""
    made = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(0)
        made[device] = CREATORS[name](device)
    assert made["cuda"].device == "cuda" and isinstance(made["cuda"].data, strict_cupy.DeviceArray)
    assert made["cuda"].dtype == made["cpu"].dtype
    np.testing.assert_array_equal(made["cuda"].numpy(), made["cpu"].numpy())


def test_dropout_and_save_load_on_standin_cuda(standin_gpu, tmp_path):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5), nn.BatchNorm1d(8)).to("cuda")
    out = model(mg.tensor(FEATURES, device="cuda"))
    assert out.device == "cuda"
    dropped = (model[1](mg.ones(1000, device="cuda")).numpy() == 0).mean()
    assert 0.4 < dropped < 0.6
    mg.save(model.state_dict(), tmp_path / "model.npz")
    restored = nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5), nn.BatchNorm1d(8)).to("cuda")
    restored.load_state_dict(mg.load(tmp_path / "model.npz"))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(restored.state_dict()[name].numpy(), value.numpy())
        assert restored.state_dict()[name].device == "cuda"


# ---- every lesson, as `python -m lessons.NN_name --device cuda --quick` -------------------


@pytest.mark.slow
@pytest.mark.parametrize("module", discover_lessons().values())
def test_lesson_runs_on_standin_cuda(standin_gpu, module, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "argv", [module, "--device", "cuda", "--quick", "--out", str(tmp_path)])
    # a lesson's own tests may have imported it already; run it afresh, as `python -m` would
    monkeypatch.delitem(sys.modules, module, raising=False)
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    printed = capsys.readouterr().out.splitlines()
    assert any(line.startswith(RESULT_PREFIX) for line in printed), printed[-20:]
