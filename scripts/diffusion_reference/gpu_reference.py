#!/usr/bin/env python3
"""Full-size references on a GPU machine (PyTorch 2.x + CUDA), for tests/bench.

  full   random weights at the REAL shapes of one family (SD 1.5, SDXL base,
         SDXL refiner), laid out as a real single-file checkpoint
         (<out>/<family>.safetensors, F16), and the original code's fp32
         outputs on them (<out>/<family>_reference.safetensors): UNet for a
         fixed (x, t, context, y), VAE decode and encode, text hidden states.
         `tessera-bench diffusion-verify` loads the checkpoint through our
         detection and loaders and compares.
  time   the same networks in plain PyTorch eager, fp16 on CUDA, the speed
         reference: UNet steps with CFG (batch 2) at SD 1.5 512 / 1024 and
         SDXL 1024, VAE decode and encode at 1024. Median milliseconds.

The original code (CompVis ldm for the SD 1.5 UNet and the VAE, Stability sgm
for SDXL and for every timed network since it uses scaled_dot_product_attention,
OpenAI CLIP for the text towers) is imported as make_fixtures.py does; its
folders are given with --refs (the four fetched repositories side by side:
CompVis+stable-diffusion, Stability-AI+generative-models, openai+CLIP,
arogozhnikov+einops).
"""
import argparse
import json
import math
import os
import statistics
import sys
import time
import types
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf  # noqa: E402

torch.set_num_threads(os.cpu_count() or 1)  # make_fixtures pins one thread for bit-stable CPU fixtures

# Real hyper-parameters (configs/stable-diffusion/v1-inference.yaml, configs/inference/sd_xl_*.yaml).
SD15_UNET = dict(image_size=32, in_channels=4, out_channels=4, model_channels=320, attention_resolutions=[4, 2, 1],
                 num_res_blocks=2, channel_mult=[1, 2, 4, 4], num_heads=8, use_spatial_transformer=True,
                 transformer_depth=1, context_dim=768, use_checkpoint=False, legacy=False)
SDXL_BASE_UNET = dict(adm_in_channels=2816, num_classes="sequential", use_checkpoint=False, in_channels=4,
                      out_channels=4, model_channels=320, attention_resolutions=[4, 2], num_res_blocks=2,
                      channel_mult=[1, 2, 4], num_head_channels=64, use_linear_in_transformer=True,
                      transformer_depth=[1, 2, 10], context_dim=2048, spatial_transformer_attn_type="softmax")
SDXL_REFINER_UNET = dict(adm_in_channels=2560, num_classes="sequential", use_checkpoint=False, in_channels=4,
                         out_channels=4, model_channels=384, attention_resolutions=[4, 2], num_res_blocks=2,
                         channel_mult=[1, 2, 4, 4], num_head_channels=64, use_linear_in_transformer=True,
                         transformer_depth=4, context_dim=[1280, 1280, 1280, 1280],
                         spatial_transformer_attn_type="softmax")
VAE = dict(double_z=True, z_channels=4, resolution=256, in_channels=3, out_ch=3, ch=128, ch_mult=[1, 2, 4, 4],
           num_res_blocks=2, attn_resolutions=[], dropout=0.0)


class FullVAE(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.encoder = module.Encoder(**VAE)
        self.decoder = module.Decoder(**VAE)
        self.quant_conv = nn.Conv2d(8, 8, 1)
        self.post_quant_conv = nn.Conv2d(4, 4, 1)

    def encode_mean(self, image):
        return self.quant_conv(self.encoder(image))[:, :4]

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


def refs_namespace(refs):
    return types.SimpleNamespace(compvis=refs / "CompVis+stable-diffusion", sgm=refs / "Stability-AI+generative-models",
                                 clip=refs / "openai+CLIP", einops=refs / "arogozhnikov+einops")


def sgm_vae_module():
    import sgm.modules.diffusionmodules.model as m
    return m


DEVICE = "cuda"


def on_device():
    """Builds modules straight on DEVICE where torch can (2.x), which skips a
    minute of CPU initialisation for SDXL's 2.6 G parameters."""
    import contextlib
    return torch.device(DEVICE) if hasattr(torch.device(DEVICE), "__enter__") else contextlib.nullcontext()


def randomize(net, seed):
    """Uniform weights by make_fixtures.weight_rule, drawn on the GPU, rounded to fp16."""
    g = torch.Generator(device=DEVICE).manual_seed(seed)
    norms = mf.norm_keys(net)
    with torch.no_grad():
        for name, p in net.named_parameters():
            offset, scale = mf.weight_rule(name, list(p.shape), name in norms)
            u = torch.rand(p.shape, generator=g, device=DEVICE) * 2 - 1
            p.copy_((offset + scale * u).half().float())


def text_towers(R, family):
    towers = {}
    if family in ("sd15", "sdxl_base"):
        towers["clip_l"] = mf.TextTower(R, 768, 12, 12)
    if family in ("sdxl_base", "sdxl_refiner"):
        towers["clip_g"] = mf.TextTower(R, 1280, 32, 20, proj_dim=1280, exact_gelu=True)
    return towers


PREFIXES = {
    "sd15": {"unet": "model.diffusion_model.", "vae": "first_stage_model.", "clip_l": "cond_stage_model.transformer."},
    "sdxl_base": {"unet": "model.diffusion_model.", "vae": "first_stage_model.",
                  "clip_l": "conditioner.embedders.0.transformer.", "clip_g": "conditioner.embedders.1.model."},
    "sdxl_refiner": {"unet": "model.diffusion_model.", "vae": "first_stage_model.",
                     "clip_g": "conditioner.embedders.0.model."},
}


def file_state_dict(name, net):
    """The network's tensors under the file's names, F16 on the CPU (CLIP-L: HF names, in_proj split)."""
    sd = {k: v.detach().half().cpu() for k, v in net.state_dict().items()}
    if name != "clip_l":
        return sd
    out = {}
    for hf_name, openai_name in mf.clip_l_names_to_hf({k: k for k in sd}).items():
        t = sd[openai_name]
        if openai_name.endswith(("in_proj_weight", "in_proj_bias")):
            t = t.chunk(3, dim=0)["qkv".index(hf_name.split("self_attn.")[1][0])]
        out[hf_name] = t.contiguous()
    return out


def full(args):
    R = mf.import_references(refs_namespace(args.refs))
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    fam = args.family
    out_dir = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    unet_cfg = {"sd15": SD15_UNET, "sdxl_base": SDXL_BASE_UNET, "sdxl_refiner": SDXL_REFINER_UNET}[fam]
    unet_cls = R.ldm_unet.UNetModel if fam == "sd15" else R.sgm_unet.UNetModel
    with on_device():
        nets = {"unet": unet_cls(**unet_cfg), "vae": FullVAE(R.ldm_vae)}
        nets.update(text_towers(R, fam))
    checkpoint, reference = {}, {}
    g = torch.Generator(device=DEVICE).manual_seed(7)
    randn = lambda *shape: torch.randn(shape, generator=g, device=DEVICE)  # noqa: E731
    with torch.no_grad():
        for i, (name, net) in enumerate(nets.items()):
            net.to(DEVICE).eval()
            randomize(net, 100 + i)
            for key, t in file_state_dict(name, net).items():
                checkpoint[PREFIXES[fam][name] + key] = t
        side = 64 if fam == "sd15" else 128
        ctx = {"sd15": 768, "sdxl_base": 2048, "sdxl_refiner": 1280}[fam]
        x, t, c = randn(2, 4, side, side), torch.tensor([999.0, 261.0], device=DEVICE), randn(2, 77, ctx)
        kw = {}
        if fam != "sd15":
            kw["y"] = randn(2, unet_cfg["adm_in_channels"])
            reference["unet.y"] = kw["y"]
        reference.update({"unet.x": x, "unet.t": t, "unet.context": c})
        reference["unet.out"] = nets["unet"](x, timesteps=t, context=c, **kw)
        latent = randn(1, 4, 64, 64)
        image = torch.tanh(2 * torch.nn.functional.interpolate(randn(1, 3, 16, 16), size=(512, 512), mode="bilinear"))
        reference.update({"vae.decode.latent": latent, "vae.decode.out": nets["vae"].decode(latent),
                          "vae.image": image, "vae.encode.mean": nets["vae"].encode_mean(image)})
        tokens = torch.tensor([[mf.SOT, 320, 1125, 539, 320, 2368, mf.EOT] + [mf.EOT] * 70], device=DEVICE)
        reference["text.tokens"] = tokens
        if "clip_l" in nets:
            h = nets["clip_l"].hidden_states(tokens)
            reference["clip_l.last"] = nets["clip_l"].ln_final(h[-1])
            reference["clip_l.penultimate"] = h[-2]
        if "clip_g" in nets:
            tg = torch.where(torch.arange(77, device=DEVICE) > 6, torch.zeros_like(tokens), tokens)
            reference["text.tokens_g"] = tg
            h = nets["clip_g"].hidden_states(tg)
            reference["clip_g.penultimate"] = h[-2]
            last = nets["clip_g"].ln_final(h[-1])
            reference["clip_g.pooled"] = last[torch.arange(1), tg.argmax(-1)] @ nets["clip_g"].text_projection
    for key in ("conditioner.embedders.1.model.logit_scale", "conditioner.embedders.0.model.logit_scale"):
        if any(k.startswith(key.rsplit(".", 1)[0]) for k in checkpoint):
            checkpoint[key] = torch.tensor(math.log(1 / 0.07)).half()
    start = time.time()
    mf.save_safetensors(out_dir / f"{fam}.safetensors", checkpoint)
    mf.save_safetensors(out_dir / f"{fam}_reference.safetensors",
                        {k: (v.float() if v.is_floating_point() else v).cpu() for k, v in reference.items()})
    print(f"{fam}: {len(checkpoint)} tensors, {sum(t.numel() for t in checkpoint.values()) / 1e9:.3f} G parameters, "
          f"written in {time.time() - start:.1f} s")


def median_ms(fn, warmup=3, runs=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def timing(args):
    R = mf.import_references(refs_namespace(args.refs))
    # Plain fp16 eager, as diffusers runs it: sgm's GroupNorm32 upcasts to fp32
    # and relies on autocast for its mixed dtypes; use torch's GroupNorm as is.
    import sgm.modules.diffusionmodules.util as sgm_util
    sgm_util.GroupNorm32.forward = nn.GroupNorm.forward
    results = {}
    g = torch.Generator(device=DEVICE).manual_seed(1)
    randn = lambda *shape: torch.randn(shape, generator=g, device=DEVICE, dtype=torch.half)  # noqa: E731
    with torch.inference_mode():
        for fam, cfg, sizes, ctx in (("sd15", dict(SD15_UNET), (512, 1024), 768),
                                     ("sdxl_base", SDXL_BASE_UNET, (1024,), 2048)):
            if fam == "sd15":  # sgm's UNetModel takes the SD 1.x config and uses SDPA
                for ldm_only in ("image_size", "use_spatial_transformer", "legacy"):
                    cfg.pop(ldm_only)
                cfg["spatial_transformer_attn_type"] = "softmax"
            with on_device():
                unet = R.sgm_unet.UNetModel(**cfg)
            unet = unet.to(DEVICE).half().eval()
            # sgm runs under autocast; without it its fp32 timestep embedding meets fp16 weights.
            unet.time_embed.register_forward_pre_hook(lambda m, args: tuple(a.half() for a in args))
            for size in sizes:
                x, t, c = randn(2, 4, size // 8, size // 8), torch.tensor([500.0, 500.0], device=DEVICE), randn(2, 77, ctx)
                kw = {"y": randn(2, cfg["adm_in_channels"])} if "adm_in_channels" in cfg else {}
                results[f"{fam}.unet.{size}"] = median_ms(lambda: unet(x, timesteps=t, context=c, **kw))
            del unet
            torch.cuda.empty_cache()
        with on_device():
            vae = FullVAE(sgm_vae_module())
        vae = vae.to(DEVICE).half().eval()
        latent, image = randn(1, 4, 128, 128), randn(1, 3, 1024, 1024)
        results["vae.decode.1024"] = median_ms(lambda: vae.decode(latent))
        results["vae.encode.1024"] = median_ms(lambda: vae.encode_mean(image))
    print(json.dumps({"pytorch_eager_fp16_ms": results, "torch": torch.__version__,
                      "device": torch.cuda.get_device_name()}, indent=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["full", "time"])
    ap.add_argument("--refs", required=True, type=Path)
    ap.add_argument("--family", choices=["sd15", "sdxl_base", "sdxl_refiner"])
    ap.add_argument("--out", type=Path, default=Path("/tmp/tessera-full"))
    ap.add_argument("--device", default="cuda", help="cpu for a dry run of 'full'")
    args = ap.parse_args()
    global DEVICE
    DEVICE = args.device
    full(args) if args.mode == "full" else timing(args)


if __name__ == "__main__":
    main()
