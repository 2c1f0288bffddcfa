#!/usr/bin/env python3
"""Writes a single-file checkpoint of random weights at the real shapes of one
layout file (../shared/data/checkpoint_layouts/*.txt: "key<TAB>[shape]"), for
timing the diffusion networks where no real weights can be downloaded.

  python3 random_checkpoint.py LAYOUT.txt OUT.safetensors [--dtype fp16|fp32] [--seed N]

Matrices and convolution kernels are N(0, 1/fan_in), 1-d weights (norm scales)
are 1, biases 0, so activations keep their scale through the networks.
Correctness is proven elsewhere (scripts/diffusion_reference): these files only
have to load and run at the real sizes. Needs torch; no safetensors package.
"""
import argparse
import json
import struct

import torch


def read_layout(path):
    entries = []
    with open(path) as layout:
        for line in layout:
            if line.startswith("#") or "\t" not in line:
                continue
            key, shape = line.rstrip("\n").split("\t")
            entries.append((key, json.loads(shape)))
    return entries


def random_tensor(key, shape, generator):
    if len(shape) >= 2:
        fan_in = 1
        for size in shape[1:]:
            fan_in *= size
        return torch.randn(shape, generator=generator) / fan_in ** 0.5
    if key.endswith("bias"):
        return torch.zeros(shape)
    if key.endswith("weight"):
        return torch.ones(shape)
    return torch.randn(shape, generator=generator) * 0.02


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("layout")
    parser.add_argument("out")
    parser.add_argument("--dtype", choices=["fp16", "fp32"], default="fp16")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    dtype, name = (torch.float16, "F16") if args.dtype == "fp16" else (torch.float32, "F32")
    generator = torch.Generator().manual_seed(args.seed)
    header, blobs, offset = {}, [], 0
    for key, shape in read_layout(args.layout):
        data = random_tensor(key, shape, generator).to(dtype).contiguous().numpy().tobytes()
        header[key] = {"dtype": name, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(args.out, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for data in blobs:
            out.write(data)
    print(f"{args.out}: {len(header)} tensors, {offset / 1e6:.0f} MB of {args.dtype}")


if __name__ == "__main__":
    main()
