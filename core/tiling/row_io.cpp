#include "tiling/row_sink.h"
#include "tiling/row_source.h"

#include "common/error.h"

#include <cstring>

namespace tessera {

void RowSink::writeBytes(int, int, const uint8_t*)
{
    throw Error(ErrorCode::Internal, "8-bit rows for a sink that stores none (storedBits() is 0)");
}

void RowSource::readBytes(int, int, uint8_t*)
{
    throw Error(ErrorCode::Internal, "8-bit rows from a source that holds none (storedBits() is 0)");
}

void ImageRowSink::begin(int width, int height, int channels)
{
    m_image = Image(width, height, channels);
}

void ImageRowSink::writeRows(int y, int rowCount, const float* pixels)
{
    if (y < 0 || rowCount < 0 || y + rowCount > m_image.height())
        throw Error(ErrorCode::Internal, "rows outside the output image");
    const size_t rowFloats = size_t(m_image.width()) * m_image.channels();
    std::memcpy(m_image.row(y), pixels, rowFloats * size_t(rowCount) * sizeof(float));
}

void ImageRowSource::readRows(int y, int rowCount, float* pixels)
{
    if (y < 0 || rowCount < 0 || y + rowCount > m_image.height())
        throw Error(ErrorCode::Internal, "rows outside the input image");
    const size_t rowFloats = size_t(m_image.width()) * m_image.channels();
    std::memcpy(pixels, m_image.row(y), rowFloats * size_t(rowCount) * sizeof(float));
}

} // namespace tessera
