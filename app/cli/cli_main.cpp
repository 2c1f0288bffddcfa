// tessera-cli: the command line. Dispatches to one file per subcommand and
// turns errors into messages and exit codes (DESIGN.md: catch at the boundary).

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/error.h"

#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>

namespace {

const char* kUsage = R"(Usage: tessera-cli <command> [options]

Commands:
  info FILE                       size, channels, bit depth, format, ICC, metadata
  convert IN -o OUT [--bits 8|16|32] [--quality N] [--compression NAME] [--no-metadata]
                                  re-encode an image (format from OUT's extension)
  upscale IN -o OUT -m MODEL [--tile S] [--overlap O] [--halo P]
          [--blend linear|smooth|gaussian] [--scale X] [--device cpu|cuda|cuda:N|cuda:0,1|cuda:all]
          [--precision fp32|fp16|bf16] [--batch N] [--alpha model|resize]
          [--bits 8|16|32] [--compression NAME] [--quality N]
                                  upscale with tiling (auto tile size by default), streaming to OUT
  upscale IN [IN...] -o FOLDER -m MODEL [--suffix S] [--format F] [--recursive]
          [--skip-existing] [--shard I/N] [upscale's options]
                                  many images or folders into FOLDER, one model load
  models [DIR]                    list the models in DIR (default: the models folder)
  tokens "PROMPT" [--vocab DIR|FILE] [--pad-zero] [--show]
                                  CLIP token ids and the token count per 75-token chunk
  generate -o OUT --model CKPT --prompt P [--negative N] [--steps N] [--cfg X]
          [--sampler S] [--scheduler S] [--seed N] [--width W --height H]
          [--refiner CKPT --refiner-steps N --refiner-cfg X --switch-step K]
          [--vae FILE] [--clip-skip N] [--device D] [--precision P]
                                  Stable Diffusion txt2img (SD 1.x, SDXL, base -> refiner)
  img2img IN -o OUT --model CKPT --prompt P --denoise D [--start-step K] [--end-step K]
          [--no-add-noise] [--leftover-noise] [generate's options]
                                  re-sample an image (COMMAND --help lists samplers, schedulers)
  refine IN -o OUT --model CKPT --prompt P [--refiner CKPT] [--negative N]
          [--upscale-model M --upscale-by X] [--denoise D] [--tile S --overlap O]
          [--mode blend|tiles|pixel] [--hypertile ...] [generate's options]
                                  add detail tile by tile, without seams
  workflow -o OUT --model CKPT --refiner CKPT --prompt P --upscale-model M --upscale-by X
          [--tiler-model base|refiner] [--tiler-denoise D] [--also-upscaled OUT2] [--input IN]
                                  base -> refiner -> model upscale -> tiled refinement

Options:
  --help       show this help (COMMAND --help: the command's options and defaults)
  --version    show the version

Exit codes: 0 ok, 1 failed, 2 bad usage, 130 cancelled.
Models folder: $TESSERA_MODELS, else ~/.local/share/tessera/models.
)";

} // namespace

int main(int argc, char** argv)
{
    using namespace tessera::cli;
    installSignalCleanup();
    Args args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << kUsage;
        return kExitUsage;
    }
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return kExitOk;
    }
    if (command == "--version") {
        std::cout << "tessera-cli " << TESSERA_VERSION << "\n";
        return kExitOk;
    }
    try {
        if (command == "info")
            return runInfo(args);
        if (command == "convert")
            return runConvert(args);
        if (command == "upscale")
            return runUpscale(args);
        if (command == "models")
            return runModels(args);
        if (command == "tokens")
            return runTokens(args);
        if (command == "generate")
            return runGenerate(args);
        if (command == "img2img")
            return runImg2Img(args);
        if (command == "refine")
            return runRefine(args);
        if (command == "workflow")
            return runWorkflow(args);
        std::cerr << "tessera-cli: unknown command '" << command << "'\n\n" << kUsage;
        return kExitUsage;
    } catch (const UsageError& error) {
        std::cerr << "tessera-cli " << command << ": " << error.message
                  << "\n(see tessera-cli --help)\n";
        return kExitUsage;
    } catch (const tessera::Error& error) {
        if (error.code() == tessera::ErrorCode::Cancelled) {
            std::cerr << "tessera-cli: cancelled\n";
            return kExitCancelled;
        }
        std::cerr << "tessera-cli: " << firstLine(error.what()) << "\n";
        return kExitFailed;
    } catch (const std::exception& error) {
        // A library's exception (LibTorch's c10::Error) carries a stack trace
        // after its first line: the person gets the message, not the trace.
        std::cerr << "tessera-cli: " << firstLine(error.what()) << "\n";
        return kExitFailed;
    }
}
