// Compiled with -mavx2 -mfma on x86-64 (core/models/CMakeLists.txt). It
// includes nothing but intrinsics, so no inline function of a shared header
// is compiled here with instructions that an older CPU lacks.
#include "models/cpu/winograd_kernels.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define TESSERA_WINOGRAD_AVX2 1
#endif

namespace tessera::cpu {

namespace {

constexpr int kPositions = 36; // the 6x6 transformed patch

// G (6x3): the filter transform's rows, U = G g G^T.
constexpr float kFilterTransform[6][3] = {
    {1.0f / 4, 0.0f, 0.0f},
    {-1.0f / 6, -1.0f / 6, -1.0f / 6},
    {-1.0f / 6, 1.0f / 6, -1.0f / 6},
    {1.0f / 24, 1.0f / 12, 1.0f / 6},
    {1.0f / 24, -1.0f / 12, 1.0f / 6},
    {0.0f, 0.0f, 1.0f},
};

} // namespace

void winogradTransformWeights(const float* weights, int outChannels, int channels, int firstChannel, int endChannel,
                              float* transformed)
{
    // One input channel at a time: its K filters' 36 values gathered by
    // position first (row [p] of K values), then copied out one row after the
    // other. Written straight to [p][c][k], the 36 values of a filter land
    // C x K apart, the same cache set at 64 channels: 1.1 ms for a 64 -> 64
    // layer, 1 s for a 1280 -> 1280 one (0.2 ms and 163 ms this way, one core).
    float* rows = new float[size_t(36) * size_t(outChannels)]; // [36][K]
    for (int c = firstChannel; c < endChannel; ++c) {
        for (int k = 0; k < outChannels; ++k) {
            const float* g = weights + (int64_t(k) * channels + c) * 9; // [3][3]
            float gg[6][3];                                             // G g
            for (int i = 0; i < 6; ++i)
                for (int b = 0; b < 3; ++b)
                    gg[i][b] = kFilterTransform[i][0] * g[0 * 3 + b] + kFilterTransform[i][1] * g[1 * 3 + b]
                             + kFilterTransform[i][2] * g[2 * 3 + b];
            for (int i = 0; i < 6; ++i)
                for (int j = 0; j < 6; ++j)
                    rows[(i * 6 + j) * outChannels + k] = gg[i][0] * kFilterTransform[j][0]
                                                        + gg[i][1] * kFilterTransform[j][1]
                                                        + gg[i][2] * kFilterTransform[j][2];
        }
        for (int p = 0; p < 36; ++p) {
            const float* from = rows + p * outChannels;
            float* to = transformed + (int64_t(p) * channels + c) * outChannels;
            for (int k = 0; k < outChannels; ++k)
                to[k] = from[k];
        }
    }
    delete[] rows;
}

size_t winogradScratchFloats(const WinogradLayer& layer, int tiles)
{
    // V [tiles][36][C] and M [tiles][36][K]: tile first, so that each tile's
    // two transforms read and write one run of memory (the products read
    // their rows 36 C apart instead: 1.15-1.4x faster a layer than by position first).
    return size_t(kPositions) * size_t(tiles) * size_t(layer.channels + layer.outChannels);
}

#ifdef TESSERA_WINOGRAD_AVX2

bool winogradKernelsCompiled()
{
    return true;
}

namespace {

inline int smaller(int a, int b)
{
    return a < b ? a : b;
}

// B^T (6x6) on six vectors d0..d5 (a column, then a row, of the patch):
//   [4  0 -5  0 1 0]
//   [0 -4 -4  1 1 0]
//   [0  4 -4 -1 1 0]
//   [0 -2 -1  2 1 0]
//   [0  2 -1 -2 1 0]
//   [0  4  0 -5 0 1]
inline void inputTransform(const __m256 d[6], __m256 out[6])
{
    const __m256 two = _mm256_set1_ps(2.0f);
    const __m256 four = _mm256_set1_ps(4.0f);
    const __m256 five = _mm256_set1_ps(5.0f);
    out[0] = _mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4]));
    out[1] = _mm256_fnmadd_ps(four, _mm256_add_ps(d[1], d[2]), _mm256_add_ps(d[3], d[4]));
    out[2] = _mm256_fmadd_ps(four, _mm256_sub_ps(d[1], d[2]), _mm256_sub_ps(d[4], d[3]));
    out[3] = _mm256_fmadd_ps(two, _mm256_sub_ps(d[3], d[1]), _mm256_sub_ps(d[4], d[2]));
    out[4] = _mm256_fmadd_ps(two, _mm256_sub_ps(d[1], d[3]), _mm256_sub_ps(d[4], d[2]));
    out[5] = _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5]));
}

// A^T (4x6) on six vectors m0..m5:
//   [1 1  1 1  1 0]
//   [0 1 -1 2 -2 0]
//   [0 1  1 4  4 0]
//   [0 1 -1 8 -8 1]
inline void outputTransform(const __m256 m[6], __m256 out[4])
{
    const __m256 sum12 = _mm256_add_ps(m[1], m[2]);
    const __m256 diff12 = _mm256_sub_ps(m[1], m[2]);
    const __m256 sum34 = _mm256_add_ps(m[3], m[4]);
    const __m256 diff34 = _mm256_sub_ps(m[3], m[4]);
    out[0] = _mm256_add_ps(_mm256_add_ps(m[0], sum12), sum34);
    out[1] = _mm256_fmadd_ps(_mm256_set1_ps(2.0f), diff34, diff12);
    out[2] = _mm256_fmadd_ps(_mm256_set1_ps(4.0f), sum34, sum12);
    out[3] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8.0f), diff34, diff12), m[5]);
}

// Bias and activation on 8 channels from k. The comparisons are false for
// NaN, so a NaN stays NaN (the overflow checks downstream look for it).
inline __m256 finish(const WinogradLayer& layer, __m256 y, __m256 bias, int k)
{
    y = _mm256_add_ps(y, bias);
    const __m256 zero = _mm256_setzero_ps();
    switch (layer.activation) {
    case 1: return _mm256_max_ps(zero, y); // MAXPS returns its second operand (y) for NaN
    case 2: {
        const __m256 positive = _mm256_cmp_ps(y, zero, _CMP_GT_OQ);
        return _mm256_blendv_ps(_mm256_mul_ps(_mm256_set1_ps(layer.slope), y), y, positive);
    }
    case 3: {
        const __m256 positive = _mm256_cmp_ps(y, zero, _CMP_GT_OQ);
        return _mm256_blendv_ps(_mm256_mul_ps(_mm256_loadu_ps(layer.slopes + k), y), y, positive);
    }
    default: return y;
    }
}

// The 6x6 patches of `tiles` tiles -> V [tiles][36][C].
void transformInputs(const WinogradLayer& layer, int tileRow, int firstTile, int tiles, float* v)
{
    const int channels = layer.channels;
    const int top = 4 * tileRow - layer.padTop;
    for (int t = 0; t < tiles; ++t) {
        const int left = 4 * (firstTile + t) - layer.padLeft;
        // Each patch pixel's address, or null where it lies in the zero padding.
        const float* pixel[6][6];
        for (int a = 0; a < 6; ++a)
            for (int b = 0; b < 6; ++b) {
                const int y = top + a, x = left + b;
                pixel[a][b] = y >= 0 && y < layer.height && x >= 0 && x < layer.width
                                ? layer.input + int64_t(y) * layer.inputRowStride + int64_t(x) * layer.inputPixelStride
                                : nullptr;
            }
        for (int c = 0; c < channels; c += 8) {
            __m256 columns[6][6]; // B^T d: [i][b]
            for (int b = 0; b < 6; ++b) {
                __m256 d[6];
                for (int a = 0; a < 6; ++a)
                    d[a] = pixel[a][b] ? _mm256_loadu_ps(pixel[a][b] + c) : _mm256_setzero_ps();
                __m256 transformed[6];
                inputTransform(d, transformed);
                for (int i = 0; i < 6; ++i)
                    columns[i][b] = transformed[i];
            }
            for (int i = 0; i < 6; ++i) {
                __m256 row[6];
                inputTransform(columns[i], row);
                for (int j = 0; j < 6; ++j)
                    _mm256_storeu_ps(v + (int64_t(t) * kPositions + i * 6 + j) * channels + c, row[j]);
            }
        }
    }
}

// m[r][k0 .. k0 + 8 * Vectors) = sum over c of v[r][c] * u[c][k0 ..], for
// R rows (tiles, vStride and mStride floats apart): R x Vectors accumulators
// (6 x 2 = 12 of the 16 registers).
template <int R, int Vectors>
inline void multiplyRows(const float* v, int64_t vStride, int channels, const float* u, int outChannels, float* m,
                         int64_t mStride)
{
    __m256 sum[R][Vectors];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
        for (int q = 0; q < Vectors; ++q)
            sum[r][q] = _mm256_setzero_ps();
    for (int c = 0; c < channels; ++c) {
        __m256 w[Vectors];
        for (int q = 0; q < Vectors; ++q)
            w[q] = _mm256_loadu_ps(u + int64_t(c) * outChannels + 8 * q);
#pragma GCC unroll 6
        for (int r = 0; r < R; ++r) {
            const __m256 x = _mm256_broadcast_ss(v + r * vStride + c);
            for (int q = 0; q < Vectors; ++q)
                sum[r][q] = _mm256_fmadd_ps(x, w[q], sum[r][q]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
        for (int q = 0; q < Vectors; ++q)
            _mm256_storeu_ps(m + r * mStride + 8 * q, sum[r][q]);
}

template <int Vectors>
void multiplyRowsOf(int rows, const float* v, int64_t vStride, int channels, const float* u, int outChannels, float* m,
                    int64_t mStride)
{
    switch (rows) {
    case 6: multiplyRows<6, Vectors>(v, vStride, channels, u, outChannels, m, mStride); break;
    case 5: multiplyRows<5, Vectors>(v, vStride, channels, u, outChannels, m, mStride); break;
    case 4: multiplyRows<4, Vectors>(v, vStride, channels, u, outChannels, m, mStride); break;
    case 3: multiplyRows<3, Vectors>(v, vStride, channels, u, outChannels, m, mStride); break;
    case 2: multiplyRows<2, Vectors>(v, vStride, channels, u, outChannels, m, mStride); break;
    default: multiplyRows<1, Vectors>(v, vStride, channels, u, outChannels, m, mStride); break;
    }
}

// M[., p] = V[., p] x U[p] for the 36 positions: [tiles x C] x [C x K].
void multiplyTransformed(const WinogradLayer& layer, int tiles, const float* v, float* m)
{
    const int channels = layer.channels, outChannels = layer.outChannels;
    const int64_t vStride = int64_t(kPositions) * channels, mStride = int64_t(kPositions) * outChannels;
    for (int p = 0; p < kPositions; ++p) {
        const float* u = layer.weights + int64_t(p) * channels * outChannels;
        for (int t = 0; t < tiles; t += 6) {
            const int rows = smaller(6, tiles - t);
            const float* vr = v + t * vStride + int64_t(p) * channels;
            for (int k = 0; k < outChannels; k += 16) {
                float* mr = m + t * mStride + int64_t(p) * outChannels + k;
                if (outChannels - k >= 16)
                    multiplyRowsOf<2>(rows, vr, vStride, channels, u + k, outChannels, mr, mStride);
                else
                    multiplyRowsOf<1>(rows, vr, vStride, channels, u + k, outChannels, mr, mStride);
            }
        }
    }
}

// M [tiles][36][K] -> the 4x4 output pixels, bias and activation applied;
// pixels past the output's edge are not written.
void transformOutputs(const WinogradLayer& layer, int tileRow, int firstTile, int tiles, const float* m)
{
    const int outChannels = layer.outChannels;
    for (int t = 0; t < tiles; ++t) {
        const int top = 4 * tileRow, left = 4 * (firstTile + t);
        const int rows = smaller(4, layer.outHeight - top), columns = smaller(4, layer.outWidth - left);
        float* origin = layer.output + int64_t(top) * layer.outputRowStride + int64_t(left) * layer.outputPixelStride;
        for (int k = 0; k < outChannels; k += 8) {
            __m256 partial[4][6]; // A^T m: [r][j]
            for (int j = 0; j < 6; ++j) {
                __m256 column[6];
                for (int i = 0; i < 6; ++i)
                    column[i] = _mm256_loadu_ps(m + (int64_t(t) * kPositions + i * 6 + j) * outChannels + k);
                __m256 transformed[4];
                outputTransform(column, transformed);
                for (int r = 0; r < 4; ++r)
                    partial[r][j] = transformed[r];
            }
            const __m256 bias = layer.bias ? _mm256_loadu_ps(layer.bias + k) : _mm256_setzero_ps();
            for (int r = 0; r < rows; ++r) {
                __m256 y[4];
                outputTransform(partial[r], y);
                float* row = origin + int64_t(r) * layer.outputRowStride + k;
                for (int q = 0; q < columns; ++q)
                    _mm256_storeu_ps(row + int64_t(q) * layer.outputPixelStride, finish(layer, y[q], bias, k));
            }
        }
    }
}

} // namespace

void winogradTileBlock(const WinogradLayer& layer, int tileRow, int firstTile, int tiles, float* scratch)
{
    float* v = scratch;
    float* m = scratch + int64_t(kPositions) * tiles * layer.channels;
    transformInputs(layer, tileRow, firstTile, tiles, v);
    multiplyTransformed(layer, tiles, v, m);
    transformOutputs(layer, tileRow, firstTile, tiles, m);
}

#else // not compiled for AVX2 + FMA: never called (winogradKernelsCompiled is false)

bool winogradKernelsCompiled()
{
    return false;
}

void winogradTileBlock(const WinogradLayer&, int, int, int, float*) {}

#endif

} // namespace tessera::cpu
