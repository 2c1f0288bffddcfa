#pragma once
/// The temporary files being written right now, kept where a signal handler
/// can reach them: a process ended by SIGTERM, SIGHUP, SIGQUIT or a second
/// Ctrl+C removes them before it exits, so no `.name.tmp-XXXX.png` is left
/// beside a destination. The list is a fixed array of path buffers, each
/// guarded by an atomic state, so the handler reads it without locks or
/// allocation.

#include <string>

namespace tessera {

/// Adds `path` to the list and returns its slot, or -1 when the list is full
/// or the path too long (the file is then written as before, only not removed
/// by a signal). Register before the file is created, so there is no moment
/// when it exists unlisted.
int registerTemporaryFile(const std::string& path);

/// Takes `slot` (from registerTemporaryFile, -1 is ignored) off the list.
/// Call it after the file was renamed or removed.
void unregisterTemporaryFile(int slot);

/// Unlinks every listed file. Uses only async-signal-safe calls (unlink), so
/// a signal handler may call it; the list itself is left as it is.
void removeTemporaryFilesNow() noexcept;

} // namespace tessera
