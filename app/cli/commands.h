#pragma once
/// tessera-cli subcommands. Each takes the arguments after its name and
/// returns the process exit code: 0 ok, 1 failed (message on stderr naming the
/// file and the cause), 2 bad usage, 130 cancelled.

#include <string>
#include <vector>

namespace tessera::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitCancelled = 130;

using Args = std::vector<std::string>;

int runInfo(const Args& args);     ///< info FILE
int runConvert(const Args& args);  ///< convert IN -o OUT [--bits] [--quality]
int runUpscale(const Args& args);  ///< upscale IN -o OUT -m MODEL [tiling options]
int runModels(const Args& args);   ///< models [DIR]
int runTokens(const Args& args);   ///< tokens "PROMPT" [--vocab DIR|FILE] [--pad-zero] [--show]
int runGenerate(const Args& args); ///< generate -o OUT --model CKPT --prompt P [sampling options]
int runImg2Img(const Args& args);  ///< img2img IN -o OUT --model CKPT --denoise D [sampling options]
int runRefine(const Args& args);   ///< refine IN -o OUT --model CKPT --prompt P [tile and sampling options]
int runWorkflow(const Args& args); ///< workflow -o OUT --model CKPT --refiner CKPT --prompt P --upscale-model M [...]

/// Thrown by argument parsing; becomes exit code 2 with the message.
struct UsageError {
    std::string message;
};

} // namespace tessera::cli
