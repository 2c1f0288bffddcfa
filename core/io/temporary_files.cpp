#include "io/temporary_files.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>

namespace tessera {

namespace {

// A slot is Free, being Filled (its path is not yet complete: the handler
// must not read it) or Listed.
enum SlotState : int { kFree, kFilling, kListed };

// Writers are few at a time (one per open ImageFileWriter); 64 covers a
// batch with room to spare. 4096 is Linux's PATH_MAX.
constexpr size_t kSlots = 64;
constexpr size_t kPathBytes = 4096;

struct Slot {
    std::atomic<int> state{kFree};
    char path[kPathBytes] = {};
};

// A signal handler may only touch lock-free atomics.
static_assert(std::atomic<int>::is_always_lock_free);

std::array<Slot, kSlots> g_slots;

} // namespace

int registerTemporaryFile(const std::string& path)
{
    if (path.size() >= kPathBytes)
        return -1;
    for (size_t i = 0; i < kSlots; ++i) {
        int expected = kFree;
        if (!g_slots[i].state.compare_exchange_strong(expected, kFilling, std::memory_order_acquire))
            continue;
        std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
        g_slots[i].state.store(kListed, std::memory_order_release);
        return int(i);
    }
    return -1;
}

void unregisterTemporaryFile(int slot)
{
    if (slot >= 0 && size_t(slot) < kSlots)
        g_slots[size_t(slot)].state.store(kFree, std::memory_order_release);
}

void removeTemporaryFilesNow() noexcept
{
    for (Slot& slot : g_slots)
        if (slot.state.load(std::memory_order_acquire) == kListed)
            ::unlink(slot.path);
}

} // namespace tessera
