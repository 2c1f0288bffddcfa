// CLIP text encoders (ViT-L in Hugging Face names, OpenCLIP bigG) and the
// ComfyUI prompt encoding on top of them. Config inference and loading are
// checked on the real checkpoint layouts (shape-only, on the meta device);
// the numbers against the reference outputs of the original code on the tiny
// random-weight fixtures (scripts/diffusion_reference/make_fixtures.py).

#include "diffusion/checkpoint.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/text/prompt_encoder.h"
#include "diffusion/tokenizer/clip_bpe.h"
#include "diffusion/tokenizer/prompt_weights.h"

#include "core/diffusion/checkpoint_layouts.h"
#include "core/diffusion/diffusion_fixtures.h"
#include "support/error_checks.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace tessera;
using namespace tessera::sd;

namespace {

const QString kClipData = QStringLiteral(TESSERA_CLIP_TEST_DATA);
constexpr double kTolerance = 1e-4;

/// The tiny fixture `file` (keys without prefix) in an fp32 CPU module.
std::unique_ptr<ClipTextModel> loadTiny(const std::string& file, ClipKeyLayout layout)
{
    const std::unique_ptr<WeightStore> store = openWeightStore(test::diffusionFixture(file));
    auto model = std::make_unique<ClipTextModel>(inferClipTextConfig(*store, "", layout),
                                                 at::TensorOptions().dtype(at::kFloat));
    loadComponentWeights(*model, *store, "", LoadMode::Strict, "CLIP text encoder");
    return model;
}

/// The tessera::Error that `function` throws, or nothing.
template <typename Function>
std::optional<Error> caughtError(Function&& function)
{
    try {
        function();
    } catch (const Error& error) {
        return error;
    }
    return std::nullopt;
}

/// The metadata list `name` ("prompts", "token_texts") of the reference outputs.
std::vector<std::string> referenceTexts(const char* name)
{
    const auto& metadata = test::referenceOutputs().metadata();
    const auto found = metadata.find(name);
    std::vector<std::string> texts;
    if (found == metadata.end())
        return texts;
    for (const QJsonValue& value : QJsonDocument::fromJson(QByteArray::fromStdString(found->second)).array())
        texts.push_back(value.toString().toStdString());
    return texts;
}

/// Windows of a tokenized prompt as a [windows, 77] id tensor.
at::Tensor idTensor(const std::vector<std::array<int, kClipWindowLength>>& windows)
{
    std::vector<int64_t> ids;
    for (const auto& window : windows)
        ids.insert(ids.end(), window.begin(), window.end());
    return at::tensor(ids, at::kLong).view({int64_t(windows.size()), kClipWindowLength});
}

bool exactlyEqual(const at::Tensor& a, const at::Tensor& b)
{
    return a.sizes() == b.sizes() && at::equal(a, b);
}

/// Checks the config of the encoder at `prefix` of a real layout, then that a
/// real-size network on the meta device pairs with every key and shape of it,
/// leaving only `ignored` keys unused.
void checkRealEncoder(const WeightStore& store, const std::string& prefix, ClipKeyLayout layout, int64_t width,
                      int64_t layers, int64_t heads, int64_t projection, const std::vector<std::string>& ignored)
{
    const ClipTextConfig config = inferClipTextConfig(store, prefix, layout);
    QCOMPARE(config.layout, layout);
    QCOMPARE(config.vocabSize, int64_t(49408));
    QCOMPARE(config.positions, int64_t(77));
    QCOMPARE(config.width, width);
    QCOMPARE(config.mlpWidth, 4 * width);
    QCOMPARE(config.layers, layers);
    QCOMPARE(config.heads, heads);
    QCOMPARE(config.projectionDim, projection);
    QCOMPARE(config.quickGelu, layout == ClipKeyLayout::HuggingFace);

    ClipTextModel model(config, at::TensorOptions().device(at::kMeta));
    const WeightReport report = loadWeights(model, store, prefix, LoadMode::ShapesOnly);
    QVERIFY2(report.missing.empty() && report.mismatched.empty(), report.message().c_str());
    QCOMPARE(report.unused, ignored);
    QVERIFY2(loadComponentWeights(model, store, prefix, LoadMode::ShapesOnly, "CLIP text encoder").ok(), report.message().c_str());
}

} // namespace

class TestClipText : public QObject {
    Q_OBJECT

    std::unique_ptr<ClipTextModel> m_clipL; // clip_l_tiny: HF names, QuickGELU
    std::unique_ptr<ClipTextModel> m_clipG; // clip_g_tiny: OpenCLIP names, GELU, projection
    std::optional<ClipTokenizer> m_tokenizer;

    /// False without the CLIP vocabulary (the tests that tokenize then skip).
    bool haveTokenizer() const { return m_tokenizer.has_value(); }

private slots:
    void initTestCase()
    {
        m_clipL = loadTiny("clip_l_tiny.safetensors", ClipKeyLayout::HuggingFace);
        m_clipG = loadTiny("clip_g_tiny.safetensors", ClipKeyLayout::OpenClip);
        if (QFileInfo::exists(kClipData + "/vocab.json") && QFileInfo::exists(kClipData + "/merges.txt"))
            m_tokenizer.emplace(ClipTokenizer::fromVocabAndMerges((kClipData + "/vocab.json").toStdString(),
                                                                  (kClipData + "/merges.txt").toStdString()));
    }

    // ---- config inference and loading on the real layouts ----

    void realLayoutSd15()
    {
        const auto store = test::checkpointLayoutStore("sd15");
        if (!store)
            QSKIP("shared/data/checkpoint_layouts/sd15.txt is not beside the checkout");
        checkRealEncoder(*store, "cond_stage_model.transformer.", ClipKeyLayout::HuggingFace, 768, 12, 12, 0, {});
    }

    void realLayoutSdxlBase()
    {
        const auto store = test::checkpointLayoutStore("sdxl_base");
        if (!store)
            QSKIP("shared/data/checkpoint_layouts/sdxl_base.txt is not beside the checkout");
        checkRealEncoder(*store, "conditioner.embedders.0.transformer.", ClipKeyLayout::HuggingFace, 768, 12, 12, 0,
                         {});
        checkRealEncoder(*store, "conditioner.embedders.1.model.", ClipKeyLayout::OpenClip, 1280, 32, 20, 1280,
                         {"conditioner.embedders.1.model.logit_scale"});
    }

    void realLayoutSdxlRefiner()
    {
        const auto store = test::checkpointLayoutStore("sdxl_refiner");
        if (!store)
            QSKIP("shared/data/checkpoint_layouts/sdxl_refiner.txt is not beside the checkout");
        checkRealEncoder(*store, "conditioner.embedders.0.model.", ClipKeyLayout::OpenClip, 1280, 32, 20, 1280,
                         {"conditioner.embedders.0.model.logit_scale"});
    }

    void tinyConfigs()
    {
        const ClipTextConfig l = m_clipL->config();
        QCOMPARE(l.width, int64_t(32));
        QCOMPARE(l.layers, int64_t(3));
        QCOMPARE(l.heads, int64_t(1)); // below 64 wide: one head
        QCOMPARE(l.mlpWidth, int64_t(128));
        QCOMPARE(l.projectionDim, int64_t(0));
        QVERIFY(l.quickGelu);
        const ClipTextConfig g = m_clipG->config();
        QCOMPARE(g.width, int64_t(32));
        QCOMPARE(g.layers, int64_t(3));
        QCOMPARE(g.projectionDim, int64_t(32));
        QVERIFY(!g.quickGelu);
    }

    /// Files carry logit_scale and position_ids; a strict load ignores exactly those.
    void ignoredKeysInAComposedCheckpoint()
    {
        QTemporaryDir dir;
        const std::string path = test::composeCheckpoint(
            dir, "sdxl.safetensors",
            {{"conditioner.embedders.0.transformer.", "clip_l_tiny.safetensors"},
             {"conditioner.embedders.1.model.", "clip_g_tiny.safetensors"}},
            {{"conditioner.embedders.0.transformer.text_model.embeddings.position_ids",
              at::arange(77, at::kLong).view({1, 77})}});
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        for (const auto& [prefix, layout] :
             {std::pair{std::string("conditioner.embedders.0.transformer."), ClipKeyLayout::HuggingFace},
              std::pair{std::string("conditioner.embedders.1.model."), ClipKeyLayout::OpenClip}}) {
            ClipTextModel model(inferClipTextConfig(*store, prefix, layout), at::TensorOptions().dtype(at::kFloat));
            TESSERA_VERIFY_ERROR(loadWeights(model, *store, prefix, LoadMode::Strict), ErrorCode::UnsupportedModel);
            QVERIFY(loadComponentWeights(model, *store, prefix, LoadMode::Strict, "CLIP text encoder").ok());
        }
    }

    // ---- the networks against the reference ----

    void clipLMatchesReference()
    {
        c10::InferenceMode guard;
        const at::Tensor ids = test::reference("text.tokens_l"); // [4, 77]
        const struct {
            const char* key;
            int skip;
            bool norm;
        } cases[] = {{"sd15.text.last", 0, true},
                     {"sd15.text.penultimate_norm", 1, true},
                     {"sdxl.text.l_penultimate", 1, false}};
        for (const auto& c : cases) {
            const ClipTextOutput out = m_clipL->encode(ids, c.skip, c.norm);
            QVERIFY(!out.pooled.defined()); // ViT-L in HF names has no projection
            const at::Tensor expected = test::reference(c.key);
            qInfo("%s: relative error %.3g", c.key, test::relativeError(out.hidden, expected));
            TESSERA_COMPARE_TO_REFERENCE(out.hidden, expected, kTolerance);
        }
    }

    void clipGMatchesReference()
    {
        c10::InferenceMode guard;
        const at::Tensor ids = test::reference("text.tokens_g"); // [4, 77], zero padding
        const ClipTextOutput penultimate = m_clipG->encode(ids, 1, false);
        const at::Tensor expectedHidden = test::reference("sdxl.text.g_penultimate");
        const at::Tensor expectedPooled = test::reference("sdxl.text.g_pooled");
        qInfo("sdxl.text.g_penultimate: relative error %.3g", test::relativeError(penultimate.hidden, expectedHidden));
        qInfo("sdxl.text.g_pooled: relative error %.3g", test::relativeError(penultimate.pooled, expectedPooled));
        TESSERA_COMPARE_TO_REFERENCE(penultimate.hidden, expectedHidden, kTolerance);
        TESSERA_COMPARE_TO_REFERENCE(penultimate.pooled, expectedPooled, kTolerance);
        // The pooled vector does not depend on the layer chosen for hidden.
        QVERIFY(exactlyEqual(m_clipG->encode(ids, 0, true).pooled, penultimate.pooled));
    }

    void encodeRejectsBadInput()
    {
        c10::InferenceMode guard;
        const at::Tensor ids = test::reference("text.tokens_l");
        TESSERA_VERIFY_ERROR(m_clipL->encode(ids.narrow(1, 0, 76), 0, true), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(m_clipL->encode(ids[0], 0, true), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(m_clipL->encode(ids.to(at::kFloat), 0, true), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(m_clipL->encode(ids + 1, 0, true), ErrorCode::InvalidArgument);  // 49408
        TESSERA_VERIFY_ERROR(m_clipL->encode(at::full_like(ids, -1), 0, true), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(m_clipL->encode(ids, 3, true), ErrorCode::InvalidArgument);      // all 3 layers
        TESSERA_VERIFY_ERROR(m_clipL->encode(ids, -1, true), ErrorCode::InvalidArgument);
        QCOMPARE(m_clipL->encode(ids.to(at::kInt), 0, true).hidden.sizes().vec(), (std::vector<int64_t>{4, 77, 32}));
    }

    // ---- tokens ----

    void tokenizerReproducesFixtureIds()
    {
        if (!haveTokenizer())
            QSKIP(qPrintable("the CLIP vocabulary (vocab.json, merges.txt) is not in " + kClipData));
        const std::vector<std::string> texts = referenceTexts("token_texts");
        QCOMPARE(texts.size(), size_t(4));
        const at::Tensor tokensL = test::reference("text.tokens_l");
        const at::Tensor tokensG = test::reference("text.tokens_g");
        for (size_t i = 0; i < texts.size(); ++i) {
            // The reference: start, the first 75 BPE ids, end, padding.
            const std::vector<int> bpe = m_tokenizer->encode(texts[i]);
            std::vector<int64_t> window{kClipStartToken};
            window.insert(window.end(), bpe.begin(), bpe.begin() + std::min<long>(long(bpe.size()), kClipChunkTokens));
            window.push_back(kClipEndToken);
            std::vector<int64_t> windowL = window, windowG = window;
            windowL.resize(kClipWindowLength, kClipEndToken);
            windowG.resize(kClipWindowLength, 0);
            QCOMPARE(at::tensor(windowL, at::kLong).equal(tokensL[long(i)]), true);
            QCOMPARE(at::tensor(windowG, at::kLong).equal(tokensG[long(i)]), true);
            // Prompts of one window tokenize to the same ids through the prompt
            // path, except that ComfyUI looks each word up whole before BPE and
            // CLIP's vocabulary holds "A</w>" (288): "A red fox" starts with 288
            // there, where the lower-casing BPE gives "a" (320).
            if (bpe.size() <= size_t(kClipChunkTokens)) {
                at::Tensor expectedL = tokensL.narrow(0, long(i), 1).clone();
                at::Tensor expectedG = tokensG.narrow(0, long(i), 1).clone();
                if (texts[i].rfind("A ", 0) == 0) {
                    expectedL[0][1] = 288;
                    expectedG[0][1] = 288;
                }
                QVERIFY(idTensor(tokenizePrompt(*m_tokenizer, texts[i], ClipPadding::EndToken).ids).equal(expectedL));
                QVERIFY(idTensor(tokenizePrompt(*m_tokenizer, texts[i], ClipPadding::Zero).ids).equal(expectedG));
            }
        }
        const std::vector<int> longIds = m_tokenizer->encode(texts[3]);
        QVERIFY(at::tensor(std::vector<int64_t>(longIds.begin(), longIds.end()), at::kLong)
                    .equal(test::reference("text.long_bpe")));
    }

    // ---- prompt encoding ----

    void plainPromptsMatchReference()
    {
        if (!haveTokenizer())
            QSKIP(qPrintable("the CLIP vocabulary (vocab.json, merges.txt) is not in " + kClipData));
        c10::InferenceMode guard;
        const std::vector<std::string> prompts = referenceTexts("prompts");
        const at::Tensor lLast = test::reference("sd15.text.last");
        const at::Tensor lPenultimateNorm = test::reference("sd15.text.penultimate_norm");
        const at::Tensor lPenultimate = test::reference("sdxl.text.l_penultimate");
        const at::Tensor gPenultimate = test::reference("sdxl.text.g_penultimate");
        const at::Tensor gPooled = test::reference("sdxl.text.g_pooled");
        for (long i : {0L, 1L}) { // "a photo of a cat" and "": no weights, one window
            const at::Tensor row = at::arange(i, i + 1);
            const TextConditioning sd1 = encodeSd1(*m_clipL, *m_tokenizer, prompts[size_t(i)]);
            QVERIFY(!sd1.pooled.defined());
            TESSERA_COMPARE_TO_REFERENCE(sd1.context, lLast.index_select(0, row), kTolerance);
            // Unweighted: exactly the encoder's own output for the prompt's ids.
            const at::Tensor idsL = test::reference("text.tokens_l").index_select(0, row);
            QVERIFY(exactlyEqual(sd1.context, m_clipL->encode(idsL, 0, true).hidden));
            TESSERA_COMPARE_TO_REFERENCE(encodeSd1(*m_clipL, *m_tokenizer, prompts[size_t(i)], 2).context,
                                         lPenultimateNorm.index_select(0, row), kTolerance);

            const TextConditioning sdxl = encodeSdxl(*m_clipL, *m_clipG, *m_tokenizer, prompts[size_t(i)]);
            const at::Tensor expected =
                at::cat({lPenultimate.index_select(0, row), gPenultimate.index_select(0, row)}, -1);
            qInfo("SDXL context of prompt %ld: relative error %.3g", i, test::relativeError(sdxl.context, expected));
            TESSERA_COMPARE_TO_REFERENCE(sdxl.context, expected, kTolerance);
            TESSERA_COMPARE_TO_REFERENCE(sdxl.pooled, gPooled.index_select(0, row), kTolerance);

            const TextConditioning refiner = encodeSdxlRefiner(*m_clipG, *m_tokenizer, prompts[size_t(i)]);
            TESSERA_COMPARE_TO_REFERENCE(refiner.context, gPenultimate.index_select(0, row), kTolerance);
            TESSERA_COMPARE_TO_REFERENCE(refiner.pooled, gPooled.index_select(0, row), kTolerance);
        }
        TESSERA_VERIFY_ERROR(encodeSd1(*m_clipL, *m_tokenizer, "cat", 0), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(encodeSd1(*m_clipL, *m_tokenizer, "cat", 4), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(encodeSdxlRefiner(*m_clipL, *m_tokenizer, "cat"), ErrorCode::InvalidArgument);
    }

    void unitWeightIsPlainText()
    {
        if (!haveTokenizer())
            QSKIP(qPrintable("the CLIP vocabulary (vocab.json, merges.txt) is not in " + kClipData));
        c10::InferenceMode guard;
        QVERIFY(exactlyEqual(encodeSd1(*m_clipL, *m_tokenizer, "(cat:1.0)").context,
                             encodeSd1(*m_clipL, *m_tokenizer, "cat").context));
        const TextConditioning weighted = encodeSdxl(*m_clipL, *m_clipG, *m_tokenizer, "a (photo:1.0) of a cat");
        const TextConditioning plain = encodeSdxl(*m_clipL, *m_clipG, *m_tokenizer, "a photo of a cat");
        QVERIFY(exactlyEqual(weighted.context, plain.context));
        QVERIFY(exactlyEqual(weighted.pooled, plain.pooled));
    }

    /// "a (red:1.2) fox, ...": only "red" changes, to z_empty + 1.2 (z - z_empty).
    void weightMovesTheTokenAwayFromTheEmptyPrompt()
    {
        if (!haveTokenizer())
            QSKIP(qPrintable("the CLIP vocabulary (vocab.json, merges.txt) is not in " + kClipData));
        c10::InferenceMode guard;
        // The reference's prompt 2 with a lower-case "a", whose ComfyUI ids are
        // the reference's (an upper-case "A" is its own token, 288, in ComfyUI).
        const std::string prompt = "a (red:1.2) fox, highly detailed, 8k";
        QCOMPARE(referenceTexts("prompts")[2], "A" + prompt.substr(1));
        const TokenizedPrompt tokens = tokenizePrompt(*m_tokenizer, prompt, ClipPadding::EndToken);
        QCOMPARE(tokens.ids.size(), size_t(1));
        QCOMPARE(tokens.weights[0][2], 1.2f); // start, "a", "red"
        const TokenizedPrompt empty = tokenizePrompt(*m_tokenizer, "", ClipPadding::EndToken);

        // By hand: the prompt's window and the empty prompt's, in the one batch the encoder runs.
        const at::Tensor both = m_clipL->encode(idTensor({tokens.ids[0], empty.ids[0]}), 0, true).hidden;
        const at::Tensor z = both[0], zEmpty = both[1]; // [77, 32]
        at::Tensor expected = z.clone();
        expected[2] = (z[2] - zEmpty[2]) * 1.2f + zEmpty[2];

        const at::Tensor context = encodeSd1(*m_clipL, *m_tokenizer, prompt).context; // [1, 77, 32]
        QVERIFY(exactlyEqual(context[0], expected));
        QVERIFY(!at::equal(context[0][2], z[2]));
        // The other tokens are the reference's encoding of the unweighted text.
        const at::Tensor reference = test::reference("sd15.text.last")[2];
        const at::Tensor others = at::cat({at::arange(0, 2), at::arange(3, kClipWindowLength)});
        TESSERA_COMPARE_TO_REFERENCE(context[0].index_select(0, others), reference.index_select(0, others), kTolerance);

        // SDXL weights both encoders' tokens the same way; pooled ignores weights.
        const TextConditioning sdxl = encodeSdxl(*m_clipL, *m_clipG, *m_tokenizer, prompt);
        const TokenizedPrompt tokensG = tokenizePrompt(*m_tokenizer, prompt, ClipPadding::Zero);
        const TokenizedPrompt emptyG = tokenizePrompt(*m_tokenizer, "", ClipPadding::Zero);
        const ClipTextOutput bothG = m_clipG->encode(idTensor({tokensG.ids[0], emptyG.ids[0]}), 1, false);
        const at::Tensor zG = bothG.hidden[0], zEmptyG = bothG.hidden[1];
        at::Tensor expectedG = zG.clone();
        expectedG[2] = (zG[2] - zEmptyG[2]) * 1.2f + zEmptyG[2];
        QVERIFY(exactlyEqual(sdxl.context[0].narrow(-1, 32, 32), expectedG));
        QVERIFY(exactlyEqual(sdxl.pooled, bothG.pooled.narrow(0, 0, 1)));
        TESSERA_COMPARE_TO_REFERENCE(sdxl.pooled, test::reference("sdxl.text.g_pooled").narrow(0, 2, 1), kTolerance);
    }

    /// Over 75 tokens: two windows, concatenated; pooled from the first.
    void longPromptHasTwoWindows()
    {
        if (!haveTokenizer())
            QSKIP(qPrintable("the CLIP vocabulary (vocab.json, merges.txt) is not in " + kClipData));
        c10::InferenceMode guard;
        const std::string prompt = referenceTexts("prompts")[3];
        const TokenizedPrompt tokensL = tokenizePrompt(*m_tokenizer, prompt, ClipPadding::EndToken);
        const TokenizedPrompt tokensG = tokenizePrompt(*m_tokenizer, prompt, ClipPadding::Zero);
        QCOMPARE(tokensL.ids.size(), size_t(2));

        const TextConditioning sd1 = encodeSd1(*m_clipL, *m_tokenizer, prompt);
        QCOMPARE(sd1.context.sizes().vec(), (std::vector<int64_t>{1, 154, 32}));
        const at::Tensor windowsL = m_clipL->encode(idTensor(tokensL.ids), 0, true).hidden; // [2, 77, 32]
        QVERIFY(exactlyEqual(sd1.context, windowsL.reshape({1, 154, 32})));

        const TextConditioning sdxl = encodeSdxl(*m_clipL, *m_clipG, *m_tokenizer, prompt);
        QCOMPARE(sdxl.context.sizes().vec(), (std::vector<int64_t>{1, 154, 64}));
        QCOMPARE(sdxl.pooled.sizes().vec(), (std::vector<int64_t>{1, 32}));
        const ClipTextOutput windowsG = m_clipG->encode(idTensor(tokensG.ids), 1, false);
        QVERIFY(exactlyEqual(sdxl.context.narrow(-1, 32, 32), windowsG.hidden.reshape({1, 154, 32})));
        QVERIFY(exactlyEqual(sdxl.pooled, windowsG.pooled.narrow(0, 0, 1)));
        QVERIFY(!at::equal(sdxl.pooled, windowsG.pooled.narrow(0, 1, 1)));
    }

    /// Different prompts for the two SDXL encoders: the shorter one gets empty windows.
    void sdxlPadsTheShorterPromptWithEmptyWindows()
    {
        if (!haveTokenizer())
            QSKIP(qPrintable("the CLIP vocabulary (vocab.json, merges.txt) is not in " + kClipData));
        c10::InferenceMode guard;
        const std::string longPrompt = referenceTexts("prompts")[3];
        const TextConditioning sdxl = encodeSdxl(*m_clipL, *m_clipG, *m_tokenizer, longPrompt, "a photo of a cat");
        QCOMPARE(sdxl.context.sizes().vec(), (std::vector<int64_t>{1, 154, 64}));
        const TokenizedPrompt cat = tokenizePrompt(*m_tokenizer, "a photo of a cat", ClipPadding::Zero);
        const TokenizedPrompt empty = tokenizePrompt(*m_tokenizer, "", ClipPadding::Zero);
        const ClipTextOutput g = m_clipG->encode(idTensor({cat.ids[0], empty.ids[0]}), 1, false);
        QVERIFY(exactlyEqual(sdxl.context.narrow(-1, 32, 32), g.hidden.reshape({1, 154, 32})));
        QVERIFY(exactlyEqual(sdxl.pooled, g.pooled.narrow(0, 0, 1)));
        TESSERA_COMPARE_TO_REFERENCE(sdxl.context.narrow(1, 0, 77).narrow(-1, 32, 32),
                                     test::reference("sdxl.text.g_penultimate").narrow(0, 0, 1), kTolerance);
    }

    // ---- malformed files ----

    void malformedStoresNameTheKey()
    {
        const std::unique_ptr<WeightStore> l = openWeightStore(test::diffusionFixture("clip_l_tiny.safetensors"));
        const std::unique_ptr<WeightStore> g = openWeightStore(test::diffusionFixture("clip_g_tiny.safetensors"));
        auto tensors = [](const WeightStore& store) {
            StateDict all;
            for (const std::string& key : store.keys())
                all[key] = store.read(key);
            return all;
        };
        const struct {
            const WeightStore* source;
            ClipKeyLayout layout;
            std::string key;
            std::vector<int64_t> replacement; // the wrong shape to store; empty: the key is removed
        } cases[] = {
            {l.get(), ClipKeyLayout::HuggingFace, "text_model.encoder.layers.1.mlp.fc2.weight", {}},
            {l.get(), ClipKeyLayout::HuggingFace, "text_model.encoder.layers.0.self_attn.k_proj.bias", {16}},
            {l.get(), ClipKeyLayout::HuggingFace, "text_model.final_layer_norm.weight", {}},
            {l.get(), ClipKeyLayout::HuggingFace, "text_model.embeddings.token_embedding.weight", {}},
            {l.get(), ClipKeyLayout::HuggingFace, "text_model.embeddings.position_embedding.weight", {77, 16}},
            {g.get(), ClipKeyLayout::OpenClip, "transformer.resblocks.2.attn.in_proj_bias", {}},
            {g.get(), ClipKeyLayout::OpenClip, "transformer.resblocks.1.attn.in_proj_weight", {32, 32}},
            {g.get(), ClipKeyLayout::OpenClip, "text_projection", {16, 32}},
        };
        for (const auto& c : cases) {
            StateDict all = tensors(*c.source);
            if (!c.replacement.empty())
                all[c.key] = at::zeros(c.replacement);
            else
                all.erase(c.key);
            const StateDictStore store(all, "broken text encoder");
            const std::optional<Error> error = caughtError([&] { inferClipTextConfig(store, "", c.layout); });
            QVERIFY2(error.has_value(), c.key.c_str());
            QCOMPARE(error->code(), ErrorCode::UnsupportedModel);
            QVERIFY2(std::string(error->what()).find(c.key) != std::string::npos, error->what());
        }
        // The wrong layout: the message names the first tensor it lacks.
        const std::optional<Error> none = caughtError([&] { inferClipTextConfig(*l, "", ClipKeyLayout::OpenClip); });
        QVERIFY(none.has_value());
        QCOMPARE(none->code(), ErrorCode::UnsupportedModel);
        QVERIFY2(std::string(none->what()).find("token_embedding.weight") != std::string::npos, none->what());
    }
};

QTEST_GUILESS_MAIN(TestClipText)
#include "tst_clip_text.moc"
