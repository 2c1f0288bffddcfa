// CLIP tokenizer, ComfyUI prompt weights and windows, vocabulary locator.
// Expected ids come from OpenAI's clip/simple_tokenizer.py run on the same
// vocabulary (the test data in ../shared/data/clip).

#include "diffusion/tokenizer/clip_bpe.h"
#include "diffusion/tokenizer/prompt_weights.h"
#include "diffusion/tokenizer/vocab_locator.h"
#include "support/error_checks.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <optional>

#include <sys/stat.h>

using namespace tessera;
using namespace tessera::sd;

namespace {

const QString kData = QStringLiteral(TESSERA_CLIP_TEST_DATA);

std::string dataFile(const char* name)
{
    return (kData + "/" + name).toStdString();
}

QList<int> toList(const std::vector<int>& ids)
{
    return QList<int>(ids.begin(), ids.end());
}

QList<int> window(const TokenizedPrompt& prompt, size_t index)
{
    return QList<int>(prompt.ids[index].begin(), prompt.ids[index].end());
}

/// start, `tokens`, end, then `pad` up to 77.
QList<int> expectedWindow(const QList<int>& tokens, int pad)
{
    QList<int> out{kClipStartToken};
    out += tokens;
    out.push_back(kClipEndToken);
    while (out.size() < kClipWindowLength)
        out.push_back(pad);
    return out;
}

/// Sets or unsets an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const QByteArray& value) : m_name(name), m_old(qgetenv(name)), m_had(qEnvironmentVariableIsSet(name))
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char* m_name;
    QByteArray m_old;
    bool m_had;
};

/// A fresh home folder and none of the variables the locator reads, so it
/// finds only what a test puts there.
struct IsolatedHome {
    explicit IsolatedHome(const QTemporaryDir& home) : homeEnv("HOME", home.path().toUtf8()) {}
    ScopedEnv homeEnv;
    ScopedEnv hub{"HF_HUB_CACHE", QByteArray()};
    ScopedEnv hfHome{"HF_HOME", QByteArray()};
    ScopedEnv xdg{"XDG_CACHE_HOME", QByteArray()};
    ScopedEnv vocab{"TESSERA_CLIP_VOCAB", QByteArray()};
};

bool linkVocabulary(const QString& folder)
{
    return QDir().mkpath(folder) && QFile::link(kData + "/vocab.json", folder + "/vocab.json") &&
           QFile::link(kData + "/merges.txt", folder + "/merges.txt");
}

} // namespace

class TestClipTokenizer : public QObject {
    Q_OBJECT

    std::optional<ClipTokenizer> m_hf;   // vocab.json + merges.txt
    std::optional<ClipTokenizer> m_gz;   // bpe_simple_vocab_16e6.txt.gz

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(kData + "/vocab.json") || !QFileInfo::exists(kData + "/merges.txt") ||
            !QFileInfo::exists(kData + "/bpe_simple_vocab_16e6.txt.gz"))
            QSKIP(qPrintable("the CLIP test vocabulary (vocab.json, merges.txt, bpe_simple_vocab_16e6.txt.gz) "
                             "is not in " + kData + ": put shared/data/clip beside the checkout"));
        m_hf.emplace(ClipTokenizer::fromVocabAndMerges(dataFile("vocab.json"), dataFile("merges.txt")));
        m_gz.emplace(ClipTokenizer::fromBpeGz(dataFile("bpe_simple_vocab_16e6.txt.gz")));
    }

    void photoOfACat()
    {
        const QList<int> expected{kClipStartToken, 320, 1125, 539, 320, 2368, kClipEndToken};
        for (const ClipTokenizer* tokenizer : {&*m_hf, &*m_gz}) {
            QCOMPARE(tokenizer->vocabularySize(), 49408);
            QCOMPARE(tokenizer->startToken(), kClipStartToken);
            QCOMPARE(tokenizer->endToken(), kClipEndToken);
            const TokenizedPrompt prompt = tokenizePrompt(*tokenizer, "a photo of a cat", ClipPadding::EndToken);
            QCOMPARE(prompt.ids.size(), size_t(1));
            QCOMPARE(window(prompt, 0).mid(0, 7), expected);
            QCOMPARE(prompt.tokenCounts, std::vector<int>{5});
            QCOMPARE(toList(tokenizer->encode("a photo of a cat")), expected.mid(1, 5));
        }
        QCOMPARE(QString::fromStdString(m_hf->tokenString(2368)), QString("cat</w>"));
    }

    void sourcesAgree()
    {
        for (int id = 0; id < m_hf->vocabularySize(); ++id)
            QCOMPARE(m_hf->tokenString(id), m_gz->tokenString(id));
        // Words: every ASCII-letter merge result of merges.txt, encoded as text.
        QFile merges(kData + "/merges.txt");
        QVERIFY(merges.open(QIODevice::ReadOnly));
        merges.readLine();
        QByteArray text;
        int words = 0;
        while (!merges.atEnd()) {
            QByteArray word = merges.readLine().trimmed().replace(" ", "").replace("</w>", "");
            if (!word.isEmpty() && std::all_of(word.begin(), word.end(), [](char c) { return std::isalpha(uchar(c)); })) {
                QCOMPARE(toList(m_gz->encode(word.toStdString())), toList(m_hf->encode(word.toStdString())));
                text += word + (words % 7 == 0 ? ", " : " ");
                ++words;
            }
        }
        QVERIFY(words > 10000);
        QCOMPARE(toList(m_gz->encode(text.toStdString())), toList(m_hf->encode(text.toStdString())));
    }

    void encodes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QList<int>>("ids");
        QTest::newRow("punctuation") << QByteArray("Hello, World!! (test) [x] {y}; a.b") << QList<int>{3306, 267, 1002, 748, 263, 1628, 264, 314, 343, 316, 346, 344, 92, 282, 320, 269, 321};
        QTest::newRow("numbers") << QByteArray("1024x768 at 30fps, 3.14") << QList<int>{272, 271, 273, 275, 343, 278, 277, 279, 536, 274, 271, 25300, 267, 274, 269, 272, 275};
        QTest::newRow("apostrophes") << QByteArray("it's don't they're we've I'm you'll he'd") << QList<int>{585, 568, 847, 713, 889, 982, 649, 1200, 328, 880, 592, 1342, 797, 1896};
        QTest::newRow("whitespace") << QByteArray("  Extra   spaces\tand\nnewlines  ") << QList<int>{4231, 9006, 537, 1218, 3418};
        QTest::newRow("upperCase") << QByteArray("A PHOTO OF A CAT") << QList<int>{320, 1125, 539, 320, 2368};
        QTest::newRow("unicodeLetters") << QByteArray("café naïve Ελληνικά русский 日本語") << QList<int>{15304, 1097, 35689, 563, 138, 113, 138, 119, 138, 119, 138, 115, 138, 121, 138, 117, 138, 118, 138, 361, 16370, 39729, 23669, 23669, 27152, 29503, 373, 39121, 44353, 34002, 508};
        QTest::newRow("emoji") << QByteArray("🐱🐶 emoji ✨") << QList<int>{35710, 10631, 16327, 3531};
        QTest::newRow("specialToken") << QByteArray("x<|endoftext|>y") << QList<int>{343, 49407, 344};
    }

    void encodes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QList<int>, ids);
        QCOMPARE(toList(m_hf->encode(text.toStdString())), ids);
        QCOMPARE(toList(m_gz->encode(text.toStdString())), ids);
    }

    void parsesWeights_data()
    {
        QTest::addColumn<QString>("prompt");
        QTest::addColumn<QStringList>("texts");
        QTest::addColumn<QList<double>>("weights");
        QTest::newRow("plain") << "a cat" << QStringList{"a cat"} << QList<double>{1.0};
        QTest::newRow("explicit") << "(a:1.2)" << QStringList{"a"} << QList<double>{1.2};
        QTest::newRow("parentheses") << "(a)" << QStringList{"a"} << QList<double>{1.1};
        QTest::newRow("nested") << "((a))" << QStringList{"a"} << QList<double>{1.1 * 1.1};
        QTest::newRow("explicit inside") << "((a:1.5))" << QStringList{"a"} << QList<double>{1.5};
        QTest::newRow("mixed") << "x (b:1.5) c" << QStringList{"x ", "b", " c"} << QList<double>{1.0, 1.5, 1.0};
        QTest::newRow("brackets") << "[a]" << QStringList{"[a]"} << QList<double>{1.0};
        QTest::newRow("escaped") << "\\(a\\)" << QStringList{"(a)"} << QList<double>{1.0};
        QTest::newRow("escaped inside") << "(\\(a\\):0.5)" << QStringList{"(a)"} << QList<double>{0.5};
        QTest::newRow("unclosed") << "a (b" << QStringList{"a ", "(b"} << QList<double>{1.0, 1.0};
        QTest::newRow("unopened") << "a) b" << QStringList{"a) b"} << QList<double>{1.0};
        QTest::newRow("unclosed inner") << "(a (b)" << QStringList{"a ", "(b"} << QList<double>{1.1, 1.1};
        QTest::newRow("not a number") << "(a:foo)" << QStringList{"a:foo"} << QList<double>{1.1};
        QTest::newRow("colon first") << "(:1.5)" << QStringList{":1.5"} << QList<double>{1.1};
        QTest::newRow("last colon") << "(a:1.2:1.3)" << QStringList{"a:1.2"} << QList<double>{1.3};
        QTest::newRow("spaces in number") << "(a: 0.8 )" << QStringList{"a"} << QList<double>{0.8};
        QTest::newRow("hex refused") << "(a:0x1)" << QStringList{"a:0x1"} << QList<double>{1.1};
    }

    void parsesWeights()
    {
        QFETCH(QString, prompt);
        QFETCH(QStringList, texts);
        QFETCH(QList<double>, weights);
        const std::vector<WeightedText> pieces = parsePromptWeights(prompt.toStdString());
        QCOMPARE(int(pieces.size()), texts.size());
        for (int i = 0; i < texts.size(); ++i) {
            QCOMPARE(QString::fromStdString(pieces[size_t(i)].text), texts[i]);
            QCOMPARE(pieces[size_t(i)].weight, weights[i]);
        }
    }

    void weightsPerToken()
    {
        const TokenizedPrompt prompt = tokenizePrompt(*m_hf, "(cat:1.2) dog", ClipPadding::EndToken);
        QCOMPARE(window(prompt, 0), expectedWindow({2368, 1929}, kClipEndToken));
        QCOMPARE(prompt.weights[0][0], 1.0f);
        QCOMPARE(prompt.weights[0][1], 1.2f);
        QCOMPARE(prompt.weights[0][2], 1.0f);
        QCOMPARE(prompt.weights[0][3], 1.0f);
        QVERIFY(prompt.hasWeights());
        QVERIFY(!tokenizePrompt(*m_hf, "cat dog", ClipPadding::EndToken).hasWeights());
        // The syntax characters do not reach the tokenizer; literal ones do.
        QCOMPARE(window(tokenizePrompt(*m_hf, "\\(cat\\)", ClipPadding::EndToken), 0),
                 expectedWindow(toList(m_hf->encode("(cat)")), kClipEndToken));
    }

    void emptyPromptAndPadding()
    {
        const TokenizedPrompt endPadded = tokenizePrompt(*m_hf, "", ClipPadding::EndToken);
        QCOMPARE(endPadded.ids.size(), size_t(1));
        QCOMPARE(window(endPadded, 0), expectedWindow({}, kClipEndToken));
        QCOMPARE(endPadded.tokenCounts, std::vector<int>{0});
        const TokenizedPrompt zeroPadded = tokenizePrompt(*m_hf, "a photo of a cat", ClipPadding::Zero);
        QCOMPARE(window(zeroPadded, 0), expectedWindow({320, 1125, 539, 320, 2368}, 0));
    }

    void longPromptsSplitAt75()
    {
        const QString cats = QString("cat ").repeated(80);
        const TokenizedPrompt prompt = tokenizePrompt(*m_hf, cats.toStdString(), ClipPadding::Zero);
        QCOMPARE(prompt.ids.size(), size_t(2));
        QCOMPARE(window(prompt, 0), expectedWindow(QList<int>(75, 2368), 0));
        QCOMPARE(window(prompt, 1), expectedWindow(QList<int>(5, 2368), 0));
        QCOMPARE(prompt.tokenCounts, (std::vector<int>{75, 5}));
    }

    void wordsStayWhole()
    {
        // A word of fewer than 8 tokens that does not fit moves to the next window.
        const std::vector<int> word = m_hf->encode("3.14");
        QCOMPARE(word.size(), size_t(4));
        const std::string text = QString("cat ").repeated(74).toStdString() + "3.14";
        const TokenizedPrompt prompt = tokenizePrompt(*m_hf, text, ClipPadding::EndToken);
        QCOMPARE(prompt.tokenCounts, (std::vector<int>{74, 4}));
        QCOMPARE(window(prompt, 0), expectedWindow(QList<int>(74, 2368), kClipEndToken));
        QCOMPARE(window(prompt, 1), expectedWindow(toList(word), kClipEndToken));
        // A word of 8 or more tokens is split at the window's end.
        const std::string longWord = QString("cat ").repeated(70).toStdString() + "1234567890";
        const TokenizedPrompt split = tokenizePrompt(*m_hf, longWord, ClipPadding::EndToken);
        QCOMPARE(split.tokenCounts, (std::vector<int>{75, 5}));
        QCOMPARE(window(split, 0), expectedWindow(QList<int>(70, 2368) + QList<int>{272, 273, 274, 275, 276}, kClipEndToken));
        QCOMPARE(window(split, 1), expectedWindow({277, 278, 279, 280, 271}, kClipEndToken));
    }

    void refusesEmbeddings()
    {
        TESSERA_VERIFY_ERROR(tokenizePrompt(*m_hf, "a embedding:easynegative", ClipPadding::EndToken),
                             ErrorCode::InvalidArgument);
    }

    void badVocabularyFiles()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("missing.json").toStdString();
        TESSERA_VERIFY_ERROR(ClipTokenizer::fromVocabAndMerges(missing, dataFile("merges.txt")), ErrorCode::Io);
        QFile bad(dir.filePath("bad.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"a\": 0}");
        bad.close();
        TESSERA_VERIFY_ERROR(ClipTokenizer::fromVocabAndMerges(bad.fileName().toStdString(), dataFile("merges.txt")),
                             ErrorCode::InvalidModel);
        TESSERA_VERIFY_ERROR(ClipTokenizer::fromBpeGz(dataFile("vocab.json")), ErrorCode::InvalidModel);
        // A FIFO in the vocabulary's place is refused by kind: reading it would wait forever.
        const std::string fifo = dir.filePath("fifo.json").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        TESSERA_VERIFY_ERROR(ClipTokenizer::fromVocabAndMerges(fifo, dataFile("merges.txt")), ErrorCode::Io);
        TESSERA_VERIFY_ERROR(ClipTokenizer::fromVocabAndMerges(dataFile("vocab.json"), fifo), ErrorCode::Io);
        TESSERA_VERIFY_ERROR(ClipTokenizer::fromBpeGz(fifo), ErrorCode::Io);
    }

    void locatorNamesThePlaces()
    {
        QTemporaryDir home;
        const IsolatedHome isolated(home);
        const QString checkpoint = home.filePath("ComfyUI/models/checkpoints/sd15.safetensors");
        try {
            findClipVocabulary(checkpoint.toStdString(), "");
            QFAIL("expected Error(Io)");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::Io);
            const QString message = QString::fromStdString(e.what());
            for (const QString& part : {QString("vocab.json and merges.txt"), QString("bpe_simple_vocab_16e6.txt.gz"),
                                        QString("TESSERA_CLIP_VOCAB"), home.filePath(".local/share/tessera/clip/"),
                                        home.filePath("ComfyUI/models/checkpoints/tokenizer/"),
                                        home.filePath("ComfyUI/models/checkpoints/tokenizer_2/"),
                                        home.filePath(".cache/huggingface/hub/models--openai--clip-vit-large-patch14/snapshots/*/"),
                                        QString("models--laion--CLIP-ViT-bigG-14-laion2B-39B-b160k/snapshots/*/"),
                                        home.filePath("ComfyUI/comfy/sd1_tokenizer/")})
                QVERIFY2(message.contains(part), qPrintable(part + " not in: " + message));
        }
    }

    void locatorFinds()
    {
        QTemporaryDir home;
        const IsolatedHome isolated(home);

        // The Hugging Face cache.
        const QString snapshot = home.filePath(".cache/huggingface/hub/models--openai--clip-vit-large-patch14/snapshots/abc123");
        QVERIFY(linkVocabulary(snapshot));
        QCOMPARE(QString::fromStdString(findClipVocabulary("", "").vocabJson), snapshot + "/vocab.json");

        // Beside the checkpoint comes first.
        const QString model = home.filePath("sdxl");
        QVERIFY(linkVocabulary(model + "/tokenizer_2"));
        QCOMPARE(QString::fromStdString(findClipVocabulary(model.toStdString(), "").mergesTxt),
                 model + "/tokenizer_2/merges.txt");

        // TESSERA_CLIP_VOCAB before both, as a folder or the gz file.
        {
            ScopedEnv env("TESSERA_CLIP_VOCAB", (kData + "/bpe_simple_vocab_16e6.txt.gz").toUtf8());
            const ClipVocabularyFiles files = findClipVocabulary(model.toStdString(), "");
            QCOMPARE(QString::fromStdString(files.bpeGz), kData + "/bpe_simple_vocab_16e6.txt.gz");
            QCOMPARE(loadClipTokenizer(files).encode("a cat"), (std::vector<int>{320, 2368}));
        }
        {
            ScopedEnv env("TESSERA_CLIP_VOCAB", home.path().toUtf8());
            TESSERA_VERIFY_ERROR(findClipVocabulary(model.toStdString(), ""), ErrorCode::InvalidArgument);
        }
        // The settings path before everything.
        QCOMPARE(QString::fromStdString(findClipVocabulary(model.toStdString(), kData.toStdString()).vocabJson),
                 kData + "/vocab.json");
        TESSERA_VERIFY_ERROR(findClipVocabulary("", home.filePath("nowhere").toStdString()), ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestClipTokenizer)
#include "tst_clip_tokenizer.moc"
