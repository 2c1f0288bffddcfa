#pragma once
/// The CPU kernels of the Winograd F(4x4, 3x3) convolution
/// (winograd_convolution.h): plain pointers, no torch, so that this one file
/// can be compiled for AVX2 + FMA while the rest of the program is not.
///
/// F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural
/// Networks", 2015): a 4x4 block of outputs comes from a 6x6 input patch d
/// and the 3x3 filter g as Y = A^T [(G g G^T) ⊙ (B^T d B)] A. Over C input and
/// K output channels that is 36 products of [tiles x C] by [C x K] matrices:
/// 36 multiplications for 16 outputs where the direct convolution takes 144,
/// so 4x fewer, for the cost of the two transforms.

#include <cstddef>
#include <cstdint>

namespace tessera::cpu {

/// One convolution over one image, channels innermost (NHWC). Channel counts
/// are multiples of 8 (one AVX register).
struct WinogradLayer {
    const float* input = nullptr;  ///< pixel (0, 0), channel 0
    int64_t inputRowStride = 0;    ///< floats between rows
    int64_t inputPixelStride = 0;  ///< floats between neighbouring pixels (>= channels)
    int height = 0, width = 0;     ///< input size
    int channels = 0;              ///< C
    int padTop = 0, padLeft = 0;   ///< zero padding before the first row / column
    const float* weights = nullptr; ///< transformed: [36][C][K] (winogradTransformWeights)
    int outChannels = 0;           ///< K
    float* output = nullptr;       ///< pixel (0, 0), channel 0
    int64_t outputRowStride = 0;
    int64_t outputPixelStride = 0;
    int outHeight = 0, outWidth = 0;
    const float* bias = nullptr;   ///< [K] or null
    /// What follows the bias: 0 none, 1 ReLU, 2 leaky ReLU (slope), 3 PReLU
    /// (slopes, [K]); the numbers of models/bias_activation.h's Activation::Kind.
    int activation = 0;
    float slope = 0.0f;
    const float* slopes = nullptr;
};

/// True when this file was compiled for AVX2 + FMA (x86-64 builds); whether
/// the CPU running it has them is the caller's question.
bool winogradKernelsCompiled();

/// Floats of scratch memory winogradTileBlock needs for up to `tiles` tiles.
size_t winogradScratchFloats(const WinogradLayer& layer, int tiles);

/// g -> G g G^T for the filters of input channels [firstChannel,
/// endChannel): weights [K][C][3][3] (torch's layout) -> transformed
/// [36][C][K] (those channels' rows; channel ranges can run in parallel).
void winogradTransformWeights(const float* weights, int outChannels, int channels, int firstChannel, int endChannel,
                              float* transformed);

/// Output tiles of 4x4 pixels (tileRow, firstTile .. firstTile + tiles - 1), bias and
/// activation included, written to layer.output. `scratch` holds
/// winogradScratchFloats(layer, tiles) floats, 32-byte aligned.
void winogradTileBlock(const WinogradLayer& layer, int tileRow, int firstTile, int tiles, float* scratch);

} // namespace tessera::cpu
