// Diffusers pipeline folders: the tiny SD 1.5 / SDXL base / SDXL refiner
// components renamed to the diffusers layout (the inverse mapping, written
// here independently of the library's, from diffusers' own conversion
// script), saved as a pipeline folder, and read back through
// openDiffusersFolder(): every single-file key is there with the same
// values, detection and loading work unchanged, and the networks give the
// reference outputs. Plus the refusals and the model registry's listing.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "common/error.h"
#include "diffusion/checkpoint.h"
#include "diffusion/diffusers_folder.h"
#include "diffusion/diffusion_models.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/vae.h"
#include "pipeline/model_registry.h"

#include <c10/core/InferenceMode.h>

#include "diffusion_fixtures.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <functional>
#include <map>
#include <regex>

using namespace tessera;
using namespace tessera::sd;

namespace {

// The tiny UNets and the VAE have two ResBlocks per level, the VAE four levels.
constexpr int kResBlocks = 2;
constexpr int kVaeLevels = 4;

std::string resnetToDiffusers(const std::string& member)
{
    static const std::vector<std::pair<std::string, std::string>> kNames = {
        {"in_layers.0.", "norm1."},  {"in_layers.2.", "conv1."},  {"emb_layers.1.", "time_emb_proj."},
        {"out_layers.0.", "norm2."}, {"out_layers.3.", "conv2."}, {"skip_connection.", "conv_shortcut."}};
    for (const auto& [ldm, diffusers] : kNames)
        if (member.rfind(ldm, 0) == 0)
            return diffusers + member.substr(ldm.size());
    return member;
}

/// An ldm / sgm UNet key as diffusers' UNet2DConditionModel names it.
std::string unetToDiffusers(const std::string& key)
{
    std::smatch m;
    static const std::regex block(R"((input_blocks|output_blocks|middle_block)\.(\d+)\.(?:(\d+)\.)?(.*))");
    if (key.rfind("input_blocks.0.0.", 0) == 0)
        return "conv_in." + key.substr(17);
    for (const auto& [ldm, diffusers] : std::vector<std::pair<std::string, std::string>>{
             {"time_embed.0.", "time_embedding.linear_1."}, {"time_embed.2.", "time_embedding.linear_2."},
             {"label_emb.0.0.", "add_embedding.linear_1."}, {"label_emb.0.2.", "add_embedding.linear_2."},
             {"out.0.", "conv_norm_out."},                  {"out.2.", "conv_out."}})
        if (key.rfind(ldm, 0) == 0)
            return diffusers + key.substr(ldm.size());
    if (!std::regex_match(key, m, block))
        qFatal("unexpected UNet key %s", key.c_str());
    const int n = std::stoi(m[2]);
    const std::string rest = m[4];
    if (m[1] == "middle_block") {
        const std::string member = std::string(m[3]) + (m[3].matched ? "." : "") + rest;
        if (n == 1)
            return "mid_block.attentions.0." + member;
        return "mid_block.resnets." + std::to_string(n / 2) + "." + resnetToDiffusers(member);
    }
    const int inner = std::stoi(m[3]);
    if (m[1] == "input_blocks") {
        const int level = (n - 1) / (kResBlocks + 1), j = (n - 1) % (kResBlocks + 1);
        const std::string down = "down_blocks." + std::to_string(level) + ".";
        if (j == kResBlocks) // input_blocks.N.0.op: the level's downsampler
            return down + "downsamplers.0.conv." + rest.substr(3);
        return down + (inner == 0 ? "resnets." : "attentions.") + std::to_string(j) + "."
               + (inner == 0 ? resnetToDiffusers(rest) : rest);
    }
    const int level = n / (kResBlocks + 1), j = n % (kResBlocks + 1);
    const std::string up = "up_blocks." + std::to_string(level) + ".";
    if (inner == 2 || (inner == 1 && rest.rfind("conv.", 0) == 0)) // Upsample's conv
        return up + "upsamplers.0.conv." + rest.substr(5);
    return up + (inner == 0 ? "resnets." : "attentions.") + std::to_string(j) + "."
           + (inner == 0 ? resnetToDiffusers(rest) : rest);
}

/// An ldm VAE tensor under diffusers' AutoencoderKL names; `legacyAttention`
/// uses the attention names of older diffusers files (query, key, value, proj_attn).
std::pair<std::string, at::Tensor> vaeToDiffusers(const std::string& key, at::Tensor value, bool legacyAttention)
{
    std::smatch m;
    static const std::regex down(R"((encoder)\.down\.(\d+)\.(block\.(\d+)|downsample)\.(.*))");
    static const std::regex up(R"((decoder)\.up\.(\d+)\.(block\.(\d+)|upsample)\.(.*))");
    static const std::regex mid(R"((encoder|decoder)\.mid\.(block_1|block_2|attn_1)\.([a-z_0-9]+)\.(.*))");
    const auto shortcut = [](const std::string& member) {
        return member.rfind("nin_shortcut.", 0) == 0 ? "conv_shortcut." + member.substr(13) : member;
    };
    if (std::regex_match(key, m, down) || std::regex_match(key, m, up)) {
        const bool isUp = m[1] == "decoder";
        const int level = isUp ? kVaeLevels - 1 - std::stoi(m[2]) : std::stoi(m[2]);
        const std::string prefix = std::string(m[1]) + (isUp ? ".up_blocks." : ".down_blocks.") + std::to_string(level) + ".";
        if (m[4].matched)
            return {prefix + "resnets." + std::string(m[4]) + "." + shortcut(m[5]), value};
        return {prefix + (isUp ? "upsamplers.0." : "downsamplers.0.") + std::string(m[5]), value};
    }
    if (std::regex_match(key, m, mid)) {
        const std::string prefix = std::string(m[1]) + ".mid_block.";
        if (m[2] != "attn_1")
            return {prefix + "resnets." + (m[2] == "block_1" ? "0." : "1.") + std::string(m[3]) + "." + std::string(m[4]), value};
        const std::map<std::string, std::string> names =
            legacyAttention ? std::map<std::string, std::string>{{"norm", "group_norm"}, {"q", "query"}, {"k", "key"},
                                                                 {"v", "value"}, {"proj_out", "proj_attn"}}
                            : std::map<std::string, std::string>{{"norm", "group_norm"}, {"q", "to_q"}, {"k", "to_k"},
                                                                 {"v", "to_v"}, {"proj_out", "to_out.0"}};
        // diffusers' attention is Linear: [C, C, 1, 1] -> [C, C].
        at::Tensor linear = value.dim() == 4 ? value.reshape({value.size(0), value.size(1)}) : value;
        return {prefix + "attentions.0." + names.at(m[3]) + "." + std::string(m[4]), linear};
    }
    for (const std::string side : {"encoder.", "decoder."})
        if (key == side + "norm_out.weight" || key == side + "norm_out.bias")
            return {side + "conv_norm_out." + key.substr(side.size() + 9), value};
    return {key, value}; // conv_in, conv_out, quant_conv, post_quant_conv
}

/// open_clip text tower tensors as Hugging Face CLIPTextModelWithProjection
/// names them (q/k/v split, text_projection as a Linear weight P^T).
StateDict openClipToHuggingFace(const WeightStore& clip)
{
    StateDict out;
    std::smatch m;
    static const std::regex layer(R"(transformer\.resblocks\.(\d+)\.(.*))");
    for (const std::string& key : clip.keys()) {
        const at::Tensor value = clip.read(key);
        if (key == "token_embedding.weight")
            out["text_model.embeddings.token_embedding.weight"] = value;
        else if (key == "positional_embedding")
            out["text_model.embeddings.position_embedding.weight"] = value;
        else if (key.rfind("ln_final.", 0) == 0)
            out["text_model.final_layer_norm." + key.substr(9)] = value;
        else if (key == "text_projection")
            out["text_projection.weight"] = value.t().contiguous();
        else if (key == "logit_scale")
            continue; // CLIPTextModelWithProjection has none
        else if (std::regex_match(key, m, layer)) {
            const std::string hf = "text_model.encoder.layers." + std::string(m[1]) + ".";
            const std::string member = m[2];
            if (member == "attn.in_proj_weight" || member == "attn.in_proj_bias") {
                const std::vector<at::Tensor> qkv = value.chunk(3, 0);
                const std::string what = member == "attn.in_proj_weight" ? "weight" : "bias";
                out[hf + "self_attn.q_proj." + what] = qkv[0].contiguous();
                out[hf + "self_attn.k_proj." + what] = qkv[1].contiguous();
                out[hf + "self_attn.v_proj." + what] = qkv[2].contiguous();
                continue;
            }
            std::string name = member;
            for (const auto& [openClip, huggingFace] : std::vector<std::pair<std::string, std::string>>{
                     {"attn.out_proj.", "self_attn.out_proj."}, {"ln_1.", "layer_norm1."}, {"ln_2.", "layer_norm2."},
                     {"mlp.c_fc.", "mlp.fc1."}, {"mlp.c_proj.", "mlp.fc2."}})
                if (member.rfind(openClip, 0) == 0)
                    name = huggingFace + member.substr(openClip.size());
            out[hf + name] = value;
        } else {
            qFatal("unexpected open_clip key %s", key.c_str());
        }
    }
    return out;
}

void saveComponent(const QTemporaryDir& dir, const std::string& relativePath, const StateDict& tensors)
{
    const QString path = dir.filePath(QString::fromStdString(relativePath));
    QDir().mkpath(QFileInfo(path).path());
    saveSafetensors(path.toStdString(), tensors);
}

/// `tensors` in two shards "<stem>-0000N-of-00002.safetensors" beside
/// `relativePath` + ".index.json", which maps every key to its shard.
void saveShards(const QTemporaryDir& dir, const std::string& relativePath, const StateDict& tensors)
{
    const std::string stem = relativePath.substr(0, relativePath.size() - std::string(".safetensors").size());
    const std::string folder = stem.substr(0, stem.rfind('/') + 1);
    const std::string baseName = stem.substr(folder.size());
    StateDict shards[2];
    QJsonObject weightMap;
    size_t i = 0;
    for (const auto& [key, tensor] : tensors) {
        const int shard = i++ < tensors.size() / 2 ? 0 : 1;
        shards[shard][key] = tensor;
        weightMap[QString::fromStdString(key)] =
            QString::fromStdString(baseName + "-0000" + std::to_string(shard + 1) + "-of-00002.safetensors");
    }
    for (int shard = 0; shard < 2; ++shard)
        saveComponent(dir, folder + baseName + "-0000" + std::to_string(shard + 1) + "-of-00002.safetensors",
                      shards[shard]);
    QFile index(dir.filePath(QString::fromStdString(relativePath + ".index.json")));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write(QJsonDocument(QJsonObject{{"metadata", QJsonObject{{"total_size", 0}}}, {"weight_map", weightMap}}).toJson());
}

/// A diffusers pipeline folder of the family's tiny components in `dir`.
void writeDiffusersFolder(const QTemporaryDir& dir, const std::string& family)
{
    QFile index(dir.filePath("model_index.json"));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write(R"({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]})");
    index.close();

    const std::unique_ptr<WeightStore> unet = openWeightStore(test::diffusionFixture("unet_" + family + "_tiny.safetensors"));
    StateDict unetTensors;
    for (const std::string& key : unet->keys())
        unetTensors[unetToDiffusers(key)] = unet->read(key);
    QCOMPARE(unetTensors.size(), unet->size());
    // SD 1.5 as one file; the SDXL base in two shards with an index (as
    // diffusers saves large fp32 UNets); the refiner as the fp16 variant.
    if (family == "sdxl_base")
        saveShards(dir, "unet/diffusion_pytorch_model.safetensors", unetTensors);
    else
        saveComponent(dir, family == "sd15" ? "unet/diffusion_pytorch_model.safetensors"
                                            : "unet/diffusion_pytorch_model.fp16.safetensors",
                      unetTensors);

    const std::unique_ptr<WeightStore> vae = openWeightStore(test::diffusionFixture("vae_tiny.safetensors"));
    StateDict vaeTensors;
    for (const std::string& key : vae->keys())
        vaeTensors.insert(vaeToDiffusers(key, vae->read(key), family == "sd15"));
    QCOMPARE(vaeTensors.size(), vae->size());
    saveComponent(dir, "vae/diffusion_pytorch_model.safetensors", vaeTensors);

    if (family != "sdxl_refiner") {
        const std::unique_ptr<WeightStore> clip = openWeightStore(test::diffusionFixture("clip_l_tiny.safetensors"));
        StateDict clipTensors;
        for (const std::string& key : clip->keys())
            clipTensors[key] = clip->read(key);
        clipTensors["text_model.embeddings.position_ids"] = at::arange(77).unsqueeze(0);
        saveComponent(dir, "text_encoder/model.safetensors", clipTensors);
    }
    if (family != "sd15") {
        const std::unique_ptr<WeightStore> clip = openWeightStore(test::diffusionFixture("clip_g_tiny.safetensors"));
        saveComponent(dir, "text_encoder_2/model.safetensors", openClipToHuggingFace(*clip));
    }
    QDir(dir.path()).mkpath("tokenizer");
}

void verifyRefused(const std::function<void()>& call, ErrorCode code, const QStringList& mentions)
{
    try {
        call();
        QFAIL("not refused");
    } catch (const Error& e) {
        QCOMPARE(e.code(), code);
        for (const QString& mention : mentions)
            QVERIFY2(QString(e.what()).contains(mention), e.what());
    }
}

} // namespace

class TestDiffusersFolder : public QObject {
    Q_OBJECT

private slots:
    void folderReadsLikeTheSingleFile_data()
    {
        QTest::addColumn<QString>("family");
        QTest::newRow("sd15") << "sd15";
        QTest::newRow("sdxl_base") << "sdxl_base";
        QTest::newRow("sdxl_refiner") << "sdxl_refiner";
    }
    void folderReadsLikeTheSingleFile()
    {
        QFETCH(QString, family);
        const std::string f = family.toStdString();
        QTemporaryDir dir;
        writeDiffusersFolder(dir, f);
        QVERIFY(isDiffusersFolder(dir.path().toStdString()));
        const std::unique_ptr<WeightStore> store = openDiffusersFolder(dir.path().toStdString());

        // Every single-file key, with the same dtype, shape and values; nothing else but position_ids.
        size_t expectedKeys = 0;
        for (const auto& [prefix, file] : test::tinyCheckpointParts(f)) {
            const std::unique_ptr<WeightStore> component = openWeightStore(test::diffusionFixture(file));
            for (const std::string& key : component->keys()) {
                if (key == "logit_scale")
                    continue; // open_clip's temperature: not in diffusers' text_encoder_2
                ++expectedKeys;
                QVERIFY2(store->contains(prefix + key), (prefix + key).c_str());
                QCOMPARE(store->info(prefix + key).dtype, component->info(key).dtype);
                QCOMPARE(store->info(prefix + key).shape, component->info(key).shape);
                QVERIFY2(store->read(prefix + key).equal(component->read(key)), (prefix + key).c_str());
            }
        }
        QCOMPARE(store->size(), expectedKeys + (f == "sdxl_refiner" ? 0 : 1));

        const CheckpointLayout layout = inspectCheckpoint(*store);
        QCOMPARE(layout.family, f == "sd15" ? ModelFamily::Sd1 : f == "sdxl_base" ? ModelFamily::SdxlBase : ModelFamily::SdxlRefiner);
        QVERIFY(layout.unet && layout.vae);
        QCOMPARE(bool(layout.clipL), f != "sdxl_refiner");
        QCOMPARE(bool(layout.clipG), f != "sd15");
        QVERIFY(layout.unknownKeys.empty());
        const WeightReport report = checkDiffusionWeights(*store, layout);
        QVERIFY2(report.ok(), report.message().c_str());

        const DiffusionModels models = loadDiffusionModels(*store, layout, DiffusionLoadOptions{});
        c10::InferenceMode inference;
        const std::string unet = f + ".unet.";
        const at::Tensor y = f == "sd15" ? at::Tensor() : test::reference(unet + "y");
        const at::Tensor out = models.unet->forward(test::reference(unet + "x"), test::reference(unet + "t"),
                                                    test::reference(unet + "context"), y);
        qInfo("%s: relative error %.3g", (unet + "out").c_str(), test::relativeError(out, test::reference(unet + "out")));
        TESSERA_COMPARE_TO_REFERENCE(out, test::reference(unet + "out"), 1e-4);
        TESSERA_COMPARE_TO_REFERENCE(models.vae->decode(test::reference("vae.decode.latent")),
                                     test::reference("vae.decode.out"), 1e-4);
        TESSERA_COMPARE_TO_REFERENCE(models.vae->encode(test::reference("vae.image")), test::reference("vae.encode.mean"),
                                     1e-4);
        if (f == "sd15")
            TESSERA_COMPARE_TO_REFERENCE(models.clipL->encode(test::reference("text.tokens_l"), 0, true).hidden,
                                         test::reference("sd15.text.last"), 1e-4);
        if (f == "sdxl_base")
            TESSERA_COMPARE_TO_REFERENCE(models.clipL->encode(test::reference("text.tokens_l"), 1, false).hidden,
                                         test::reference("sdxl.text.l_penultimate"), 1e-4);
        if (f != "sd15") {
            const ClipTextOutput g = models.clipG->encode(test::reference("text.tokens_g"), 1, false);
            TESSERA_COMPARE_TO_REFERENCE(g.hidden, test::reference("sdxl.text.g_penultimate"), 1e-4);
            TESSERA_COMPARE_TO_REFERENCE(g.pooled, test::reference("sdxl.text.g_pooled"), 1e-4);
        }
    }

    void brokenShardIndexIsRefused()
    {
        // A shard the index names is missing; a shard name leaving the folder;
        // a key mapped to a shard that lacks it; not JSON at all.
        QTemporaryDir dir;
        writeDiffusersFolder(dir, "sdxl_base");
        const QString indexPath = dir.filePath("unet/diffusion_pytorch_model.safetensors.index.json");
        QFile index(indexPath);
        QVERIFY(index.open(QIODevice::ReadOnly));
        const QJsonObject good = QJsonDocument::fromJson(index.readAll()).object();
        index.close();
        auto writeIndex = [&](const QByteArray& text) {
            QFile out(indexPath);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(text);
        };
        auto withMap = [&](const std::function<void(QJsonObject&)>& edit) {
            QJsonObject map = good["weight_map"].toObject();
            edit(map);
            writeIndex(QJsonDocument(QJsonObject{{"weight_map", map}}).toJson());
        };
        const std::string folder = dir.path().toStdString();
        const std::string someKey = good["weight_map"].toObject().begin().key().toStdString();

        withMap([&](QJsonObject& map) { map[QString::fromStdString(someKey)] = "diffusion_pytorch_model-00003-of-00002.safetensors"; });
        verifyRefused([&] { openDiffusersFolder(folder); }, ErrorCode::Io, {"index.json", "00003-of-00002", "missing"});
        withMap([&](QJsonObject& map) { map[QString::fromStdString(someKey)] = "../vae/diffusion_pytorch_model.safetensors"; });
        verifyRefused([&] { openDiffusersFolder(folder); }, ErrorCode::InvalidModel, {"index.json", "not a file name"});
        withMap([&](QJsonObject& map) { map["no.such.key"] = map.begin().value(); });
        verifyRefused([&] { openDiffusersFolder(folder); }, ErrorCode::InvalidModel, {"no.such.key", "does not hold it"});
        writeIndex("{ not json");
        verifyRefused([&] { openDiffusersFolder(folder); }, ErrorCode::InvalidModel, {"index.json", "invalid JSON"});
    }

    void incompleteFolderIsRefused()
    {
        QTemporaryDir dir;
        writeDiffusersFolder(dir, "sd15");
        QVERIFY(QDir(dir.filePath("unet")).removeRecursively());
        QVERIFY(isDiffusersFolder(dir.path().toStdString())); // model_index.json says it is one
        verifyRefused([&] { openDiffusersFolder(dir.path().toStdString()); }, ErrorCode::InvalidModel,
                      {dir.path(), "unet/diffusion_pytorch_model.safetensors"});
    }

    void modelIndexAloneIsRefused()
    {
        QTemporaryDir dir;
        QFile index(dir.filePath("model_index.json"));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("{}");
        index.close();
        QVERIFY(isDiffusersFolder(dir.path().toStdString()));
        verifyRefused([&] { openDiffusersFolder(dir.path().toStdString()); }, ErrorCode::InvalidModel,
                      {dir.path(), "not a complete diffusers pipeline", "unet/"});
        // Neither a pipeline nor a folder.
        QTemporaryDir empty;
        QVERIFY(!isDiffusersFolder(empty.path().toStdString()));
        QVERIFY(!isDiffusersFolder(index.fileName().toStdString()));
        verifyRefused([&] { openDiffusersFolder(index.fileName().toStdString()); }, ErrorCode::Io, {"not a folder"});
    }

    void registryListsTheFolderAsOneModel()
    {
        QTemporaryDir models;
        QVERIFY(QDir(models.path()).mkpath("pipelines"));
        QTemporaryDir pipeline(models.filePath("pipelines/sdxl-XXXXXX"));
        writeDiffusersFolder(pipeline, "sdxl_base");
        const std::vector<ModelEntry> entries = scanModels(models.path().toStdString());
        QCOMPARE(entries.size(), size_t(1)); // not its unet/, vae/ ... files
        const ModelEntry& entry = entries.front();
        QVERIFY2(entry.error.empty(), entry.error.c_str());
        QCOMPARE(entry.kind, ModelKind::Diffusion);
        QCOMPARE(entry.architecture, std::string("SDXL base"));
        QCOMPARE(QString::fromStdString(entry.name), QDir(models.path()).relativeFilePath(pipeline.path()));
        QVERIFY(entry.fileSize > 0 && entry.parameterCount > 0);
    }
};

QTEST_GUILESS_MAIN(TestDiffusersFolder)
#include "tst_diffusers_folder.moc"
