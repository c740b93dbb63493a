"""tinygrad_edu.nn: layers, losses and the Module machinery, with PyTorch's names.

    import tinygrad_edu.nn as nn
    import tinygrad_edu.nn.functional as F
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
"""

from . import functional, init, utils
from .activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .attention import MultiheadAttention
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
)
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .fold import Fold, Unfold
from .lazy import LazyLinear, UninitializedParameter
from .linear import Bilinear, Flatten, Identity, Linear, Unflatten
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from .module import Module, Parameter
from .more_layers import (
    AlphaDropout,
    ChannelShuffle,
    EmbeddingBag,
    FeatureAlphaDropout,
    LocalResponseNorm,
    LPPool1d,
    LPPool2d,
    MultiLabelMarginLoss,
    RReLU,
    TripletMarginWithDistanceLoss,
)
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LayerNorm,
    RMSNorm,
)
from .padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .pixel_shuffle import PixelShuffle, PixelUnshuffle
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from .sparse import Embedding
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = [
    "functional", "init", "utils", "Parameter", "Module",
    "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Flatten", "Unflatten",
    "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Dropout",
    "SiLU", "ELU", "SELU", "CELU", "Softplus", "Softsign", "ReLU6", "Hardtanh", "Hardswish", "Hardsigmoid",
    "LogSigmoid", "Mish", "GLU",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "Conv2d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Conv1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d",
    "AdaptiveMaxPool1d", "GroupNorm", "ParameterList", "ParameterDict", "Upsample", "UpsamplingNearest2d",
    "UpsamplingBilinear2d", "ConvTranspose1d", "ConvTranspose2d",
    "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "SmoothL1Loss", "HuberLoss", "KLDivLoss", "MarginRankingLoss", "SoftMarginLoss", "TripletMarginLoss",
    "CosineSimilarity", "PairwiseDistance",
    "Dropout1d", "Dropout2d", "Dropout3d", "MultiheadAttention", "Hardshrink", "Softshrink", "Tanhshrink",
    "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder", "Transformer",
    "PixelShuffle", "PixelUnshuffle", "InstanceNorm1d", "InstanceNorm2d", "MaxUnpool1d", "MaxUnpool2d",
    "Bilinear", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
    "GaussianNLLLoss", "PoissonNLLLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss", "MultiMarginLoss",
    "MultiLabelSoftMarginLoss",
    "RMSNorm", "PReLU", "Softmin", "Threshold", "Softmax2d", "Unfold", "Fold",
    "AlphaDropout", "FeatureAlphaDropout", "RReLU", "LPPool1d", "LPPool2d", "LocalResponseNorm", "ChannelShuffle",
    "EmbeddingBag", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss", "LazyLinear", "UninitializedParameter",
    "Conv3d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "MaxUnpool3d",
    "BatchNorm3d", "InstanceNorm3d",
]
