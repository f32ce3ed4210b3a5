"""
Writes original-TensorFlow-style StyleGAN2 / StyleGAN2-ADA network pickles for the importer's
tests, without TensorFlow or NVIDIA's code: a stand-in `dnnlib.tflib.network.Network` pickles
as the real one does (NEWOBJ + BUILD with the state dict its __getstate__ returns: version,
name, static_kwargs, components, build_module_src, build_func_name, variables), with numpy
float32 variables under TensorFlow's names and layouts. The weights are those of the PyTorch
fixtures (a32.expected.safetensors, b64.expected.safetensors), mapped back to TensorFlow — the
inverse of what NVIDIA's stylegan2-ada-pytorch legacy.py converts — so the TF pickles must
import to exactly the state dicts of their PyTorch twins. Also writes broken and hostile ones.

  tf-a32.pkl  original StyleGAN2 layout (version 4, G_synthesis_stylegan2 / D_stylegan2, `lod`
              variables), pickle protocol 3, dense weights stored in Fortran order
  tf-b64.pkl  StyleGAN2-ADA layout (version 5, G_synthesis / D_main, class-conditional,
              conv_clamp 256), pickle protocol 4, all C order
  tf-wrong-shape.pkl  a tiny 8 px network whose Gs has one conv weight (8x8/Conv0_up) left in torch's layout
  tf-not-array.pkl    a tiny network whose Gs lists a variable that is not a numpy array
  tf-evil.pkl         a Network whose variables call os.system and whose build source would too

Run from the repository root:  /usr/bin/python3 tools/pkl/make_tf_fixtures.py
"""
import json
import os
import pickle
import sys
import types

import numpy as np

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "sg2ref"))
import make_fixtures as mf  # noqa: E402
import safetensors_io as st  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "packages", "ops-gpu", "fixtures", "pkl")

# --- a stand-in for the class TensorFlow pickles refer to --------------------------------------
tflib_network = types.ModuleType("dnnlib.tflib.network")
tflib = types.ModuleType("dnnlib.tflib")
dnnlib = types.ModuleType("dnnlib")
tflib.network = tflib_network
dnnlib.tflib = tflib


class Network:
    """Pickles like dnnlib.tflib.network.Network: NEWOBJ(Network) + BUILD(state dict)."""

    def __init__(self, state):
        self._state = state

    def __getstate__(self):
        return self._state

    def __setstate__(self, state):
        raise RuntimeError("fixtures are only written here, never loaded")


Network.__module__ = "dnnlib.tflib.network"
tflib_network.Network = Network
sys.modules.update({"dnnlib": dnnlib, "dnnlib.tflib": tflib, "dnnlib.tflib.network": tflib_network})

# Never executed by stylegraph (a real TF loader would exec it).
BUILD_SRC = "# network module source (stylegraph never executes it)\n"
EVIL_SRC = "import os\nos.system('touch /tmp/stylegraph-pwned')\n"


def network(name, func, kwargs, variables, components=None, version=4, src=BUILD_SRC):
    state = dict(version=version, name=name, static_kwargs=dict(kwargs), components=dict(components or {}),
                 build_module_src=src, build_func_name=func, variables=list(variables))
    if version >= 5:  # stylegan2-ada's network.py records the I/O too
        state.update(input_shapes=[[None, 1]], output_shapes=[[None, 1]], input_names=["in"], output_names=["out"])
    return Network(state)


# --- PyTorch state dict → TensorFlow variables (the inverse of legacy.py's converter) ---------
def dense(w, fortran=False):
    """torch [out, in] → TF [in, out]; `fortran` keeps the transposed view (pickled in Fortran order)."""
    return w.T if fortran else np.ascontiguousarray(w.T)


def conv(w, flip=False):
    """torch [out, in, kh, kw] → TF [kh, kw, in, out]; Conv0_up's kernel is also flipped."""
    t = w.transpose(2, 3, 1, 0)
    return np.ascontiguousarray(t[::-1, ::-1] if flip else t)


def mod_bias(b):
    """TF adds 1 to the style after the bias; the torch affine bias includes it."""
    t = (b - np.float32(1)).astype(np.float32)
    assert np.array_equal((t + np.float32(1)).view(np.uint32), b.view(np.uint32)), "mod_bias does not round-trip"
    return t


def layer(tf, sd, tfp, tp, fortran, flip=False, torgb=False):
    tf[f"{tfp}/weight"] = conv(sd[f"{tp}.weight"], flip)
    tf[f"{tfp}/mod_weight"] = dense(sd[f"{tp}.affine.weight"], fortran)
    tf[f"{tfp}/mod_bias"] = mod_bias(sd[f"{tp}.affine.bias"])
    if not torgb:
        # TF's session.run gives 0-d variables as numpy scalars; the Fortran-order file keeps 0-d arrays.
        s = sd[f"{tp}.noise_strength"]
        tf[f"{tfp}/noise_strength"] = s if fortran else np.float32(s)
    tf[f"{tfp}/bias"] = sd[f"{tp}.bias"]


def generator_vars(g, sd, fortran):
    """(top, mapping, synthesis) variable lists, in the order TF creates them."""
    top = [("dlatent_avg", sd["mapping.w_avg"])]
    mp = {}
    if g["cDim"] > 0:
        mp["LabelEmbed/weight"] = dense(sd["mapping.embed.weight"], fortran)
        mp["LabelEmbed/bias"] = sd["mapping.embed.bias"]
    for i in range(g["mapping"]["numLayers"]):
        mp[f"Dense{i}/weight"] = dense(sd[f"mapping.fc{i}.weight"], fortran)
        mp[f"Dense{i}/bias"] = sd[f"mapping.fc{i}.bias"]
    sy = {}
    res = [4 * 2 ** i for i in range(int(np.log2(g["resolution"])) - 1)]
    sy["noise0"] = sd["synthesis.b4.conv1.noise_const"][None, None]
    for r in res[1:]:
        n = 2 * int(np.log2(r)) - 5
        sy[f"noise{n}"] = sd[f"synthesis.b{r}.conv0.noise_const"][None, None]
        sy[f"noise{n + 1}"] = sd[f"synthesis.b{r}.conv1.noise_const"][None, None]
    sy["4x4/Const/const"] = sd["synthesis.b4.const"][None]
    layer(sy, sd, "4x4/Conv", "synthesis.b4.conv1", fortran)
    layer(sy, sd, "4x4/ToRGB", "synthesis.b4.torgb", fortran, torgb=True)
    for r in res[1:]:
        layer(sy, sd, f"{r}x{r}/Conv0_up", f"synthesis.b{r}.conv0", fortran, flip=True)
        layer(sy, sd, f"{r}x{r}/Conv1", f"synthesis.b{r}.conv1", fortran)
        layer(sy, sd, f"{r}x{r}/ToRGB", f"synthesis.b{r}.torgb", fortran, torgb=True)
    return top, list(mp.items()), list(sy.items())


def discriminator_vars(d, sd, fortran):
    tf = {}
    if d["cDim"] > 0:
        tf["LabelEmbed/weight"] = dense(sd["mapping.embed.weight"], fortran)
        tf["LabelEmbed/bias"] = sd["mapping.embed.bias"]
        for i in range(d["mapping"]["numLayers"]):
            tf[f"Mapping{i}/weight"] = dense(sd[f"mapping.fc{i}.weight"], fortran)
            tf[f"Mapping{i}/bias"] = sd[f"mapping.fc{i}.bias"]
    r = d["resolution"]
    tf[f"{r}x{r}/FromRGB/weight"] = conv(sd[f"b{r}.fromrgb.weight"])
    tf[f"{r}x{r}/FromRGB/bias"] = sd[f"b{r}.fromrgb.bias"]
    while r > 4:
        tf[f"{r}x{r}/Conv0/weight"] = conv(sd[f"b{r}.conv0.weight"])
        tf[f"{r}x{r}/Conv0/bias"] = sd[f"b{r}.conv0.bias"]
        tf[f"{r}x{r}/Conv1_down/weight"] = conv(sd[f"b{r}.conv1.weight"])  # no flip: legacy.py copies it as is
        tf[f"{r}x{r}/Conv1_down/bias"] = sd[f"b{r}.conv1.bias"]
        tf[f"{r}x{r}/Skip/weight"] = conv(sd[f"b{r}.skip.weight"])
        r //= 2
    tf["4x4/Conv/weight"] = conv(sd["b4.conv.weight"])
    tf["4x4/Conv/bias"] = sd["b4.conv.bias"]
    tf["4x4/Dense0/weight"] = dense(sd["b4.fc.weight"], fortran)
    tf["4x4/Dense0/bias"] = sd["b4.fc.bias"]
    tf["Output/weight"] = dense(sd["b4.out.weight"], fortran)
    tf["Output/bias"] = sd["b4.out.bias"]
    return list(tf.items())


def networks(cfg, G, D, ada, fortran):
    """(G, D, Gs) as TF pickles them; G (the training copy) differs from Gs in a few variables."""
    g, d = cfg["generator"], cfg["discriminator"]
    clamp = g["convClamp"]
    gk = dict(num_channels=3, resolution=g["resolution"], label_size=g["cDim"], latent_size=g["zDim"], dlatent_size=g["wDim"],
              mapping_layers=g["mapping"]["numLayers"], fmap_base=64, fmap_max=16)
    dk = dict(num_channels=3, resolution=d["resolution"], label_size=d["cDim"], fmap_base=64, fmap_max=16)
    if ada:  # what stylegan2-ada's train.py passes
        gk.update(architecture="skip", num_fp16_res=4, conv_clamp=clamp, mapping_lrmul=0.01)
        dk.update(architecture="resnet", num_fp16_res=4, conv_clamp=clamp, mbstd_group_size=d["mbstdGroupSize"])
        if d["cDim"] > 0:
            dk.update(mapping_layers=d["mapping"]["numLayers"], mapping_fmaps=d["cmapDim"], mapping_lrmul=0.01)
    else:  # original stylegan2: config-f defaults, a few explicit
        gk.update(fused_modconv=True)
        dk.update(mbstd_group_size=d["mbstdGroupSize"])
    version = 5 if ada else 4
    synth_func = "G_synthesis" if ada else "G_synthesis_stylegan2"

    shared = generator_vars(g, G, fortran)  # the same arrays in G and Gs (pickled once) except those bumped

    def gen(name, perturb):
        top, mp, sy = shared
        if perturb:
            bump = lambda vs: [(k, (v * np.float32(0.5)).astype(np.float32) if i == 0 else v) for i, (k, v) in enumerate(vs)]  # noqa: E731
            top, mp, sy = bump(top), bump(mp), sy
            sy = [(k, (v + np.float32(0.25)).astype(np.float32) if k == "4x4/Const/const" else v) for k, v in sy]
        if not ada:
            top = [("lod", np.float32(0))] + top
        comps = dict(mapping=network("G_mapping", "G_mapping", dict(gk, dlatent_broadcast=g["numWs"]), mp, version=version),
                     synthesis=network("G_synthesis", synth_func, gk, sy, version=version))
        return network(name, "G_main", gk, top, comps, version=version)

    tf_G = gen("G", True)
    tf_D = network("D", "D_main" if ada else "D_stylegan2", dk, discriminator_vars(d, D, fortran), version=version)
    tf_Gs = gen("Gs", False)
    return tf_G, tf_D, tf_Gs


def split(tensors):
    G = {k[2:]: v for k, v in tensors.items() if k.startswith("G.")}
    D = {k[2:]: v for k, v in tensors.items() if k.startswith("D.")}
    return G, D


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


def main():
    for name, ada, fortran, protocol in [("a32", False, True, 3), ("b64", True, False, 4)]:
        cfg = json.load(open(os.path.join(OUT, f"{name}.config.json")))
        G, D = split(st.read(os.path.join(OUT, f"{name}.expected.safetensors")))
        write(f"tf-{name}.pkl", pickle.dumps(networks(cfg, G, D, ada, fortran), protocol=protocol))

    # Broken and hostile files, on a tiny 8 px network.
    cfg = mf.config("tiny", 4, 4, 0, 1, 8, {4: 2, 8: 2}, None)
    G, D = mf.state_dicts(cfg, np.random.RandomState(5))
    tf_G, tf_D, tf_Gs = networks(cfg, G, D, True, False)
    syn = tf_Gs.__getstate__()["components"]["synthesis"].__getstate__()
    # A conv weight left in torch's [out, in, kh, kw] layout: [2, 2, 3, 3] read as [kh, kw, in, out].
    good = syn["variables"]
    syn["variables"] = [(k, G["synthesis.b8.conv0.weight"] if k == "8x8/Conv0_up/weight" else v) for k, v in good]
    write("tf-wrong-shape.pkl", pickle.dumps((tf_G, tf_D, tf_Gs), protocol=3))
    syn["variables"] = [(k, [[0.0, 1.0]] if k == "8x8/Conv1/bias" else v) for k, v in good]
    write("tf-not-array.pkl", pickle.dumps((tf_G, tf_D, tf_Gs), protocol=3))
    syn["variables"] = good

    class System:
        def __reduce__(self):
            return (os.system, ("touch /tmp/stylegraph-pwned",))

    evil = network("Gs", "G_main", {}, [("dlatent_avg", System())], src=EVIL_SRC)
    write("tf-evil.pkl", pickle.dumps((evil, evil, evil), protocol=2))
    print("numpy", np.__version__)


if __name__ == "__main__":
    main()
