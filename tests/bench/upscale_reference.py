#!/usr/bin/env python3
"""Plain PyTorch eager reference for the upscaler's speed (tests/bench).

Our own definitions of the two architectures the zoo's models use
(SRVGGNetCompact, as realesr-animevideov3; RRDBNet, as realesrgan-x4plus and its
6-block anime variant), with the key names of their .pth files, so that

  save  writes random weights at the real shapes as a .pth that tessera-bench
        loads (`tessera-bench throughput --model FILE.pth`), and
  time  measures the bare-tile forward a ten-line script gets: random tiles,
        fp16 (or --precision), channels_last, cudnn.benchmark, CUDA events,
        median of --runs; prints one JSON line per configuration.

  python3 upscale_reference.py save --arch srvgg --out /tmp/srvgg.pth
  python3 upscale_reference.py save --arch rrdb --blocks 23 --out /tmp/rrdb23.pth
  python3 upscale_reference.py time --arch srvgg --tile 512 --batch 4
  python3 upscale_reference.py time --arch rrdb --blocks 6 --tile 256 --batch 4 --format nchw
  python3 upscale_reference.py time --arch srvgg --device cpu --precision fp32 --format nchw \
      --tile 512 --batch 1 --runs 3 --threads 2
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Srvgg(nn.Module):
    """3x3 convs with PReLU at the input resolution, a pixel shuffle, plus the
    nearest-upscaled input. Keys body.0 (conv), body.1 (PReLU), ..., body.<2n+2>."""

    def __init__(self, features=64, convs=16, scale=4, channels=3):
        super().__init__()
        layers = [nn.Conv2d(channels, features, 3, padding=1), nn.PReLU(features)]
        for _ in range(convs):
            layers += [nn.Conv2d(features, features, 3, padding=1), nn.PReLU(features)]
        layers.append(nn.Conv2d(features, channels * scale * scale, 3, padding=1))
        self.body = nn.Sequential(*layers)
        self.scale = scale

    def forward(self, x):
        y = F.pixel_shuffle(self.body(x), self.scale)
        return y + F.interpolate(x, scale_factor=self.scale, mode="nearest")


class DenseBlock(nn.Module):
    def __init__(self, nf, gc):
        super().__init__()
        for k in range(5):
            setattr(self, f"conv{k + 1}", nn.Conv2d(nf + k * gc, gc if k < 4 else nf, 3, padding=1))

    def forward(self, x):
        features = [x]
        for k in range(4):
            features.append(F.leaky_relu(getattr(self, f"conv{k + 1}")(torch.cat(features, 1)), 0.2))
        return self.conv5(torch.cat(features, 1)) * 0.2 + x


class Rrdb(nn.Module):
    def __init__(self, nf, gc):
        super().__init__()
        self.rdb1, self.rdb2, self.rdb3 = DenseBlock(nf, gc), DenseBlock(nf, gc), DenseBlock(nf, gc)

    def forward(self, x):
        return self.rdb3(self.rdb2(self.rdb1(x))) * 0.2 + x


class RrdbNet(nn.Module):
    """BasicSR's key names: conv_first, body.<i>.rdb<j>.conv<k>, conv_body,
    conv_up1, conv_up2, conv_hr, conv_last (x4)."""

    def __init__(self, blocks=23, nf=64, gc=32, channels=3):
        super().__init__()
        self.conv_first = nn.Conv2d(channels, nf, 3, padding=1)
        self.body = nn.Sequential(*[Rrdb(nf, gc) for _ in range(blocks)])
        self.conv_body = nn.Conv2d(nf, nf, 3, padding=1)
        self.conv_up1 = nn.Conv2d(nf, nf, 3, padding=1)
        self.conv_up2 = nn.Conv2d(nf, nf, 3, padding=1)
        self.conv_hr = nn.Conv2d(nf, nf, 3, padding=1)
        self.conv_last = nn.Conv2d(nf, channels, 3, padding=1)
        # Trained RRDBNets keep activations small; default init would overflow
        # fp16 through 23 blocks, so the weights are scaled as BasicSR initialises them.
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    m.weight.mul_(0.1)
                    m.bias.zero_()

    def forward(self, x):
        feat = self.conv_first(x)
        feat = feat + self.conv_body(self.body(feat))
        feat = F.leaky_relu(self.conv_up1(F.interpolate(feat, scale_factor=2, mode="nearest")), 0.2)
        feat = F.leaky_relu(self.conv_up2(F.interpolate(feat, scale_factor=2, mode="nearest")), 0.2)
        return self.conv_last(F.leaky_relu(self.conv_hr(feat), 0.2))


def build(args):
    torch.manual_seed(args.seed)
    if args.arch == "srvgg":
        return Srvgg(args.features, args.convs, args.scale)
    return RrdbNet(args.blocks)


def time_forward(args):
    torch.backends.cudnn.benchmark = True
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}[args.precision]
    fmt = torch.channels_last if args.format == "nhwc" else torch.contiguous_format
    model = build(args).eval().to(device, dtype).to(memory_format=fmt)
    x = torch.rand(args.batch, 3, args.tile, args.tile, device=device, dtype=dtype).contiguous(memory_format=fmt)
    times = []
    with torch.inference_mode():
        y = model(x)
        finite = bool(torch.isfinite(y).all())
        for _ in range(3):
            model(x)
        for _ in range(args.runs):
            if device.type == "cuda":
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                model(x)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            else:
                begin = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - begin) * 1e3)
    ms = statistics.median(times)
    name = args.arch if args.arch == "srvgg" else f"rrdb{args.blocks}"
    print(json.dumps({"model": name, "precision": args.precision, "format": args.format, "batch": args.batch,
                      "tile": args.tile, "ms": round(ms, 3), "runs": args.runs, "finite": finite,
                      "input_mp_per_s": round(args.batch * args.tile * args.tile / 1e6 / (ms / 1e3), 2)}),
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["save", "time"])
    parser.add_argument("--arch", choices=["srvgg", "rrdb"], required=True)
    parser.add_argument("--blocks", type=int, default=23)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--convs", type=int, default=16)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--precision", default="fp16", choices=["fp16", "bf16", "fp32"])
    parser.add_argument("--format", default="nhwc", choices=["nhwc", "nchw"])
    parser.add_argument("--tile", type=int, default=512)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    args = parser.parse_args()
    if args.mode == "save":
        torch.save(build(args).state_dict(), args.out)
        print(args.out)
    else:
        time_forward(args)


if __name__ == "__main__":
    main()
