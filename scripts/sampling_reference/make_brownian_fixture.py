#!/usr/bin/python3
"""Reference noise of ComfyUI's Brownian-tree noise sampler, from torchsde itself.

WHAT IT MAKES (in --out, normally tests/data/sampling/)
  brownian_reference.safetensors, for like = zeros [2, 4, 8, 8] fp32 and, per
  query sequence <seq> and seed <seed>:
    <seq>.seed<seed>.range    F32 [2]   sigma_min, sigma_max of the tree
    <seq>.seed<seed>.queries  F32 [n, 2] (sigma, sigma_next) in query order
    <seq>.seed<seed>.noise    F32 [n, 2, 4, 8, 8] the sampler's noise per query
  Sequences (each on a fresh sampler, queried in this order, as a sampler run does):
    karras10    (sigma_i, sigma_i+1) of a 10-step karras schedule, nonzero pairs
    karras25    the same for 25 steps (seed 42 only, to keep the file small)
    dpmpp_sde10 sample_dpmpp_sde's queries on the 10-step schedule: per step
                (sigma_i, sigma_s_1), then (sigma_i, sigma_i+1), with
                sigma_s_1 = exp(-(lambda_s + h / 2)) computed in fp32 as ComfyUI does
    reverse10   a few 10-step pairs from the bottom of the schedule up, some
                with sigma and sigma_next swapped (the sign flips)
  The JSON metadata lists every sequence's seed, range and queries.

WHICH REFERENCE PRODUCED WHAT
  torchsde.BrownianTree (google-research/torchsde, imported from source by
  torchsde_shim.py) draws every number. The wrapper is ComfyUI's
  comfy/k_diffusion/sampling.py BrownianTreeNoiseSampler + BatchedBrownianTree
  (identity transform, cpu=True, one seed), transcribed below; the schedules
  are ComfyUI's get_sigmas_karras over ModelSamplingDiscrete's sigma_min /
  sigma_max (make_fixtures.py discrete_sigmas / karras_sigmas).

RERUN
  /usr/bin/python3 scripts/sampling_reference/make_brownian_fixture.py \\
      --torchsde /work/refs/google-research+torchsde --out tests/data/sampling
"""

import argparse
import json
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "diffusion_reference"))

from torchsde_shim import import_torchsde  # noqa: E402
from make_fixtures import discrete_sigmas, karras_sigmas, save_safetensors  # noqa: E402

LIKE_SHAPE = (2, 4, 8, 8)


class ComfyBrownianTreeNoiseSampler:
    """ComfyUI's BrownianTreeNoiseSampler(x, sigma_min, sigma_max, seed, cpu=True)
    with BatchedBrownianTree for one seed: the tree over the sorted range on the
    CPU, queries sorted and cast to fp32 on the CPU, the increment signed back,
    moved to the sigmas' device and dtype and divided by sqrt|t1 - t0|."""

    def __init__(self, torchsde, x, sigma_min, sigma_max, seed):
        t0, t1 = torch.as_tensor(sigma_min), torch.as_tensor(sigma_max)
        t0, t1, self.sign = self.sort(t0, t1)
        w0 = torch.zeros_like(x)
        self.tree = torchsde.BrownianTree(t0.detach().cpu(), w0.detach().cpu(), t1.detach().cpu(), entropy=seed)

    @staticmethod
    def sort(a, b):
        return (a, b, 1) if a < b else (b, a, -1)

    def __call__(self, sigma, sigma_next):
        t0, t1 = torch.as_tensor(sigma), torch.as_tensor(sigma_next)
        a, b, sign = self.sort(t0, t1)
        device, dtype = a.device, a.dtype
        a, b = a.detach().cpu().float(), b.detach().cpu().float()
        w = torch.stack([self.tree(a, b)]).to(device=device, dtype=dtype) * (self.sign * sign)
        return w[0] / (t1 - t0).abs().sqrt()


def schedule(steps, discrete):
    return karras_sigmas(steps, float(discrete[0]), float(discrete[-1]))


def step_pairs(sigmas):
    return [(sigmas[i], sigmas[i + 1]) for i in range(len(sigmas) - 1) if sigmas[i + 1] > 0]


def dpmpp_sde_queries(sigmas):
    """sample_dpmpp_sde's two noise queries per step (EPS model, r = 1/2):
    lambda = -log(sigma), sigma_s_1 = exp(-(lambda_s + r h)), h = lambda_t - lambda_s."""
    queries = []
    for s, t in step_pairs(sigmas):
        lambda_s, lambda_t = s.log().neg(), t.log().neg()
        h = lambda_t - lambda_s
        sigma_s_1 = (lambda_s + 0.5 * h).neg().exp()
        queries += [(s, sigma_s_1), (s, t)]
    return queries


def reverse_queries(sigmas):
    pairs = step_pairs(sigmas)
    picked = [pairs[i] for i in (8, 7, 5, 3, 1, 0)]
    return [(t, s) if k % 2 else (s, t) for k, (s, t) in enumerate(picked)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torchsde", required=True, help="torchsde source checkout (holds torchsde/)")
    parser.add_argument("--out", required=True, help="output folder (tests/data/sampling)")
    a = parser.parse_args()
    torchsde = import_torchsde(a.torchsde)

    discrete = discrete_sigmas()
    karras10, karras25 = schedule(10, discrete), schedule(25, discrete)
    sequences = [
        ("karras10", karras10, step_pairs(karras10), (42, 0)),
        ("karras25", karras25, step_pairs(karras25), (42,)),
        ("dpmpp_sde10", karras10, dpmpp_sde_queries(karras10), (42, 0)),
        ("reverse10", karras10, reverse_queries(karras10), (42, 0)),
    ]

    like = torch.zeros(LIKE_SHAPE)
    tensors, listing = {}, {}
    for name, sigmas, queries, seeds in sequences:
        sigma_min, sigma_max = sigmas[sigmas > 0].min(), sigmas.max()
        for seed in seeds:
            sampler = ComfyBrownianTreeNoiseSampler(torchsde, like, sigma_min, sigma_max, seed)
            key = f"{name}.seed{seed}"
            tensors[key + ".range"] = torch.stack([sigma_min, sigma_max])
            tensors[key + ".queries"] = torch.tensor([[float(s), float(t)] for s, t in queries])
            tensors[key + ".noise"] = torch.stack([sampler(s, t) for s, t in queries])
            listing[key] = {"seed": seed, "range": [float(sigma_min), float(sigma_max)],
                            "queries": [[float(s), float(t)] for s, t in queries]}

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "brownian_reference.safetensors"
    metadata = {"like_shape": json.dumps(list(LIKE_SHAPE)), "sequences": json.dumps(listing),
                "torchsde": torchsde.__version__, "torch": torch.__version__}
    save_safetensors(path, tensors, metadata)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.1f} kB, {len(listing)} sequences)")


if __name__ == "__main__":
    main()
