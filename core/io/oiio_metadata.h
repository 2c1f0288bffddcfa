#pragma once
// Private to core/io: moving metadata between OpenImageIO's ImageSpec and our
// ImageMetadata, in both directions, so reader and writer agree on the format.

#include "image/image.h"

#include <OpenImageIO/imageio.h>

#include <string>

namespace tessera::io {

/// Entries whose name starts with this are ours (notes about the read), not
/// the file's; writers never write them.
inline constexpr const char* kTesseraPrefix = "tessera:";

/// The SampleType of an OIIO pixel format.
SampleType sampleTypeOf(OIIO::TypeDesc format);

/// Every attribute of `spec` as an entry (the ICC profile goes to iccProfile
/// instead), plus the source format and sample type.
ImageMetadata metadataFromSpec(const OIIO::ImageSpec& spec, const std::string& formatName);

/// Re-creates the entries of `metadata` as attributes of `spec`, skipping ones
/// a writer must not receive (OIIO internals, layout and compression of the
/// source, sizes that an upscale changes) and ones whose bytes do not match
/// their type. Adds the ICC profile when there is one.
void applyMetadataToSpec(const ImageMetadata& metadata, OIIO::ImageSpec& spec);

} // namespace tessera::io
