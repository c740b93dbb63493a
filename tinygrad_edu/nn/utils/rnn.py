"""torch.nn.utils.rnn: batching sequences of different lengths.

`pad_sequence` is what a `collate_fn` for text or time series calls: it pads each sequence to the
longest and stacks them, so an RNN, a Transformer or a loss can take the batch (with a mask, or the
lengths, to ignore the padding). It is built from cat and stack, so gradients flow back into each
sequence. `unpad_sequence` cuts them out again.

Packing (`pack_padded_sequence`, `PackedSequence`), which lets PyTorch's cuDNN RNNs skip the
padding, is not here: the RNN layers here run on padded batches. The packing names raise and say so.
"""

from __future__ import annotations

from ...creation import cat, stack
from ...tensor import Tensor

__all__ = ["pad_sequence", "unpad_sequence", "pack_padded_sequence", "pad_packed_sequence", "pack_sequence",
           "unpack_sequence", "PackedSequence"]


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Sequences of shapes (L_i, *) padded with `padding_value` to the longest L and stacked:
    (L, B, *), or (B, L, *) with batch_first=True. padding_side='left' pads before each sequence."""
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    if padding_side not in ("right", "left"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    rest = tuple(sequences[0].shape[1:])
    for i, s in enumerate(sequences):
        if s.ndim == 0 or tuple(s.shape[1:]) != rest:
            raise RuntimeError(f"pad_sequence: sequence {i} has shape {tuple(s.shape)}; every sequence must be "
                               f"(length, *{rest}) like the first, {tuple(sequences[0].shape)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        fill = s.new_full((longest - s.shape[0], *rest), padding_value)
        padded.append(cat([s, fill] if padding_side == "right" else [fill, s]))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """The sequences back out of pad_sequence's result: sequence i is its first lengths[i] steps."""
    batch = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [batch[i, :int(n)] for i, n in enumerate(lengths)]


def _no_packing(name: str):
    def refuse(*args, **kwargs):
        raise NotImplementedError(
            f"torch.nn.utils.rnn.{name}: packed sequences are not supported in tinygrad_edu. Pad the batch "
            "with pad_sequence (the RNN layers run on padded batches) and mask or slice by the lengths.")
    refuse.__name__ = name
    return refuse


pack_padded_sequence = _no_packing("pack_padded_sequence")
pad_packed_sequence = _no_packing("pad_packed_sequence")
pack_sequence = _no_packing("pack_sequence")
unpack_sequence = _no_packing("unpack_sequence")
PackedSequence = _no_packing("PackedSequence")
