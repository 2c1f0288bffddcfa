#include "diffusion/sampling/brownian_tree.h"

#include "common/error.h"
#include "common/torch_compat.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <memory>
#include <string>
#include <vector>

// torchsde.BrownianTree (torchsde/_brownian/derived.py) is a BrownianInterval
// (brownian_interval.py) with halfway_tree=True, tol=1e-6, pool_size=24, no
// Levy area and its default cache of 45 increments. This file follows that
// algorithm step by step, including its floating-point operations, so that
// the numbers agree bit for bit:
//  - the interval [t0, t1] is a binary tree; a node splits at the rounded
//    halfway point of its ends, every time point rounded to 6 decimals;
//  - a node that splits draws its seed from numpy's
//    SeedSequence(entropy, spawn_key=(key, depth), pool_size=24) with
//    key = 2 key_parent + (0 left | 1 right), depth = depth_parent + 1;
//  - the root's increment is randn(seed of SeedSequence(entropy)) sqrt(t1 - t0);
//    a child's is the Brownian bridge from its parent's (see childIncrement);
//  - a query [ta, tb] is cut at the midpoints of the nodes it straddles,
//    splitting leaves until its ends are node ends, and the pieces' increments
//    are summed left to right.
// The pieces a query is cut into depend on which nodes earlier queries made
// (the sum's rounding does), so the tree is kept for the sampler's lifetime
// and queried in the sampler's order, as torchsde is.

namespace tessera::sd {

namespace {

constexpr int kDecimals = 6;        // torchsde: ndigits = -int(log10(tol)), tol = 1e-6
constexpr size_t kPoolSize = 24;    // BrownianTree's pool_size
constexpr size_t kCachedNodes = 45; // BrownianInterval's cache_size (speed only)

/// Python's round(x, kDecimals): the double nearest to x correctly rounded
/// to kDecimals decimals (ties to even), as CPython's float round does via
/// dtoa; to_chars / from_chars are exact and locale-independent.
double roundToDecimals(double x)
{
    char text[64];
    const std::to_chars_result printed = std::to_chars(text, text + sizeof text, x, std::chars_format::fixed, kDecimals);
    double rounded = 0.0;
    std::from_chars(text, printed.ptr, rounded);
    return rounded;
}

/// Appends `value` as numpy's _int_to_uint32_array does: 32-bit words, least
/// significant first, one word (0) for 0.
void appendWords(std::vector<uint32_t>& words, uint64_t value)
{
    do {
        words.push_back(static_cast<uint32_t>(value));
        value >>= 32;
    } while (value != 0);
}

/// numpy.random.SeedSequence(entropy, spawn_key, pool_size=kPoolSize).generate_state(count)
/// (numpy/random/bit_generator.pyx, NEP 19): the entropy words are hashed into
/// a pool, every pool word is mixed into every other, the remaining words are
/// mixed into all, and the output words are hashes of the pool cycled. All
/// arithmetic is on uint32 (mod 2^32).
std::vector<uint32_t> seedSequenceState(uint64_t entropy, const std::vector<uint64_t>& spawnKey, size_t count)
{
    constexpr uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875, kInitB = 0x8b51f9dd, kMultB = 0x58f38ded;
    constexpr uint32_t kMixMultL = 0xca01f9dd, kMixMultR = 0x4973f715;
    constexpr int kXShift = 16;

    std::vector<uint32_t> entropyWords;
    appendWords(entropyWords, entropy);
    // numpy >= 1.19 pads the run entropy to the pool size when a spawn key follows.
    if (!spawnKey.empty() && entropyWords.size() < kPoolSize)
        entropyWords.resize(kPoolSize, 0);
    for (uint64_t key : spawnKey)
        appendWords(entropyWords, key);

    uint32_t hashConst = kInitA;
    auto hashmix = [&hashConst](uint32_t value) {
        value ^= hashConst;
        hashConst *= kMultA;
        value *= hashConst;
        return value ^ (value >> kXShift);
    };
    auto mix = [](uint32_t x, uint32_t y) {
        const uint32_t result = kMixMultL * x - kMixMultR * y;
        return result ^ (result >> kXShift);
    };

    std::vector<uint32_t> pool(kPoolSize);
    for (size_t i = 0; i < kPoolSize; ++i)
        pool[i] = hashmix(i < entropyWords.size() ? entropyWords[i] : 0);
    for (size_t source = 0; source < kPoolSize; ++source)
        for (size_t target = 0; target < kPoolSize; ++target)
            if (source != target)
                pool[target] = mix(pool[target], hashmix(pool[source]));
    for (size_t source = kPoolSize; source < entropyWords.size(); ++source)
        for (size_t target = 0; target < kPoolSize; ++target)
            pool[target] = mix(pool[target], hashmix(entropyWords[source]));

    std::vector<uint32_t> state(count);
    uint32_t outputConst = kInitB;
    for (size_t i = 0; i < count; ++i) {
        uint32_t value = pool[i % kPoolSize] ^ outputConst;
        outputConst *= kMultB;
        value *= outputConst;
        state[i] = value ^ (value >> kXShift);
    }
    return state;
}

/// One node of the tree: the interval [start, end] (rounded), split at
/// `midway` into two children once a query needs it.
struct Interval {
    double start = 0.0;
    double end = 0.0;
    Interval* parent = nullptr;
    bool isLeft = false;
    // Set when the node splits (torchsde's _split_exact):
    double midway = 0.0;
    uint64_t spawnKey = 0;
    uint64_t depth = 0;
    uint32_t seed = 0; // torch.Generator seed of the bridge noise of the split
    std::unique_ptr<Interval> left;
    std::unique_ptr<Interval> right;
    at::Tensor increment; // W(end) - W(start) while cached; the root's always
};

/// torchsde's BrownianInterval(t0, t1, size, dtype, device, entropy, tol=1e-6,
/// pool_size=24, halfway_tree=True) without Levy area.
class BrownianTree {
public:
    BrownianTree(std::vector<int64_t> shape, at::TensorOptions options, double t0, double t1, uint64_t entropy)
            : m_shape(std::move(shape)), m_options(options), m_entropy(entropy)
    {
        m_root.start = roundToDecimals(t0);
        m_root.end = roundToDecimals(t1);
        // SeedSequence(entropy).generate_state(3) -> W seed, H seed (unused),
        // Levy seed (unused); the root's increment uses the unrounded ends.
        const uint32_t rootSeed = seedSequenceState(m_entropy, {}, 3)[0];
        m_root.increment = randn(rootSeed) * std::sqrt(t1 - t0);
    }

    /// W(tb) - W(ta) for ta <= tb, ends clamped to the tree's interval.
    at::Tensor increment(double ta, double tb)
    {
        ta = std::clamp(ta, m_root.start, m_root.end);
        tb = std::clamp(tb, m_root.start, m_root.end);
        if (ta == tb)
            return at::zeros(m_shape, m_options);
        ta = roundToDecimals(ta);
        tb = roundToDecimals(tb);
        if (ta == tb)
            throw Error(ErrorCode::InvalidArgument,
                        "Brownian tree query [" + std::to_string(ta) + ", " + std::to_string(tb)
                            + "] is shorter than the tree's resolution of 1e-6 "
                              "(torchsde recurses without end there)");
        std::vector<Interval*> pieces;
        locate(&m_root, ta, tb, pieces);
        at::Tensor sum = incrementOf(*pieces[0]);
        for (size_t i = 1; i < pieces.size(); ++i)
            sum = sum + incrementOf(*pieces[i]);
        return sum;
    }

private:
    at::Tensor randn(uint32_t seed) const
    {
        at::Generator generator = seededGenerator(m_options.device(), seed);
        return at::randn(m_shape, generator, m_options);
    }

    /// torchsde's _loc_inner: appends the nodes that tile [ta, tb], left to right.
    void locate(Interval* node, double ta, double tb, std::vector<Interval*>& pieces)
    {
        while (ta < node->start || tb > node->end)
            node = node->parent;
        if (ta == node->start && tb == node->end) {
            pieces.push_back(node);
            return;
        }
        if (!node->left) {
            // A leaf: split it (dyadically, down to the query's inner end) and retry.
            if (ta == node->start) {
                split(*node, tb);
                locate(node->left.get(), ta, tb, pieces);
            } else {
                split(*node, ta);
                locate(node->right.get(), ta, tb, pieces);
            }
            return;
        }
        if (tb <= node->midway) {
            locate(node->left.get(), ta, tb, pieces);
        } else if (ta >= node->midway) {
            locate(node->right.get(), ta, tb, pieces);
        } else {
            locate(node->left.get(), ta, node->midway, pieces);
            locate(node->right.get(), node->midway, tb, pieces);
        }
    }

    /// torchsde's _split with halfway_tree: halve the node, then halve the
    /// child holding `point` until `point` is a node end.
    void split(Interval& node, double point)
    {
        splitAtHalfway(node);
        if (point > node.midway)
            split(*node.right, point);
        else if (point < node.midway)
            split(*node.left, point);
    }

    /// torchsde's _split_exact at the rounded halfway point.
    void splitAtHalfway(Interval& node)
    {
        node.midway = roundToDecimals(0.5 * (node.end + node.start));
        if (node.parent) {
            node.spawnKey = 2 * node.parent->spawnKey + (node.isLeft ? 0 : 1);
            node.depth = node.parent->depth + 1;
        }
        // generate_state(4): W seed, H seed, left and right Levy seeds; only the first is used.
        node.seed = seedSequenceState(m_entropy, {node.spawnKey, node.depth}, 4)[0];
        node.left = child(node, node.start, node.midway, true);
        node.right = child(node, node.midway, node.end, false);
    }

    static std::unique_ptr<Interval> child(Interval& parent, double start, double end, bool isLeft)
    {
        auto node = std::make_unique<Interval>();
        node->start = start;
        node->end = end;
        node->parent = &parent;
        node->isLeft = isLeft;
        return node;
    }

    at::Tensor incrementOf(Interval& node)
    {
        if (node.increment.defined())
            return node.increment;
        at::Tensor increment = childIncrement(node, incrementOf(*node.parent));
        cache(node, increment);
        return increment;
    }

    /// The Brownian bridge (torchsde's _increment_and_space_time_levy_area
    /// without H): given W over the parent [s, e] split at m,
    ///   W_left = (m - s) W / (e - s) + sqrt((m - s)(e - m) / (e - s)) Z,
    ///   W_right = W - W_left,
    /// with Z = randn(parent's seed), in torchsde's order of operations.
    at::Tensor childIncrement(const Interval& node, const at::Tensor& parentIncrement) const
    {
        const Interval& parent = *node.parent;
        const double reciprocalLength = 1.0 / (parent.end - parent.start);
        const double leftLength = parent.midway - parent.start;
        const double rightLength = parent.end - parent.midway;
        const at::Tensor mean = parentIncrement * leftLength * reciprocalLength;
        const double variance = leftLength * rightLength * reciprocalLength;
        const at::Tensor left = mean + randn(parent.seed) * std::sqrt(variance);
        return node.isLeft ? left : parentIncrement - left;
    }

    /// Keeps the last kCachedNodes increments (torchsde's LRU cache, which
    /// only saves recomputing them from the root).
    void cache(Interval& node, const at::Tensor& increment)
    {
        if (m_cached.size() == kCachedNodes) {
            m_cached.front()->increment = at::Tensor();
            m_cached.pop_front();
        }
        node.increment = increment;
        m_cached.push_back(&node);
    }

    std::vector<int64_t> m_shape;
    at::TensorOptions m_options;
    uint64_t m_entropy;
    Interval m_root;
    std::deque<Interval*> m_cached;
};

} // namespace

NoiseSampler brownianTreeNoiseSampler(const at::Tensor& like, double sigmaMin, double sigmaMax, uint64_t seed,
                                      bool treeOnCpu)
{
    if (!std::isfinite(sigmaMin) || !std::isfinite(sigmaMax))
        throw Error(ErrorCode::InvalidArgument,
                    "Brownian tree sigma range [" + std::to_string(sigmaMin) + ", " + std::to_string(sigmaMax)
                        + "] must be finite");
    // ComfyUI's sigmas are fp32 tensors; torchsde reads them as doubles.
    const float first = static_cast<float>(sigmaMin);
    const float second = static_cast<float>(sigmaMax);
    // BatchedBrownianTree.sort: (a, b, +1) if a < b else (b, a, -1).
    const bool rangeReversed = !(first < second);
    const float low = std::min(first, second);
    const float high = std::max(first, second);
    const at::TensorOptions treeOptions = like.options().device(treeOnCpu ? at::Device(at::kCPU) : like.device());
    auto tree = std::make_shared<BrownianTree>(like.sizes().vec(), treeOptions, low, high, seed);
    const at::TensorOptions noiseOptions = like.options().dtype(at::kFloat);
    const at::ScalarType likeDtype = like.scalar_type();

    return [tree, rangeReversed, noiseOptions, likeDtype](double sigma, double sigmaNext) {
        // BatchedBrownianTree: query W over the sorted pair, sign it back, move
        // it to the sigmas' device (the latent's) as fp32, then divide by
        // sqrt|sigmaNext - sigma| computed in fp32 as a 0-d tensor there (on
        // CUDA a tensor divisor divides exactly; a CPU scalar would multiply
        // by its reciprocal).
        const float from = static_cast<float>(sigma);
        const float to = static_cast<float>(sigmaNext);
        const bool queryReversed = !(from < to);
        at::Tensor w = tree->increment(std::min(from, to), std::max(from, to)).to(noiseOptions);
        if (queryReversed != rangeReversed)
            w = -w;
        const at::Tensor scale = at::scalar_tensor(std::sqrt(std::fabs(to - from)), noiseOptions);
        return (w / scale).to(likeDtype);
    };
}

} // namespace tessera::sd
