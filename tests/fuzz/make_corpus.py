#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into corpus/ (plain Python, no torch):
small valid inputs of each format, so the fuzzers start from the structure
real files have. Deterministic; rerun after changing it."""
import json
import pickle
import struct
import sys
import types
from collections import OrderedDict
from pathlib import Path

out = Path(__file__).resolve().parent / "corpus"


def write(target, name, data):
    (out / target).mkdir(parents=True, exist_ok=True)
    (out / target / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# ncnn .param: an SRVGG-like graph and one with every shape-changing layer.
write("ncnn_param", "srvgg.param", """7767517
8 9
Input input 0 1 data
Split split 1 2 data a b
Convolution conv0 1 1 a c0 0=16 1=3 4=1 5=1 6=432
PReLU prelu0 1 1 c0 p0 0=16
Convolution conv1 1 1 p0 c1 0=48 1=3 4=1 5=1 6=6912
PixelShuffle shuffle 1 1 c1 s 0=4
Interp up 1 1 b u 0=0 1=4.0 2=4.0
BinaryOp add 2 1 s u out 0=0
""")
write("ncnn_param", "shapes.param", """7767517
7 7
Input input 0 1 data 0=64 1=64 2=3
Convolution conv 1 1 data c 0=8 1=3 3=2 4=1 5=1 6=216 9=2 -23310=1,0.2
Pooling pool 1 1 c p 0=0 1=2 2=2
Deconvolution deconv 1 1 p d 0=8 1=4 3=2 4=1 5=1 6=1024
Crop crop 1 1 d cr -23309=2,1,1 -23310=2,-1,-1
Concat cat 1 1 cr cc 0=0
Padding pad 1 1 cc out 0=1 1=1 2=1 3=1
""")

# Tile plans: width, height, tile, overlap, halo, scale num / den, multiple (3 bytes each).
for name, values in {"x4": [700, 500, 512, 51, 32, 4, 1, 1], "latent": [1024, 768, 1024, 256, 0, 1, 8, 8],
                     "tiny": [1, 1, 1, 0, 0, 1, 1, 1]}.items():
    write("tile_plan", name, b"".join(struct.pack(">I", v)[1:] for v in values))

for i, prompt in enumerate(["a photo of a (cat:1.2) on a [mat]", "((masterpiece)), best quality, \\(escaped\\)",
                            "日本語のプロンプト 🐱 BREAK embedding:xyz", "(unclosed:1.5 (nested (deep:0.5)) end"]):
    write("clip_tokenizer", f"prompt{i}.txt", prompt)

# Pickles: plain containers at protocols 2 and 4, and a state dict as torch
# saves one (GLOBAL torch._utils._rebuild_tensor_v2 with storage persistent ids).
write("pickle", "containers2.pkl", pickle.dumps({"a": [1, 2.5, "x", None, True], "b": (b"\x00\x01", -7)}, protocol=2))
write("pickle", "ordered4.pkl", pickle.dumps(OrderedDict(w=[1, 2], n={"k": 3}), protocol=4))

torch_module, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch_module, utils


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks):
    return None


_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
FloatStorage = type("FloatStorage", (), {"__module__": "torch"})
torch_module.FloatStorage = FloatStorage


class Storage:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class Tensor:
    def __init__(self, storage, size):
        self.storage, self.size = storage, size

    def __reduce__(self):
        stride = tuple(int(s) for s in ([1] if not self.size else [1] * len(self.size)))
        return _rebuild_tensor_v2, (self.storage, 0, self.size, stride, False, OrderedDict())


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


import io

buffer = io.BytesIO()
TorchPickler(buffer, protocol=2).dump(OrderedDict([("body.0.weight", Tensor(Storage("0", 4), (2, 2))),
                                                   ("body.0.bias", Tensor(Storage("1", 2), (2,)))]))
write("pickle", "state_dict.pkl", buffer.getvalue())

# safetensors: two tensors and metadata.
data = struct.pack("<4f", 1, 2, 3, 4) + struct.pack("<2e", 0.5, -1.0)
header = json.dumps({"__metadata__": {"format": "pt"},
                     "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
                     "b": {"dtype": "F16", "shape": [2], "data_offsets": [16, 20]}}).encode()
write("safetensors", "two.safetensors", struct.pack("<Q", len(header)) + header + data)

# Checkpoint headers: a few of SD 1.5's real keys and shapes (the detector
# reads keys and shapes only; the values are zeros), under the fuzzers'
# 64 KiB input limit.
keys = {"model.diffusion_model.input_blocks.0.0.weight": [320, 4, 3, 3],
        "model.diffusion_model.input_blocks.0.0.bias": [320],
        "model.diffusion_model.out.2.bias": [4],
        "first_stage_model.encoder.conv_in.weight": [128, 3, 3, 3],
        "first_stage_model.decoder.conv_out.weight": [3, 128, 3, 3]}
entries, offset = {}, 0
for key, shape in keys.items():
    count = 1
    for size in shape:
        count *= size
    entries[key] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + 2 * count]}
    offset += 2 * count
header = json.dumps(entries).encode()
header += b" " * (-len(header) % 8)
write("checkpoint", "sd15_keys.safetensors", struct.pack("<Q", len(header)) + header + bytes(offset))
