#pragma once
/// Input pixels that are not finite numbers (NaN, +Inf, -Inf: EXR and float
/// TIFF files can hold them) would spread through a network and come out as
/// black. The upscale job replaces them before the model by one rule:
///
///     NaN -> 0,   +Inf -> 1,   -Inf -> 0
///
/// (the ends of the [0, 1] range a model expects; a NaN has no value, so it
/// becomes black) and reports how many there were.

#include "tiling/row_source.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace tessera {

/// Applies the rule to `count` floats in place; returns how many it replaced.
int64_t replaceNonFinite(float* values, size_t count);

/// Reads from `inner` and applies the rule to every row on the way.
class FiniteRowSource : public RowSource {
public:
    explicit FiniteRowSource(RowSource& inner) : m_inner(inner) {}
    int width() const override { return m_inner.width(); }
    int height() const override { return m_inner.height(); }
    int channels() const override { return m_inner.channels(); }
    void readRows(int y, int rowCount, float* pixels) override;

    /// Pixels (not samples) that had at least one non-finite sample, so far.
    /// Read it after the run: readRows runs on the runner's read-ahead thread.
    int64_t replacedPixels() const { return m_replacedPixels; }

private:
    RowSource& m_inner;
    int64_t m_replacedPixels = 0;
};

/// "12 pixels were NaN or infinite; set to 0 or 1 as documented" for the
/// person who runs the upscale (the CLI puts the file's name in front).
std::string nonFinitePixelsSentence(int64_t pixels);

} // namespace tessera
