#!/usr/bin/python3
"""Reference sigmas, step windows and sampler outputs from ComfyUI's own code.

WHAT IT MAKES
  <out>/reference_sampling.safetensors: F32 tensors plus one JSON document in the
  header's __metadata__["json"] (the cases, seeds and denoiser parameters).

  schedule.sigmas             [1000] ModelSamplingDiscrete().sigmas (eps, scaled
                              linear 0.00085..0.012)
  scheduler.<name>.<steps>    comfy.samplers.calculate_sigmas(model_sampling, name, steps)
                              for every name in SCHEDULERS and steps in STEP_COUNTS
  window.<i>                  the sigmas ComfyUI's KSampler.sample hands to the
                              sampler for WINDOW_CASES[i] (KSampler.__init__ ->
                              set_steps, then the last_step / start_step cuts in
                              KSampler.sample); a [0] tensor where ComfyUI returns
                              the input latent (metadata "returns_input": true)
  sampler.input               [2,4,8,8] noise * sqrt(1 + sigma0^2), noise =
                              torch.randn([2,4,8,8], generator=torch.manual_seed(7)),
                              sigma0 = the first karras sigma (= sigma_max)
  sampler.<name>.sigmas       KSampler(sampler=name, scheduler="karras", steps=10).sigmas
                              (so ComfyUI's discard-penultimate rule applies to
                              dpm_2, dpm_2_ancestral, uni_pc)
  sampler.<name>.x            the sampler's result on sampler.input over those sigmas,
                              on the exact Gaussian denoiser (mean 0.5, std 0.3),
                              extra_args {"seed": 42}; samplers that take a
                              noise_sampler get k-diffusion's
                              default_noise_sampler(x, seed=42) explicitly (on CPU
                              that is a torch.Generator seeded 43)
  sampler.<name>.step1        the callback's x at i = 1, i.e. x after one update
                              (uni_pc reports it in its VP space: x / sqrt(1 + sigma_1^2))
  sampler.<name>.brownian.x   dpmpp_sde / dpmpp_2m_sde / dpmpp_3m_sde with ComfyUI's
                              default noise sampler (BrownianTreeNoiseSampler,
                              seed 42, cpu=True), through the real torchsde
  "ddim" is ComfyUI's mapping: ksampler("euler", inpaint_options={"random": True});
  without a denoise mask that is sample_euler.

SHIMS (runtime only; the reference files are never edited)
  * comfy, comfy.k_diffusion, comfy.extra_samplers are registered as bare packages
    whose __path__ is the reference folder, so the real sampling.py, utils.py,
    uni_pc.py, samplers.py and model_sampling.py are imported from --comfy.
  * Empty stub modules for what samplers.py imports only for its guider / hooks
    machinery (never reached here): comfy.sampler_helpers, comfy.model_patcher,
    comfy.patcher_extension, comfy.hooks, comfy.context_windows,
    comfy.memory_management; comfy.k_diffusion.deis and .sa_solver (used only
    by samplers this script does not run).
  * comfy.utils.model_trange = range (sampling.py's progress-bar trange).
  * PIL and torchvision.transforms.functional: empty stubs, so
    k_diffusion/utils.py imports (only its append_dims is used).
  * comfy.ldm.modules.diffusionmodules.util.make_beta_schedule("linear", ...):
    ComfyUI's scaled-linear betas, linspace(sqrt(start), sqrt(end), n, float64)^2.
  * comfy.model_sampling.CONST: an empty class when the reference copy predates it
    (sampling.py only uses it in isinstance checks; an EPS model never is one).
  * torchsde: imported from --torchsde through torchsde_shim.py (which stubs its
    `trampoline` dependency).
  * The k-diffusion model: an object whose __call__(x, sigma, **extra_args) is the
    exact Gaussian denoiser and whose inner_model.inner_model.model_sampling /
    inner_model.model_patcher.get_model_object("model_sampling") are the
    ModelSamplingDiscrete, the two ways ComfyUI's samplers reach it.
  * The model_sampling object is ComfyUI's combination for an eps model
    (comfy/model_base.py): class ModelSampling(ModelSamplingDiscrete, EPS).
  * comfy.samplers.sample is replaced by a function returning the sigmas it is
    given, so KSampler.sample's own step-window code runs and reports its cut.

RERUN
  /usr/bin/python3 scripts/sampling_reference/make_fixtures.py \\
      --comfy /work/refs/ComfyUI --torchsde /work/refs/google-research+torchsde \\
      --out tests/data/sampling
"""

import argparse
import importlib.util
import inspect
import json
import struct
import sys
import types
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent

SCHEDULERS = ["normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta"]
STEP_COUNTS = [1, 2, 3, 10, 30]
SAMPLERS = ["euler", "euler_ancestral", "heun", "dpm_2", "dpm_2_ancestral", "lms", "dpmpp_2s_ancestral",
            "dpmpp_sde", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_3m_sde", "uni_pc", "lcm", "ddim"]
BROWNIAN_SAMPLERS = ["dpmpp_sde", "dpmpp_2m_sde", "dpmpp_3m_sde"]
SAMPLER_STEPS = 10
GAUSSIAN_MEAN, GAUSSIAN_STD = 0.5, 0.3
INPUT_SEED, NOISE_SEED = 7, 42
INPUT_SHAPE = [2, 4, 8, 8]

# KSampler / KSamplerAdvanced windows. start/last None = not passed (plain KSampler node);
# KSamplerAdvanced passes start_step, last_step (default 10000) and
# force_full_denoise = not return_with_leftover_noise.
WINDOW_CASES = [
    dict(name="plain", sampler="euler", scheduler="karras", steps=20),
    dict(name="denoise 0.25", sampler="euler", scheduler="normal", steps=20, denoise=0.25),
    dict(name="denoise 0.5", sampler="euler", scheduler="karras", steps=20, denoise=0.5),
    dict(name="denoise 0.999", sampler="euler", scheduler="karras", steps=20, denoise=0.999),
    dict(name="denoise 0", sampler="euler", scheduler="karras", steps=20, denoise=0.0),
    dict(name="last_step 12, leftover noise", sampler="euler", scheduler="karras", steps=20, start_step=0,
         last_step=12, force_full_denoise=False),
    dict(name="last_step 12, force_full_denoise", sampler="euler", scheduler="karras", steps=20, start_step=0,
         last_step=12, force_full_denoise=True),
    dict(name="start_step 5", sampler="euler", scheduler="karras", steps=20, start_step=5, last_step=10000,
         force_full_denoise=True),
    dict(name="start_step 20 of 20", sampler="euler", scheduler="karras", steps=20, start_step=20,
         last_step=10000, force_full_denoise=True),
    dict(name="start_step 25 of 20", sampler="euler", scheduler="karras", steps=20, start_step=25,
         last_step=10000, force_full_denoise=True),
    dict(name="base: 30 steps 0..15, leftover noise", sampler="euler", scheduler="exponential", steps=30,
         start_step=0, last_step=15, force_full_denoise=False),
    dict(name="refiner: 32 steps from 15", sampler="euler", scheduler="exponential", steps=32, start_step=15,
         last_step=10000, force_full_denoise=True),
    dict(name="refiner: 30 steps from 15", sampler="euler", scheduler="exponential", steps=30, start_step=15,
         last_step=10000, force_full_denoise=True),
    dict(name="dpm_2 karras (discard penultimate)", sampler="dpm_2", scheduler="karras", steps=20),
    dict(name="dpm_2 karras, denoise 0.5", sampler="dpm_2", scheduler="karras", steps=20, denoise=0.5),
    dict(name="dpm_2 karras, last_step 12 forced", sampler="dpm_2", scheduler="karras", steps=20, start_step=0,
         last_step=12, force_full_denoise=True),
]


def _load_diffusion_fixtures():
    """scripts/diffusion_reference/make_fixtures.py, whose helpers this script shares."""
    path = Path(__file__).resolve().parent.parent / "diffusion_reference" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("diffusion_reference_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# The fixtures' safetensors writer and the module stubs, shared with the diffusion reference script.
_shared = _load_diffusion_fixtures()
save_safetensors = _shared.save_safetensors
load_module = _shared._load_file_as
stub = _shared._stub
package = _shared._bare_package


def make_beta_schedule(schedule, n_timestep, linear_start=1e-4, linear_end=2e-2, cosine_s=8e-3):
    if schedule != "linear":
        raise NotImplementedError(f"stub make_beta_schedule has only 'linear', not {schedule}")
    return torch.linspace(linear_start ** 0.5, linear_end ** 0.5, n_timestep, dtype=torch.float64) ** 2


def import_comfy(comfy_root, torchsde_root):
    sys.path.insert(0, str(HERE))
    from torchsde_shim import import_torchsde
    import_torchsde(torchsde_root)

    comfy_dir = Path(comfy_root) / "comfy"
    comfy = package("comfy", comfy_dir)
    package("comfy.k_diffusion", comfy_dir / "k_diffusion")
    package("comfy.extra_samplers", comfy_dir / "extra_samplers")
    for name in ["sampler_helpers", "model_patcher", "patcher_extension", "hooks", "context_windows",
                 "memory_management"]:
        setattr(comfy, name, stub("comfy." + name))
    comfy.utils = stub("comfy.utils", model_trange=lambda *args, disable=None, **kwargs: range(*args))
    stub("comfy.k_diffusion.deis")
    stub("comfy.k_diffusion.sa_solver")
    stub("PIL", Image=stub("PIL.Image"))
    stub("torchvision")
    stub("torchvision.transforms", functional=stub("torchvision.transforms.functional"))
    for name in ["comfy.ldm", "comfy.ldm.modules", "comfy.ldm.modules.diffusionmodules"]:
        stub(name)
    stub("comfy.ldm.modules.diffusionmodules.util", make_beta_schedule=make_beta_schedule)

    model_sampling = load_module("comfy.model_sampling", comfy_dir / "model_sampling.py")
    if not hasattr(model_sampling, "CONST"):
        model_sampling.CONST = type("CONST", (), {})
    comfy.model_sampling = model_sampling
    samplers = load_module("comfy.samplers", comfy_dir / "samplers.py")
    samplers.sample = lambda model, noise, positive, negative, cfg, device, sampler, sigmas, *args, **kwargs: sigmas
    return model_sampling, samplers


class GaussianModel:
    """ComfyUI's k-diffusion model callable for data ~ N(mean, std^2) per element:
    D(x, sigma) = mean + std^2 / (std^2 + sigma^2) (x - mean), the factor in float64
    like tests/core/diffusion/sampling/gaussian_data.h."""

    def __init__(self, model_sampling):
        patcher = types.SimpleNamespace(get_model_object=lambda name: model_sampling)
        self.inner_model = types.SimpleNamespace(inner_model=types.SimpleNamespace(model_sampling=model_sampling),
                                                 model_patcher=patcher)

    def __call__(self, x, sigma, **extra_args):
        s2 = GAUSSIAN_STD ** 2
        factor = s2 / (s2 + float(sigma[0]) ** 2)
        return GAUSSIAN_MEAN + (x - GAUSSIAN_MEAN) * factor


class ModelPatcher:
    """What KSampler asks of its model: get_model_object("model_sampling")."""

    def __init__(self, model_sampling):
        self.model_sampling = model_sampling

    def get_model_object(self, name):
        return self.model_sampling


def window_sigmas(samplers, patcher, case):
    """Run KSampler's own window code; None where it returns the input latent."""
    ksampler = samplers.KSampler(patcher, steps=case["steps"], device="cpu", sampler=case["sampler"],
                                 scheduler=case["scheduler"], denoise=case.get("denoise", 1.0))
    returned_input = object()
    result = ksampler.sample(torch.zeros(1), None, None, 1.0, latent_image=returned_input,
                             start_step=case.get("start_step"), last_step=case.get("last_step"),
                             force_full_denoise=case.get("force_full_denoise", False))
    if result is returned_input:
        return None
    return result.clone()


def run_sampler(samplers, k_sampling, uni_pc, model, name, x, sigmas, noise_sampler):
    """Returns (final x, x after one update) for `name`, ComfyUI's mapping of it."""
    if name == "uni_pc":
        function = uni_pc.sample_unipc
    elif name == "ddim":
        function = samplers.sampler_object("ddim").sampler_function
    else:
        function = getattr(k_sampling, "sample_" + name)
    seen = {}

    def callback(info):
        seen.setdefault(info["i"], info["x"].clone())

    kwargs = dict(extra_args={"seed": NOISE_SEED}, callback=callback, disable=True)
    if noise_sampler == "explicit" and "noise_sampler" in inspect.signature(function).parameters:
        kwargs["noise_sampler"] = k_sampling.default_noise_sampler(x, seed=NOISE_SEED)
    # sample_unipc writes 0.001 into the last sigma of what it is given: pass a copy.
    result = function(model, x.clone(), sigmas.clone(), **kwargs)
    return result, seen[1], "noise_sampler" in kwargs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comfy", required=True, help="folder holding comfy/ (the ComfyUI reference copy)")
    parser.add_argument("--torchsde", required=True, help="torchsde source root (holding torchsde/)")
    parser.add_argument("--out", required=True, help="output folder (tests/data/sampling)")
    args = parser.parse_args()

    model_sampling_module, samplers = import_comfy(args.comfy, args.torchsde)
    k_sampling = sys.modules["comfy.k_diffusion.sampling"]
    uni_pc = sys.modules["comfy.extra_samplers.uni_pc"]

    torch.set_grad_enabled(False)
    # comfy/model_base.py model_sampling(): class ModelSampling(ModelSamplingDiscrete, EPS).
    eps_sampling = type("ModelSampling", (model_sampling_module.ModelSamplingDiscrete, model_sampling_module.EPS), {})
    model_sampling = eps_sampling()
    patcher = ModelPatcher(model_sampling)
    tensors = {"schedule.sigmas": model_sampling.sigmas.clone()}

    for name in SCHEDULERS:
        for steps in STEP_COUNTS:
            tensors[f"scheduler.{name}.{steps}"] = samplers.calculate_sigmas(model_sampling, name, steps).float()

    windows = []
    for i, case in enumerate(WINDOW_CASES):
        sigmas = window_sigmas(samplers, patcher, case)
        returns_input = sigmas is None or sigmas.numel() == 0
        tensors[f"window.{i}"] = torch.zeros(0) if sigmas is None else sigmas.float()
        windows.append(dict(case, key=f"window.{i}", returns_input=returns_input,
                            discard_penultimate_sigma=case["sampler"] in samplers.KSampler.DISCARD_PENULTIMATE_SIGMA_SAMPLERS))

    model = GaussianModel(model_sampling)
    sigma0 = float(samplers.calculate_sigmas(model_sampling, "karras", SAMPLER_STEPS)[0])
    noise = torch.randn(INPUT_SHAPE, generator=torch.manual_seed(INPUT_SEED))
    x = noise * (1.0 + sigma0 ** 2) ** 0.5
    tensors["sampler.input"] = x
    sampler_meta = {}
    for name in SAMPLERS:
        sigmas = window_sigmas(samplers, patcher, dict(sampler=name, scheduler="karras", steps=SAMPLER_STEPS))
        result, step1, explicit = run_sampler(samplers, k_sampling, uni_pc, model, name, x, sigmas, "explicit")
        tensors[f"sampler.{name}.sigmas"] = sigmas.float()
        tensors[f"sampler.{name}.x"] = result
        tensors[f"sampler.{name}.step1"] = step1
        sampler_meta[name] = dict(noise_sampler="default_noise_sampler(x, seed=42)" if explicit else None,
                                  comfy_function="sample_euler" if name == "ddim" else
                                  ("uni_pc.sample_unipc" if name == "uni_pc" else "sample_" + name),
                                  step1_space="vp: x / sqrt(1 + sigma^2)" if name == "uni_pc" else "k-diffusion")
        if name in BROWNIAN_SAMPLERS:
            result, _, _ = run_sampler(samplers, k_sampling, uni_pc, model, name, x, sigmas, "default")
            tensors[f"sampler.{name}.brownian.x"] = result
            sampler_meta[name]["brownian"] = "BrownianTreeNoiseSampler(x, sigma_min, sigma_max, seed=42, cpu=True)"

    metadata = dict(
        schedulers=SCHEDULERS, step_counts=STEP_COUNTS, windows=windows,
        samplers=sampler_meta, sampler_steps=SAMPLER_STEPS, sampler_scheduler="karras",
        gaussian=dict(mean=GAUSSIAN_MEAN, std=GAUSSIAN_STD),
        input=dict(shape=INPUT_SHAPE, noise_seed=INPUT_SEED, sigma0=sigma0,
                   formula="torch.randn(shape, generator=torch.manual_seed(7)) * sqrt(1 + sigma0^2)"),
        extra_args_seed=NOISE_SEED,
        torch_version=torch.__version__,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    save_safetensors(out / "reference_sampling.safetensors", tensors, {"json": json.dumps(metadata, sort_keys=True)})
    print(f"wrote {len(tensors)} tensors to {out / 'reference_sampling.safetensors'}")


if __name__ == "__main__":
    main()
