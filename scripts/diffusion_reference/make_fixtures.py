#!/usr/bin/python3
"""Build tiny random-weight Stable Diffusion checkpoints and reference outputs.

WHAT IT MAKES (in --out, normally tests/data/diffusion/)
  tiny_checkpoints.txt: the recipe of six tiny component checkpoints (every
  key and shape, and the offset / scale of its hash-generated values; the C++
  tests regenerate the F16 files from it; --checkpoints DIR writes them too).
  Components, keys without any prefix (tests prefix them to compose
  single-file checkpoints):
    clip_l_tiny.safetensors          HF CLIPTextModel names (text_model.*)
    clip_g_tiny.safetensors          OpenCLIP names (token_embedding.weight, ...)
    unet_sd15_tiny.safetensors       CompVis ldm UNetModel (v1-inference.yaml)
    unet_sdxl_base_tiny.safetensors  sgm UNetModel (sd_xl_base.yaml)
    unet_sdxl_refiner_tiny.safetensors sgm UNetModel (sd_xl_refiner.yaml)
    vae_tiny.safetensors             ldm Encoder/Decoder + quant_conv/post_quant_conv
  reference_outputs.safetensors (F32 / I64) plus JSON metadata.

  Weights are fp32(offset + scale * u) rounded to fp16, u = uniform [-1, 1)
  from splitmix64(fnv1a64("component:key") + element index): a pure function
  of the key, reproduced bit for bit by tests/core/diffusion/diffusion_fixtures.h.
  Every reference forward runs in fp32 on exactly those fp16-rounded values.

WHICH REFERENCE PRODUCED WHAT
  text.tokens_l / text.tokens_g     openai CLIP clip/simple_tokenizer.py
                                     (SimpleTokenizer.encode) + SOT/EOT/padding
                                     done here (HF pads with 49407, open_clip with 0)
  sd15.text.*, sdxl.text.l_*        openai CLIP clip/model.py Transformer /
                                     ResidualAttentionBlock / LayerNorm (QuickGELU),
                                     with the causal mask of CLIP.build_attention_mask
  sdxl.text.g_*                     same openai blocks with mlp.gelu swapped to
                                     nn.GELU() (OpenCLIP bigG uses exact GELU), run
                                     through sgm FrozenOpenCLIPEmbedder2.
                                     encode_with_transformer/pool (legacy=False)
  *.adm.y                           sgm encoders/modules.py ConcatTimestepEmbedderND
  sd15.unet.*                       CompVis ldm openaimodel.UNetModel.forward
  sdxl_base.unet.*, sdxl_refiner.unet.*  sgm openaimodel.UNetModel.forward
  vae.*                             CompVis ldm diffusionmodules/model.py Encoder,
                                     Decoder + DiagonalGaussianDistribution
  *.txt2img.*                       our own ~30-line Euler/CFG/Karras sampler
                                     (ComfyUI semantics: nearest timestep,
                                     max_denoise noise scaling) over those UNets,
                                     decoded by the ldm Decoder

SHIMS (runtime only; reference files are never edited)
  * absent third-party modules imported at module level by the reference files
    are replaced by stub modules in sys.modules: pytorch_lightning, fsspec,
    kornia, open_clip, safetensors(.torch), transformers (the names sgm imports
    from them raise if ever called).  None of the code we run uses them.
    xformers is NOT stubbed: left absent, so the references take their
    non-xformers paths.
  * ftfy: fix_text = identity (exact for the plain-ASCII prompts used here).
  * regex: a wrapper over Python's re that rewrites the single CLIP pattern's
    \\p{L} / \\p{N} classes into re equivalents (exact for ASCII text).
  * sgm/__init__.py and sgm/modules/__init__.py (they import the whole
    training stack) are bypassed by registering bare package modules for sgm
    and sgm.modules whose __path__ points at the real folders; the real
    submodules are then imported normally.
  * clip/__init__.py (imports torchvision) is bypassed the same way.
  * sgm on torch < 2 refuses "softmax" attention without xformers: we set
    sgm.modules.attention.SDP_IS_AVAILABLE = True, BACKEND_MAP = {None: {}}
    (sdp_kernel is already a nullcontext there) and give torch.nn.functional a
    scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0,
    is_causal=False) = softmax(q k^T / sqrt(d)) v, the documented torch-2 math.
    UNets are built with spatial_transformer_attn_type="softmax" (CrossAttention);
    the config's "softmax-xformers" is the same math.
  * use_checkpoint=False everywhere (gradient checkpointing only).

LAYOUT CHECK
  The composed single-file checkpoints (prefixes cond_stage_model.transformer.,
  conditioner.embedders.N.{transformer,model}., model.diffusion_model.,
  first_stage_model.) are compared with the real layouts (--layouts):
  logit_scale / position_ids ignored; every tiny key must be a real key with the
  same rank; every real key absent from the tiny file must be a deeper entry of a
  repeated stack (CLIP encoder.layers.N / transformer.resblocks.N, SpatialTransformer
  transformer_blocks.N), because the tiny depths (CLIP 3 layers, SDXL transformer
  depth [1,1,2] / 1) are smaller than the real ones (12 / 32 layers, [1,2,10] / 4).
  Anything else fails the run.

RERUN
  /usr/bin/python3 scripts/diffusion_reference/make_fixtures.py \\
    --compvis REFS/CompVis+stable-diffusion \\
    --sgm REFS/Stability-AI+generative-models \\
    --clip REFS/openai+CLIP --einops REFS/arogozhnikov+einops \\
    --vocab ../shared/data/clip/bpe_simple_vocab_16e6.txt.gz \\
    --out tests/data/diffusion
  (REFS: the fetched repositories, extracted side by side; --layouts
  defaults to ../shared/data/checkpoint_layouts beside the checkout)
  Output is byte-for-byte deterministic.
"""
import argparse
import importlib.util
import json
import math
import re
import struct
import sys
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)  # bit-stable reductions between runs
torch.use_deterministic_algorithms(True)

# --------------------------------------------------------------------------
# safetensors I/O (no python package available)
# --------------------------------------------------------------------------
_DT = {torch.float16: ("F16", "<f2"), torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}
_DT_BACK = {"F16": np.float16, "F32": np.float32, "I64": np.int64}


def save_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        code, npdt = _DT[t.dtype]
        data = t.numpy().astype(npdt).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    raw = Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        arr = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=_DT_BACK[h["dtype"]])
        out[name] = torch.from_numpy(arr.copy().reshape(h["shape"]))
    return out, meta


# --------------------------------------------------------------------------
# importing the references
# --------------------------------------------------------------------------
def _stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    m.__path__ = []  # so "import name.sub" also works
    sys.modules[name] = m
    return m


def _bare_package(name, path):
    m = types.ModuleType(name)
    m.__path__ = [str(path)]
    sys.modules[name] = m
    return m


class _Anything:
    """Placeholder for names imported from stubbed modules but never used."""

    def __init__(self, *a, **k):
        raise RuntimeError("stubbed dependency was actually used")


def _load_file_as(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch-2 scaled_dot_product_attention, math path (used by sgm CrossAttention)."""
    assert dropout_p == 0.0 and not is_causal
    s = (q @ k.transpose(-2, -1)) * (scale if scale is not None else q.shape[-1] ** -0.5)
    if attn_mask is not None:
        s = s.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else s + attn_mask
    return s.softmax(dim=-1) @ v


def import_references(a):
    sys.path.insert(0, str(a.einops))
    sys.path.insert(0, str(a.compvis))
    sys.path.insert(0, str(a.sgm))

    # absent third-party modules (never exercised by the code paths we run)
    _stub("pytorch_lightning")
    _stub("fsspec")
    _stub("kornia")
    _stub("open_clip")
    _stub("safetensors")
    _stub("safetensors.torch", load_file=_Anything)
    _stub("transformers", ByT5Tokenizer=_Anything, CLIPTextModel=_Anything, CLIPTokenizer=_Anything,
          T5EncoderModel=_Anything, T5Tokenizer=_Anything)
    _stub("ftfy", fix_text=lambda s: s)
    try:
        import omegaconf  # noqa: F401
    except ImportError:  # machines without it: the code we run only names the ListConfig type
        class ListConfig(list):
            pass
        _stub("omegaconf", ListConfig=ListConfig, DictConfig=dict, OmegaConf=_Anything)
        _stub("omegaconf.listconfig", ListConfig=ListConfig)
    regex = _stub("regex")
    regex.__dict__.update({k: getattr(re, k) for k in ("IGNORECASE", "sub", "findall", "escape")})

    def _compile(pat, flags=0):
        pat = (pat.replace(r"[\p{L}]+", r"[^\W\d_]+")
                  .replace(r"[\p{N}]", r"\d")
                  .replace(r"[^\s\p{L}\p{N}]+", r"(?:[^\w\s]|_)+"))
        assert r"\p" not in pat, pat
        return re.compile(pat, flags)
    regex.compile = _compile

    # openai CLIP: load model.py / simple_tokenizer.py without clip/__init__.py
    _bare_package("clip", Path(a.clip) / "clip")
    clip_model = _load_file_as("clip.model", Path(a.clip) / "clip" / "model.py")
    clip_tok = _load_file_as("clip.simple_tokenizer", Path(a.clip) / "clip" / "simple_tokenizer.py")

    # CompVis ldm (no __init__.py files; plain namespace packages)
    import ldm.modules.diffusionmodules.openaimodel as ldm_unet
    import ldm.modules.diffusionmodules.model as ldm_vae
    import ldm.modules.distributions.distributions as ldm_dist

    # sgm: bypass sgm/__init__.py, sgm/modules/__init__.py (training stack)
    _bare_package("sgm", Path(a.sgm) / "sgm")
    _bare_package("sgm.modules", Path(a.sgm) / "sgm" / "modules")
    import sgm.modules.attention as sgm_attn
    sgm_attn.SDP_IS_AVAILABLE = True          # torch 1.13: allow the softmax path
    sgm_attn.BACKEND_MAP = {None: {}}         # sdp_kernel is a nullcontext here
    if not hasattr(torch.nn.functional, "scaled_dot_product_attention"):
        torch.nn.functional.scaled_dot_product_attention = _sdpa
    import sgm.modules.diffusionmodules.openaimodel as sgm_unet
    import sgm.modules.encoders.modules as sgm_enc

    return types.SimpleNamespace(clip_model=clip_model, clip_tok=clip_tok, ldm_unet=ldm_unet,
                                 ldm_vae=ldm_vae, ldm_dist=ldm_dist, sgm_attn=sgm_attn,
                                 sgm_unet=sgm_unet, sgm_enc=sgm_enc)


# --------------------------------------------------------------------------
# tiny networks (reference classes, tiny hyper-parameters)
# --------------------------------------------------------------------------
VOCAB, CTX_LEN = 49408, 77
SOT, EOT = 49406, 49407


class TextTower(nn.Module):
    """openai-CLIP text tower: token_embedding, positional_embedding, Transformer, ln_final
    (the attribute names are those of openai CLIP == open_clip)."""

    def __init__(self, R, width, layers, heads, proj_dim=None, exact_gelu=False):
        super().__init__()
        mask = torch.empty(CTX_LEN, CTX_LEN).fill_(float("-inf")).triu_(1)  # CLIP.build_attention_mask
        self.token_embedding = nn.Embedding(VOCAB, width)
        self.positional_embedding = nn.Parameter(torch.empty(CTX_LEN, width))
        self.transformer = R.clip_model.Transformer(width, layers, heads, attn_mask=mask)
        if exact_gelu:  # OpenCLIP ViT-bigG-14 uses nn.GELU, openai ViT-L uses QuickGELU
            for blk in self.transformer.resblocks:
                blk.mlp.gelu = nn.GELU()
        self.ln_final = R.clip_model.LayerNorm(width)
        self.attn_mask = mask
        if proj_dim is not None:
            self.text_projection = nn.Parameter(torch.empty(width, proj_dim))
            self.logit_scale = nn.Parameter(torch.ones([]))

    def hidden_states(self, tokens):
        """[embeddings, after block 1, ..., after block n], each N,L,D (openai encode_text order)."""
        x = self.token_embedding(tokens) + self.positional_embedding
        x = x.permute(1, 0, 2)
        out = [x.permute(1, 0, 2)]
        for blk in self.transformer.resblocks:
            x = blk(x)
            out.append(x.permute(1, 0, 2))
        return out


class TinyVAE(nn.Module):
    """AutoencoderKL's parameter-holding parts (ldm/models/autoencoder.py needs lightning)."""

    def __init__(self, R):
        super().__init__()
        dd = dict(double_z=True, z_channels=4, resolution=256, in_channels=3, out_ch=3, ch=32,
                  ch_mult=[1, 2, 4, 4], num_res_blocks=2, attn_resolutions=[], dropout=0.0)
        self.encoder = R.ldm_vae.Encoder(**dd)
        self.decoder = R.ldm_vae.Decoder(**dd)
        self.quant_conv = nn.Conv2d(2 * 4, 2 * 4, 1)
        self.post_quant_conv = nn.Conv2d(4, 4, 1)

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


def build_networks(R):
    nets = {}
    nets["clip_l"] = TextTower(R, 32, 3, 1)
    nets["clip_g"] = TextTower(R, 32, 3, 1, proj_dim=32, exact_gelu=True)
    # configs/stable-diffusion/v1-inference.yaml unet_config, tiny widths
    nets["unet_sd15"] = R.ldm_unet.UNetModel(
        image_size=32, in_channels=4, out_channels=4, model_channels=32,
        attention_resolutions=[4, 2, 1], num_res_blocks=2, channel_mult=[1, 2, 4, 4],
        num_heads=8, use_spatial_transformer=True, transformer_depth=1, context_dim=32,
        use_checkpoint=False, legacy=False)
    # configs/inference/sd_xl_base.yaml network_config, tiny widths/depths
    nets["unet_sdxl_base"] = R.sgm_unet.UNetModel(
        adm_in_channels=32 + 6 * 256, num_classes="sequential", use_checkpoint=False,
        in_channels=4, out_channels=4, model_channels=32, attention_resolutions=[4, 2],
        num_res_blocks=2, channel_mult=[1, 2, 4], num_head_channels=64,
        use_linear_in_transformer=True, transformer_depth=[1, 1, 2], context_dim=64,
        spatial_transformer_attn_type="softmax")
    # configs/inference/sd_xl_refiner.yaml network_config, tiny widths/depths
    nets["unet_sdxl_refiner"] = R.sgm_unet.UNetModel(
        adm_in_channels=32 + 5 * 256, num_classes="sequential", use_checkpoint=False,
        in_channels=4, out_channels=4, model_channels=32, attention_resolutions=[4, 2],
        num_res_blocks=2, channel_mult=[1, 2, 4, 4], num_head_channels=64,
        use_linear_in_transformer=True, transformer_depth=1, context_dim=32,
        spatial_transformer_attn_type="softmax")
    nets["vae"] = TinyVAE(R)
    for n in nets.values():
        n.eval()
    return nets


# --------------------------------------------------------------------------
# weights: a pure function of (component, key, element index), so the C++
# tests regenerate the tiny checkpoints from tiny_checkpoints.txt (keys,
# shapes, offset, scale) instead of the repository holding 69 MB of them.
# value = fp16(fp32(offset + scale * u)), u = uniform [-1, 1) from
# splitmix64(fnv1a64(component + ":" + key) + index).
# --------------------------------------------------------------------------
_M64 = (1 << 64) - 1


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001B3) & _M64
    return h


def hash_uniform(seed, n):
    """u in [-1, 1) for element indices 0..n-1 (splitmix64 of seed + index)."""
    with np.errstate(over="ignore"):
        z = np.arange(n, dtype=np.uint64) + np.uint64(seed)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53) * 2.0 - 1.0


def weight_rule(key, shape, is_norm):
    """(offset, scale): norm scales 1 +- 0.1, norm shifts / biases +-0.1,
    matrices uniform with std 1/sqrt(fan_in); logit_scale its usual constant.
    Zero-initialised layers of the references (proj_out, out convs) become random too."""
    root = math.sqrt(3.0)  # uniform [-1, 1) has std 1/sqrt(3)
    if key.endswith("logit_scale"):
        return math.log(1 / 0.07), 0.0
    if is_norm:
        return (1.0 if key.endswith("weight") else 0.0), 0.1 * root
    if len(shape) >= 2:
        return 0.0, root / math.sqrt(int(np.prod(shape[1:])))
    return 0.0, 0.1 * root


def hash_tensor(component, key, shape, offset, scale):
    u = hash_uniform(fnv1a64(component + ":" + key), int(np.prod(shape)) if shape else 1)
    v = (offset + scale * u).astype(np.float32).astype(np.float16)
    return torch.from_numpy(v.reshape(shape))


def norm_keys(net):
    """Parameter names that belong to GroupNorm / LayerNorm modules."""
    names = set()
    for mname, mod in net.named_modules():
        if isinstance(mod, (nn.GroupNorm, nn.LayerNorm)):
            for pname, _ in mod.named_parameters(recurse=False):
                names.add(f"{mname}.{pname}" if mname else pname)
    return names


def make_component(component, net, to_file=None, from_file=None):
    """Draws the weights of `net` under their file names (to_file maps the
    reference's state dict names to the file's, from_file back), loads the
    fp16-rounded values into `net` in fp32 and returns (file state dict, recipe)."""
    ref_sd = net.state_dict()
    norms = norm_keys(net)
    shapes = {k: list(v.shape) for k, v in ref_sd.items()}
    is_norm = {k: k in norms for k in ref_sd}
    if to_file:
        shapes, is_norm = to_file(shapes), to_file(is_norm)
    recipe, file_sd = [], {}
    for key in sorted(shapes):
        offset, scale = weight_rule(key, shapes[key], is_norm[key])
        recipe.append((component, key, shapes[key], offset, scale))
        file_sd[key] = hash_tensor(component, key, shapes[key], offset, scale)
    back = from_file(file_sd) if from_file else file_sd
    net.load_state_dict({k: v.float() for k, v in back.items()}, strict=True)
    return file_sd, recipe


def write_recipe(path, recipe):
    """One line per tensor: component<TAB>key<TAB>d0,d1,..<TAB>offset<TAB>scale (repr doubles)."""
    lines = ["# Tiny random-weight checkpoints for tests/core/diffusion, made by",
             "# scripts/diffusion_reference/make_fixtures.py. Each tensor is F16 of",
             "# fp32(offset + scale * u), u = uniform [-1, 1) from splitmix64(fnv1a64(component:key) + index);",
             "# component<TAB>key<TAB>shape<TAB>offset<TAB>scale"]
    for component, key, shape, offset, scale in recipe:
        lines.append(f"{component}\t{key}\t{','.join(map(str, shape))}\t{offset!r}\t{scale!r}")
    Path(path).write_text("\n".join(lines) + "\n")


def hf_to_clip_l(sd):
    """HF CLIPTextModel names -> openai CLIP text-tower names ."""
    out = {"token_embedding.weight": sd["text_model.embeddings.token_embedding.weight"],
           "positional_embedding": sd["text_model.embeddings.position_embedding.weight"],
           "ln_final.weight": sd["text_model.final_layer_norm.weight"],
           "ln_final.bias": sd["text_model.final_layer_norm.bias"]}
    n_layers = 1 + max(int(k.split(".")[3]) for k in sd if k.startswith("text_model.encoder.layers."))
    for i in range(n_layers):
        s, d = f"text_model.encoder.layers.{i}.", f"transformer.resblocks.{i}."
        for part in ("weight", "bias"):
            out[d + f"attn.in_proj_{part}"] = torch.cat(
                [sd[s + f"self_attn.{n}_proj.{part}"] for n in "qkv"], dim=0)
        for a, b in (("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"),
                     ("ln_2", "layer_norm2"), ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")):
            for part in ("weight", "bias"):
                out[d + f"{a}.{part}"] = sd[s + f"{b}.{part}"]
    return out


def clip_l_names_to_hf(values):
    """The HF name of every openai name's value (shapes or flags; q, k, v split
    the in_proj shape [3W, W] into three [W, W])."""
    out = {}
    for k, v in values.items():
        m = re.match(r"transformer\.resblocks\.(\d+)\.(.*)", k)
        if not m:
            name = {"token_embedding.weight": "text_model.embeddings.token_embedding.weight",
                    "positional_embedding": "text_model.embeddings.position_embedding.weight",
                    "ln_final.weight": "text_model.final_layer_norm.weight",
                    "ln_final.bias": "text_model.final_layer_norm.bias"}[k]
            out[name] = v
            continue
        d, rest = f"text_model.encoder.layers.{m.group(1)}.", m.group(2)
        if rest.startswith("attn.in_proj_"):
            part = rest[len("attn.in_proj_"):]
            for n in "qkv":
                out[d + f"self_attn.{n}_proj.{part}"] = [v[0] // 3] + v[1:] if isinstance(v, list) else v
            continue
        for a, b in (("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"),
                     ("ln_2", "layer_norm2"), ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")):
            if rest.startswith(a + "."):
                out[d + b + rest[len(a):]] = v
    return out


def hf_clip_text_hidden(sd, tokens):
    """Independent plain-torch forward over the HF names (checks the HF naming).
    Returns hidden_states like HF output_hidden_states (embeddings first)."""
    F = torch.nn.functional
    W = sd["text_model.final_layer_norm.weight"].shape[0]
    L = tokens.shape[1]
    x = sd["text_model.embeddings.token_embedding.weight"][tokens] + \
        sd["text_model.embeddings.position_embedding.weight"][:L]
    causal = torch.full((L, L), float("-inf")).triu(1)
    hs, i = [x], 0
    while f"text_model.encoder.layers.{i}.layer_norm1.weight" in sd:
        p = lambda n: sd[f"text_model.encoder.layers.{i}.{n}"]  # noqa: E731
        h = F.layer_norm(x, (W,), p("layer_norm1.weight"), p("layer_norm1.bias"), 1e-5)
        q, k, v = (F.linear(h, p(f"self_attn.{n}_proj.weight"), p(f"self_attn.{n}_proj.bias")) for n in "qkv")
        a = ((q @ k.transpose(-1, -2)) * W ** -0.5 + causal).softmax(-1) @ v  # 1 head
        x = x + F.linear(a, p("self_attn.out_proj.weight"), p("self_attn.out_proj.bias"))
        h = F.layer_norm(x, (W,), p("layer_norm2.weight"), p("layer_norm2.bias"), 1e-5)
        h = F.linear(h, p("mlp.fc1.weight"), p("mlp.fc1.bias"))
        x = x + F.linear(h * torch.sigmoid(1.702 * h), p("mlp.fc2.weight"), p("mlp.fc2.bias"))
        hs.append(x)
        i += 1
    return hs


# --------------------------------------------------------------------------
# key-structure check against the real single-file layouts
# --------------------------------------------------------------------------
IGNORED_SUFFIXES = ("logit_scale", "position_ids")
STACK = re.compile(r"\.(layers|resblocks|transformer_blocks)\.(\d+)\.")


def read_layout(path):
    keys = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        k, shape = line.split("\t")
        keys[k] = json.loads(shape)
    return keys


def check_layout(family, tiny, real):
    """tiny: {key: tensor} of the composed single-file checkpoint.
    Same keys as the real file except that repeated stacks (CLIP layers/resblocks,
    SpatialTransformer transformer_blocks) are shallower: every tiny key is a real
    key, and every real key missing from the tiny file is a deeper stack index.
    Ranks must match for every key."""
    tk = {k for k in tiny if not k.endswith(IGNORED_SUFFIXES)}
    rk = {k for k in real if not k.endswith(IGNORED_SUFFIXES)}
    errors = [f"tiny key not in real layout: {k}" for k in sorted(tk - rk)]
    depth = {}  # stack prefix -> number of tiny entries
    for k in tk:
        for m in STACK.finditer(k):
            pre = k[:m.start(2)]
            depth[pre] = max(depth.get(pre, 0), int(m.group(2)) + 1)
    templates = {STACK.sub(".#.", t) for t in tk}
    deeper = 0
    for k in sorted(rk - tk):
        m = [m for m in STACK.finditer(k)]
        pre = k[:m[-1].start(2)] if m else None
        if not m or pre not in depth or int(m[-1].group(2)) < depth[pre] \
                or STACK.sub(".#.", k) not in templates:
            errors.append(f"real key missing from tiny checkpoint: {k}")
        else:
            deeper += 1
    for k in sorted(tk & rk):
        if len(real[k]) != tiny[k].ndim:
            errors.append(f"rank mismatch {k}: real {real[k]} tiny {list(tiny[k].shape)}")
    if errors:
        raise SystemExit(f"[{family}] layout check FAILED:\n  " + "\n  ".join(errors[:50]))
    print(f"[{family}] layout ok: {len(tk)} keys, all in the real layout with equal rank; "
          f"{deeper} real keys are deeper stack entries "
          f"(real {len(rk)} = {len(tk)} + {deeper})")


# --------------------------------------------------------------------------
# sampler (ours), with ComfyUI's semantics (comfy/model_sampling.py
# ModelSamplingDiscrete + EPS, comfy/k_diffusion sample_euler, KSampler's
# max_denoise noise scaling, CFG as uncond + cfg * (cond - uncond))
# --------------------------------------------------------------------------
def discrete_sigmas():
    """ComfyUI: betas = linspace(sqrt(0.00085), sqrt(0.012), 1000, float64)^2,
    alphas_cumprod = cumprod(1 - betas) in float64, sigmas = sqrt((1 - ac) / ac)
    stored as float32."""
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
    ac = torch.cumprod(1.0 - betas, dim=0)
    return (((1 - ac) / ac) ** 0.5).float()


def karras_sigmas(n, sigma_min, sigma_max, rho=7.0):
    ramp = torch.linspace(0, 1, n)
    min_inv, max_inv = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    sig = (max_inv + ramp * (min_inv - max_inv)) ** rho
    return torch.cat([sig, sig.new_zeros([1])])


def sigma_to_t(sigma, log_sigmas):
    """ComfyUI ModelSamplingDiscrete.timestep: the nearest discrete timestep in log sigma."""
    dists = sigma.log() - log_sigmas[:, None]
    return dists.abs().argmin(dim=0).view(sigma.shape).float()


def euler_cfg(unet, noise, sigmas, log_sigmas, cond, uncond, cfg):
    """cond/uncond: dicts of extra UNet kwargs (context, and y for SDXL).
    Full denoise from sigma_max: x = noise * sqrt(1 + sigma_max^2) (ComfyUI's max_denoise)."""
    x = noise * torch.sqrt(1.0 + sigmas[0] ** 2)
    for i in range(len(sigmas) - 1):
        s = sigmas[i]
        c_in = 1.0 / (s ** 2 + 1.0) ** 0.5
        t = sigma_to_t(s.reshape(1), log_sigmas)
        eps_c = unet(x * c_in, timesteps=t, **cond)
        eps_u = unet(x * c_in, timesteps=t, **uncond)
        eps = eps_u + cfg * (eps_c - eps_u)
        x0 = x - s * eps
        d = (x - x0) / s
        x = x + d * (sigmas[i + 1] - s)
    return x


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
PROMPTS = [
    "a photo of a cat",
    "",
    "A (red:1.2) fox, highly detailed, 8k",
    "a breathtaking panoramic landscape of ancient snow capped mountains at golden hour, "
    "a crystal clear alpine lake reflecting the pink and orange sky, tall pine trees along "
    "the shore, a small wooden cabin with smoke rising from the chimney, a winding dirt path "
    "leading to a rickety bridge over a rushing stream, wildflowers in the foreground, "
    "dramatic volumetric clouds, soft rim light, ultra detailed, sharp focus, masterpiece, "
    "award winning photograph, 35mm film grain, shot on a medium format camera",
]
# prompt-weight syntax removed, as a (text, weight) parser would hand the tokenizer
TOKEN_TEXTS = [PROMPTS[0], PROMPTS[1], "A red fox, highly detailed, 8k", PROMPTS[3]]

SD15_SCALE, SDXL_SCALE = 0.18215, 0.13025
CFG, STEPS = 7.0, 4
BASE_SIZES = [  # (orig h, w), (crop top, left), (target h, w)
    [[1024, 1024], [0, 0], [1024, 1024]],
    [[768, 1344], [16, 32], [832, 1216]],
]
REFINER_COND = [  # (orig h, w), (crop top, left), aesthetic score
    [[1024, 1024], [0, 0], 6.0],
    [[768, 1344], [16, 32], 2.5],
]


def randn(seed, *shape):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--compvis", required=True, type=Path)
    ap.add_argument("--sgm", required=True, type=Path)
    ap.add_argument("--clip", required=True, type=Path)
    ap.add_argument("--einops", required=True, type=Path)
    ap.add_argument("--vocab", required=True, type=Path)
    ap.add_argument("--layouts", type=Path, default=Path(__file__).resolve().parents[3] / "shared/data/checkpoint_layouts")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--checkpoints", type=Path, help="also write the tiny component .safetensors files here")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)

    R = import_references(a)
    nets = build_networks(R)

    # ---- component checkpoints (F16, no prefix), drawn from the hash recipe ----
    comps, recipe = {}, []
    for name, net in nets.items():
        if name == "clip_l":
            sd, rows = make_component(name + "_tiny", net, to_file=clip_l_names_to_hf, from_file=hf_to_clip_l)
        else:
            sd, rows = make_component(name + "_tiny", net)
        comps[name] = sd
        recipe += rows
    write_recipe(a.out / "tiny_checkpoints.txt", recipe)
    if a.checkpoints:
        a.checkpoints.mkdir(parents=True, exist_ok=True)
        for name, sd in comps.items():
            save_safetensors(a.checkpoints / f"{name}_tiny.safetensors", sd)

    # ---- key structure == real single-file layouts ----
    def prefixed(pairs):
        return {p + k: v for p, name in pairs for k, v in comps[name].items()}
    composed = {
        "sd15": prefixed([("cond_stage_model.transformer.", "clip_l"),
                          ("model.diffusion_model.", "unet_sd15"), ("first_stage_model.", "vae")]),
        "sdxl_base": prefixed([("conditioner.embedders.0.transformer.", "clip_l"),
                               ("conditioner.embedders.1.model.", "clip_g"),
                               ("model.diffusion_model.", "unet_sdxl_base"),
                               ("first_stage_model.", "vae")]),
        "sdxl_refiner": prefixed([("conditioner.embedders.0.model.", "clip_g"),
                                  ("model.diffusion_model.", "unet_sdxl_refiner"),
                                  ("first_stage_model.", "vae")]),
    }
    for fam, tiny in composed.items():
        check_layout(fam, tiny, read_layout(a.layouts / f"{fam}.txt"))

    out, meta = {}, {}
    with torch.no_grad():
        # ---- tokens ----
        tok = R.clip_tok.SimpleTokenizer(bpe_path=str(a.vocab))

        def tokens(text, pad):
            ids = [SOT] + tok.encode(text)[:CTX_LEN - 2] + [EOT]
            return ids + [pad] * (CTX_LEN - len(ids))
        out["text.long_bpe"] = torch.tensor(tok.encode(TOKEN_TEXTS[3]), dtype=torch.int64)
        tl = torch.tensor([tokens(t, EOT) for t in TOKEN_TEXTS], dtype=torch.int64)
        tg = torch.tensor([tokens(t, 0) for t in TOKEN_TEXTS], dtype=torch.int64)
        out["text.tokens_l"], out["text.tokens_g"] = tl, tg

        # ---- CLIP-L (openai Transformer, QuickGELU) ----
        hl = nets["clip_l"].hidden_states(tl)
        lnf = nets["clip_l"].ln_final
        out["sd15.text.last"] = lnf(hl[-1])
        out["sd15.text.penultimate_norm"] = lnf(hl[-2])
        out["sdxl.text.l_penultimate"] = hl[-2]
        fl = {k: v.float() for k, v in comps["clip_l"].items()}
        hh = hf_clip_text_hidden(fl, tl)  # the HF-named file gives the same numbers
        assert torch.allclose(hh[-2], hl[-2], atol=1e-5), (hh[-2] - hl[-2]).abs().max()
        assert torch.allclose(torch.nn.functional.layer_norm(
            hh[-1], (32,), fl["text_model.final_layer_norm.weight"], fl["text_model.final_layer_norm.bias"], 1e-5),
            out["sd15.text.last"], atol=1e-5)

        # ---- bigG (GELU) through sgm FrozenOpenCLIPEmbedder2, legacy=False ----
        g = nets["clip_g"]
        blocks = []
        for blk in g.transformer.resblocks:  # open_clip blocks take attn_mask=; openai ones hold it
            def call(x, attn_mask=None, blk=blk):
                assert attn_mask is blk.attn_mask
                return blk(x)
            blocks.append(call)
        fake_model = types.SimpleNamespace(
            token_embedding=g.token_embedding, positional_embedding=g.positional_embedding,
            attn_mask=g.attn_mask, ln_final=g.ln_final, text_projection=g.text_projection,
            transformer=types.SimpleNamespace(resblocks=blocks, grad_checkpointing=False))
        E2 = R.sgm_enc.FrozenOpenCLIPEmbedder2
        emb2 = types.SimpleNamespace(model=fake_model, legacy=False)
        emb2.text_transformer_forward = types.MethodType(E2.text_transformer_forward, emb2)
        emb2.pool = types.MethodType(E2.pool, emb2)
        zg = E2.encode_with_transformer(emb2, tg)
        out["sdxl.text.g_penultimate"] = zg["penultimate"]
        out["sdxl.text.g_pooled"] = zg["pooled"]
        # cross-check against our own reading of the openai blocks
        hg = g.hidden_states(tg)
        assert torch.equal(hg[-2], zg["penultimate"])
        assert torch.allclose(g.ln_final(hg[-1])[torch.arange(len(tg)), tg.argmax(-1)] @ g.text_projection,
                              zg["pooled"], atol=1e-6)

        # ---- ADM vectors (sgm ConcatTimestepEmbedderND, outdim 256) ----
        cte = R.sgm_enc.ConcatTimestepEmbedderND(256)

        def base_y(pooled, rows):
            return torch.cat([pooled] + [cte(torch.tensor([r[j] for r in rows], dtype=torch.float32))
                                         for j in range(3)], dim=1)

        def refiner_y(pooled, rows):
            return torch.cat([pooled,
                              cte(torch.tensor([r[0] for r in rows], dtype=torch.float32)),
                              cte(torch.tensor([r[1] for r in rows], dtype=torch.float32)),
                              cte(torch.tensor([r[2] for r in rows], dtype=torch.float32))], dim=1)
        out["sdxl_base.adm.pooled"] = randn(11, 2, 32)
        out["sdxl_base.adm.y"] = base_y(out["sdxl_base.adm.pooled"], BASE_SIZES)
        out["sdxl_refiner.adm.pooled"] = randn(12, 2, 32)
        out["sdxl_refiner.adm.y"] = refiner_y(out["sdxl_refiner.adm.pooled"], REFINER_COND)

        # ---- UNets ----
        fams = {"sd15": ("unet_sd15", 32, None), "sdxl_base": ("unet_sdxl_base", 64, 1568),
                "sdxl_refiner": ("unet_sdxl_refiner", 32, 1312)}
        for fi, (fam, (uname, ctx, adm)) in enumerate(fams.items()):
            unet = nets[uname]
            x, t = randn(20 + fi, 2, 4, 16, 16), torch.tensor([999.0, 261.5])
            c = randn(30 + fi, 2, CTX_LEN, ctx)
            kw = dict(timesteps=t, context=c)
            out[f"{fam}.unet.x"], out[f"{fam}.unet.t"], out[f"{fam}.unet.context"] = x, t, c
            if adm:
                kw["y"] = out[f"{fam}.unet.y"] = randn(40 + fi, 2, adm)
            out[f"{fam}.unet.out"] = unet(x, **kw)
        xr, tr, cr = randn(50, 1, 4, 16, 24), torch.tensor([500.0]), randn(51, 1, CTX_LEN, 32)
        out["sd15.unet.x_rect"], out["sd15.unet.t_rect"], out["sd15.unet.context_rect"] = xr, tr, cr
        out["sd15.unet.out_rect"] = nets["unet_sd15"](xr, timesteps=tr, context=cr)

        # ---- VAE (ldm Encoder/Decoder, DiagonalGaussianDistribution) ----
        vae = nets["vae"]
        img = torch.tanh(2.0 * torch.nn.functional.interpolate(
            randn(60, 1, 3, 8, 6), size=(64, 48), mode="bilinear", align_corners=False))
        post = R.ldm_dist.DiagonalGaussianDistribution(vae.quant_conv(vae.encoder(img)))
        out["vae.image"], out["vae.encode.mean"], out["vae.encode.logvar"] = img, post.mean, post.logvar
        out["vae.decode.latent"] = randn(61, 1, 4, 8, 6)
        out["vae.decode.out"] = vae.decode(out["vae.decode.latent"])

        # ---- txt2img: Euler, Karras sigmas, CFG ----
        disc = discrete_sigmas()
        log_sigmas = disc.log()
        sigmas = karras_sigmas(STEPS, disc[0].item(), disc[-1].item())
        out["schedule.sigmas"] = disc
        l_pen, g_pen, g_pool = out["sdxl.text.l_penultimate"], out["sdxl.text.g_penultimate"], out["sdxl.text.g_pooled"]
        conds = {
            "sd15": (dict(context=out["sd15.text.last"][0:1]), dict(context=out["sd15.text.last"][1:2])),
            "sdxl_base": (
                dict(context=torch.cat([l_pen[0:1], g_pen[0:1]], -1), y=base_y(g_pool[0:1], BASE_SIZES[:1])),
                dict(context=torch.cat([l_pen[1:2], g_pen[1:2]], -1), y=base_y(g_pool[1:2], BASE_SIZES[:1]))),
            "sdxl_refiner": (
                dict(context=g_pen[0:1], y=refiner_y(g_pool[0:1], REFINER_COND[:1])),
                dict(context=g_pen[1:2], y=refiner_y(g_pool[1:2], [REFINER_COND[0][:2] + [2.5]]))),
        }
        for fi, (fam, (uname, _, adm)) in enumerate(fams.items()):
            cond, uncond = conds[fam]
            noise = randn(70 + fi, 1, 4, 16, 16)
            out[f"{fam}.txt2img.sigmas"], out[f"{fam}.txt2img.noise"] = sigmas, noise
            out[f"{fam}.txt2img.cond"], out[f"{fam}.txt2img.uncond"] = cond["context"], uncond["context"]
            if adm:
                out[f"{fam}.txt2img.y_cond"], out[f"{fam}.txt2img.y_uncond"] = cond["y"], uncond["y"]
            lat = euler_cfg(nets[uname], noise, sigmas, log_sigmas, cond, uncond, CFG)
            out[f"{fam}.txt2img.latent"] = lat
            scale = SD15_SCALE if fam == "sd15" else SDXL_SCALE
            out[f"{fam}.txt2img.image"] = vae.decode(lat / scale)

    meta.update({
        "prompts": json.dumps(PROMPTS),
        "token_texts": json.dumps(TOKEN_TEXTS),
        "tokens": "SOT 49406 + simple_tokenizer BPE ids (first 75) + EOT 49407; tokens_l pad 49407, tokens_g pad 0; "
                  "text.long_bpe = all raw BPE ids of token_texts[3] (no SOT/EOT, untruncated; spans 2 chunks of 75)",
        "sdxl_base.sizes": json.dumps(BASE_SIZES),
        "sdxl_base.sizes.layout": "per row [[orig_h, orig_w], [crop_top, crop_left], [target_h, target_w]]",
        "sdxl_refiner.ascore": json.dumps([r[2] for r in REFINER_COND]),
        "sdxl_refiner.sizes": json.dumps([r[:2] for r in REFINER_COND]),
        "sdxl_refiner.sizes.layout": "per row [[orig_h, orig_w], [crop_top, crop_left]]; y = cat(pooled, emb(orig), emb(crop), emb(ascore))",
        "txt2img.cfg": str(CFG),
        "txt2img.steps": str(STEPS),
        "txt2img.sampler": "ComfyUI semantics: euler; karras sigmas rho 7 (sigma_min/max of schedule.sigmas) + 0; "
                           "x = noise*sqrt(1+sigmas[0]^2) (max_denoise); c_in = 1/sqrt(s^2+1); "
                           "t = nearest discrete timestep in log sigma; eps = u + cfg*(c-u); x0 = x - s*eps; "
                           "x += (x-x0)/s*(s_next-s); cond and uncond run as separate batch-1 UNet calls",
        "txt2img.conditioning": "cond = prompt 0, uncond = prompt 1 (''); sd15 context = sd15.text.last; "
                                "sdxl_base context = cat(l_penultimate, g_penultimate, -1), y = cat(g_pooled, emb sizes row 0); "
                                "sdxl_refiner context = g_penultimate, y = cat(g_pooled, emb(1024,1024), emb(0,0), emb(6.0 cond / 2.5 uncond))",
        "txt2img.scale_factor": json.dumps({"sd15": SD15_SCALE, "sdxl_base": SDXL_SCALE, "sdxl_refiner": SDXL_SCALE}),
        "txt2img.image": "vae decoder(post_quant_conv(latent / scale_factor)), raw output (about [-1,1], not clamped)",
        "unet.t_rect": "sd15 non-square case uses t = 500",
        "tiny_configs": json.dumps({
            "clip_l": "width 32, 3 layers, 1 head, mlp 128, quick_gelu, LN eps 1e-5, causal mask",
            "clip_g": "width 32, 3 layers, 1 head, mlp 128, exact GELU, projection 32 (x @ P)",
            "unet_sd15": "ldm: model_channels 32, mult [1,2,4,4], attn res [4,2,1], 2 res blocks, "
                         "num_heads 8 (head dim = C/8), depth 1, context 32, conv proj_in/out",
            "unet_sdxl_base": "sgm: model_channels 32, mult [1,2,4], attn res [4,2], 2 res blocks, head dim 64, "
                              "depth [1,1,2], middle 2, linear proj_in/out, context 64, adm 1568",
            "unet_sdxl_refiner": "sgm: model_channels 32, mult [1,2,4,4], attn res [4,2], 2 res blocks, head dim 64, "
                                 "depth 1 (middle 1), linear proj_in/out, context 32, adm 1312",
            "vae": "ldm: ch 32, mult [1,2,4,4], 2 res blocks, z 4, embed 4, double_z, mid attention only"}),
        "vae.image": "tanh(2 * bilinear-upsampled randn 8x6 -> 64x48)",
    })
    out = {k: v.contiguous() for k, v in out.items()}
    for k, v in out.items():
        assert v.dtype in (torch.float32, torch.int64), k
        assert torch.isfinite(v.double()).all(), k
    save_safetensors(a.out / "reference_outputs.safetensors", out, meta)

    # round-trip self check of the writer
    back, m2 = load_safetensors(a.out / "reference_outputs.safetensors")
    assert m2 == meta and all(torch.equal(back[k], out[k]) for k in out)
    if a.checkpoints:
        for name, sd in comps.items():
            back, _ = load_safetensors(a.checkpoints / f"{name}_tiny.safetensors")
            assert set(back) == set(sd) and all(torch.equal(back[k], sd[k]) for k in sd), name

    for k in sorted(out):
        v = out[k]
        print(f"  {k:34s} {str(v.dtype).replace('torch.', ''):8s} {list(v.shape)}  "
              f"absmax {v.double().abs().max().item():.4g}")
    total = sum(p.stat().st_size for p in a.out.glob("*") if p.is_file())
    print(f"wrote {a.out} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
