#include "models/loaders/restricted_unpickler.h"

#include "common/error.h"
#include "models/loaders/little_endian.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace tessera::pickle {
namespace {

// Containers nest this deep at most (a state dict wrapped in a checkpoint is ~5).
constexpr int kMaxDepth = 64;
constexpr size_t kMaxGlobalName = 256;
constexpr int kMaxDims = 16;

// What the budget charges, in bytes of the memory each thing really takes.
// A value: the Value and make_shared's control block with allocator overhead.
constexpr uint64_t kValueBytes = sizeof(Value) + 32;
// A pointer in a vector (the stack, a container's items): twice its size, as
// a doubling vector holds up to twice what it uses.
constexpr uint64_t kSlotBytes = 2 * sizeof(ValuePtr);
constexpr uint64_t kEntryBytes = 2 * sizeof(std::pair<ValuePtr, ValuePtr>);
// A memo entry: an unordered_map node (key, pointer, link, hash) and its bucket.
constexpr uint64_t kMemoBytes = 64;

// The storage classes torch.save names in persistent ids, with their dtypes.
struct StorageType {
    const char* name;
    at::ScalarType dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", at::kFloat},   {"torch.HalfStorage", at::kHalf},
    {"torch.BFloat16Storage", at::kBFloat16}, {"torch.DoubleStorage", at::kDouble},
    {"torch.LongStorage", at::kLong},     {"torch.IntStorage", at::kInt},
    {"torch.ShortStorage", at::kShort},   {"torch.CharStorage", at::kChar},
    {"torch.ByteStorage", at::kByte},     {"torch.BoolStorage", at::kBool},
};

// Callables we recognise; REDUCE interprets them, nothing is ever called.
constexpr const char* kAllowedCallables[] = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
};

class Unpickler {
public:
    Unpickler(const uint8_t* data, size_t size, const std::string& context, MemoryBudget& budget)
        : m_data(data), m_size(size), m_context(context), m_budget(budget)
    {
    }

    Unpickled run();

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error(ErrorCode::InvalidModel,
                    m_context + ": invalid pickle at byte " + std::to_string(m_pos) + ": " + what);
    }
    [[noreturn]] void refuse(const std::string& global) const
    {
        throw Error(ErrorCode::InvalidModel, m_context + ": refused to load: the file references " + global
                                                 + ", which torch.save never writes for weights");
    }

    // Every allocation of the unpickler is charged here first.
    void charge(uint64_t bytes)
    {
        if (!m_budget.take(bytes))
            throw Error(ErrorCode::InvalidModel,
                        m_context + ": the pickle builds more objects than a file of its size can describe (over "
                            + std::to_string(m_budget.total() >> 20) + " MiB)");
    }

    const uint8_t* take(size_t n)
    {
        if (n > m_size - m_pos)
            fail("truncated (needs " + std::to_string(n) + " more bytes)");
        const uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    uint64_t takeLe(int n) { return readLe(take(size_t(n)), n); }
    std::string takeString(uint64_t n)
    {
        if (n > m_size - m_pos)
            fail("string of " + std::to_string(n) + " bytes runs past the end of the data");
        charge(n);
        const uint8_t* p = take(size_t(n));
        return std::string(reinterpret_cast<const char*>(p), size_t(n));
    }
    std::string takeLine()
    {
        std::string line;
        while (true) {
            const char c = char(*take(1));
            if (c == '\n')
                return line;
            line.push_back(c);
            if (line.size() > kMaxGlobalName)
                fail("global name too long");
        }
    }

    ValuePtr make(Kind kind)
    {
        charge(kValueBytes);
        auto v = std::make_shared<Value>();
        v->kind = kind;
        return v;
    }
    void push(ValuePtr v)
    {
        charge(kSlotBytes);
        m_stack.push_back(std::move(v));
    }
    ValuePtr pop()
    {
        if (m_stack.size() <= markFloor())
            fail("stack underflow");
        ValuePtr v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }
    ValuePtr& top()
    {
        if (m_stack.size() <= markFloor())
            fail("stack underflow");
        return m_stack.back();
    }
    size_t markFloor() const { return m_marks.empty() ? 0 : m_marks.back(); }
    std::vector<ValuePtr> popToMark()
    {
        if (m_marks.empty())
            fail("no MARK on the stack");
        const size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<ValuePtr> items(m_stack.begin() + std::ptrdiff_t(mark), m_stack.end());
        m_stack.resize(mark);
        return items;
    }

    // Places `child` inside `parent`. A container that is already nested is
    // never modified: torch.save fills containers before nesting them, and the
    // rule keeps the value graph acyclic with an exact depth bound.
    void adopt(Value& parent, const ValuePtr& child)
    {
        if (parent.embedded)
            fail("modifies a container after nesting it");
        child->embedded = true;
        parent.depth = std::max(parent.depth, child->depth + 1);
        if (parent.depth > kMaxDepth)
            fail("containers nested deeper than " + std::to_string(kMaxDepth));
    }
    ValuePtr makeTuple(std::vector<ValuePtr> items)
    {
        ValuePtr t = make(Kind::Tuple);
        for (const ValuePtr& item : items) {
            charge(kSlotBytes);
            adopt(*t, item);
        }
        t->items = std::move(items);
        return t;
    }
    void setItems(Value& dict, std::vector<ValuePtr> kv)
    {
        if (dict.kind != Kind::Dict)
            fail("SETITEM(S) on something that is not a dict");
        if (kv.size() % 2 != 0)
            fail("SETITEMS with an odd number of items");
        for (size_t i = 0; i < kv.size(); i += 2) {
            charge(kEntryBytes);
            adopt(dict, kv[i]);
            adopt(dict, kv[i + 1]);
            dict.entries.emplace_back(kv[i], kv[i + 1]);
        }
    }
    void appendItems(Value& list, std::vector<ValuePtr> items)
    {
        if (list.kind != Kind::List)
            fail("APPEND(S) on something that is not a list");
        for (const ValuePtr& item : items) {
            charge(kSlotBytes);
            adopt(list, item);
            list.items.push_back(item);
        }
    }

    ValuePtr global(const std::string& module, const std::string& name)
    {
        const std::string full = module + "." + name;
        bool allowed = std::any_of(std::begin(kAllowedCallables), std::end(kAllowedCallables),
                                   [&](const char* n) { return full == n; });
        allowed = allowed || std::any_of(std::begin(kStorageTypes), std::end(kStorageTypes),
                                         [&](const StorageType& s) { return full == s.name; });
        if (!allowed)
            refuse(full);
        ValuePtr g = make(Kind::Global);
        g->text = full;
        return g;
    }

    ValuePtr persistentLoad(const ValuePtr& pid);
    ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args);
    ValuePtr rebuildTensor(const std::vector<ValuePtr>& args);
    int64_t intArg(const ValuePtr& v, const char* what)
    {
        if (v->kind == Kind::Int)
            return v->integer;
        if (v->kind == Kind::Bool)
            return v->boolean ? 1 : 0;
        fail(std::string("expected an integer for ") + what);
    }

    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
    std::string m_context;
    MemoryBudget& m_budget;
    std::vector<ValuePtr> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, ValuePtr> m_memo;
    std::vector<StorageRef> m_storages;
};

ValuePtr Unpickler::persistentLoad(const ValuePtr& pid)
{
    // ('storage', torch.FloatStorage, key, location, numel[, view_metadata])
    if (pid->kind != Kind::Tuple || pid->items.size() < 5 || pid->items.size() > 6)
        fail("persistent id is not a storage tuple");
    const auto& it = pid->items;
    if (it[0]->kind != Kind::String || it[0]->text != "storage")
        fail("persistent id is not a storage");
    if (it[1]->kind != Kind::Global)
        fail("storage type is not a torch storage class");
    const auto type = std::find_if(std::begin(kStorageTypes), std::end(kStorageTypes),
                                   [&](const StorageType& s) { return it[1]->text == s.name; });
    if (type == std::end(kStorageTypes))
        fail("storage type " + it[1]->text + " is not a storage class");
    if (it[2]->kind != Kind::String || it[3]->kind != Kind::String)
        fail("storage key or location is not a string");
    ValuePtr storage = make(Kind::Storage);
    charge(2 * (sizeof(StorageRef) + it[2]->text.size())); // the key in the value and in m_storages
    storage->storage.key = it[2]->text;
    storage->storage.dtype = type->dtype;
    storage->storage.numel = intArg(it[4], "storage size");
    if (storage->storage.numel < 0 || uint64_t(storage->storage.numel) > uint64_t(1) << 48)
        fail("storage size out of range");
    if (it.size() == 6 && it[5]->kind != Kind::None) {
        // Legacy view of a root storage: (view_key, offset, view_size).
        const ValuePtr& view = it[5];
        if (view->kind != Kind::Tuple || view->items.size() != 3)
            fail("malformed storage view");
        const int64_t offset = intArg(view->items[1], "view offset");
        const int64_t viewSize = intArg(view->items[2], "view size");
        if (offset < 0 || viewSize < 0 || offset > storage->storage.numel
            || viewSize > storage->storage.numel - offset)
            fail("storage view outside its root storage");
        storage->storage.viewOffset = offset;
        storage->storage.numel = offset + viewSize;
    }
    m_storages.push_back(storage->storage);
    return storage;
}

ValuePtr Unpickler::rebuildTensor(const std::vector<ValuePtr>& args)
{
    if (args.size() < 4 || args[0]->kind != Kind::Storage || args[2]->kind != Kind::Tuple
        || args[3]->kind != Kind::Tuple)
        fail("_rebuild_tensor with unexpected arguments");
    ValuePtr tensor = make(Kind::Tensor);
    charge(args[0]->storage.key.size() + (args[2]->items.size() + args[3]->items.size()) * sizeof(int64_t));
    TensorRef& ref = tensor->tensor;
    ref.storage = args[0]->storage;
    ref.offset = intArg(args[1], "storage offset");
    for (const ValuePtr& v : args[2]->items)
        ref.sizes.push_back(intArg(v, "tensor size"));
    for (const ValuePtr& v : args[3]->items)
        ref.strides.push_back(intArg(v, "tensor stride"));
    if (ref.sizes.size() != ref.strides.size() || ref.sizes.size() > size_t(kMaxDims))
        fail("tensor sizes and strides disagree");
    // The view must lie inside the storage: offset + sum((size - 1) * stride) < numel.
    const int64_t available = ref.storage.numel - ref.storage.viewOffset;
    bool empty = false;
    for (int64_t s : ref.sizes)
        empty = empty || s == 0;
    __int128 last = ref.offset;
    for (size_t i = 0; i < ref.sizes.size(); ++i) {
        if (ref.sizes[i] < 0 || ref.strides[i] < 0)
            fail("negative tensor size or stride");
        if (ref.sizes[i] > 0)
            last += __int128(ref.sizes[i] - 1) * ref.strides[i];
    }
    if (ref.offset < 0 || (!empty && last >= available))
        fail("tensor view reaches past the end of its storage (" + std::to_string(available) + " elements)");
    return tensor;
}

ValuePtr Unpickler::reduce(const ValuePtr& callable, const ValuePtr& args)
{
    if (callable->kind != Kind::Global)
        fail("REDUCE on something that is not an allowed callable");
    if (args->kind != Kind::Tuple)
        fail("REDUCE arguments are not a tuple");
    const std::string& name = callable->text;
    const std::vector<ValuePtr>& a = args->items;
    if (name == "collections.OrderedDict") {
        ValuePtr dict = make(Kind::Dict);
        if (a.size() == 1 && a[0]->kind == Kind::List) {
            for (const ValuePtr& pair : a[0]->items) {
                if (pair->kind != Kind::Tuple || pair->items.size() != 2)
                    fail("OrderedDict items are not pairs");
                setItems(*dict, {pair->items[0], pair->items[1]});
            }
        } else if (!a.empty()) {
            fail("OrderedDict with unexpected arguments");
        }
        return dict;
    }
    if (name == "torch._utils._rebuild_tensor" || name == "torch._utils._rebuild_tensor_v2")
        return rebuildTensor(a);
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
        if (a.empty() || a[0]->kind != Kind::Tensor)
            fail("_rebuild_parameter without a tensor");
        return a[0];
    }
    // A storage class called directly: torch.save never does this.
    refuse(name + "()");
}

Unpickled Unpickler::run()
{
    while (true) {
        const uint8_t op = *take(1);
        switch (op) {
        case 0x80: // PROTO
            if (*take(1) > 5)
                fail("unknown pickle protocol");
            break;
        case 0x95: // FRAME: a length hint only
            take(8);
            break;
        case '.': { // STOP
            if (m_stack.size() != 1 || !m_marks.empty())
                fail("STOP with " + std::to_string(m_stack.size()) + " values on the stack");
            return {m_stack.back(), m_pos, m_storages};
        }
        case '(':
            charge(2 * sizeof(size_t));
            m_marks.push_back(m_stack.size());
            break;
        case '0': pop(); break;
        case '1': popToMark(); break;
        case '2': push(top()); break;
        case 'N': push(make(Kind::None)); break;
        case 0x88:
        case 0x89: {
            ValuePtr b = make(Kind::Bool);
            b->boolean = op == 0x88;
            push(b);
            break;
        }
        case 'J': case 'K': case 'M': {
            ValuePtr v = make(Kind::Int);
            if (op == 'J')
                v->integer = int32_t(uint32_t(takeLe(4)));
            else
                v->integer = int64_t(takeLe(op == 'K' ? 1 : 2));
            push(v);
            break;
        }
        case 0x8a: case 0x8b: { // LONG1, LONG4: little-endian two's complement
            const uint64_t n = op == 0x8a ? takeLe(1) : takeLe(4);
            if (n > 1024)
                fail("integer of " + std::to_string(n) + " bytes");
            const std::string bytes = takeString(n);
            ValuePtr v;
            if (n <= 8) {
                v = make(Kind::Int);
                uint64_t u = 0;
                for (size_t i = 0; i < n; ++i)
                    u |= uint64_t(uint8_t(bytes[i])) << (8 * i);
                if (n > 0 && n < 8 && (uint8_t(bytes[n - 1]) & 0x80))
                    u |= ~uint64_t(0) << (8 * n); // sign-extend
                v->integer = int64_t(u);
            } else {
                v = make(Kind::BigInt);
                v->text = bytes;
            }
            push(v);
            break;
        }
        case 'G': { // BINFLOAT: big-endian double
            const uint8_t* p = take(8);
            uint64_t u = 0;
            for (int i = 0; i < 8; ++i)
                u = (u << 8) | p[i];
            ValuePtr v = make(Kind::Float);
            std::memcpy(&v->real, &u, 8);
            push(v);
            break;
        }
        case 'X': case 0x8c: case 0x8d: case 'T': case 'U': case 'B': case 'C': case 0x8e: {
            uint64_t n = 0;
            switch (op) {
            case 0x8c: case 'U': case 'C': n = takeLe(1); break;
            case 0x8d: case 0x8e: n = takeLe(8); break;
            default: n = takeLe(4); break;
            }
            ValuePtr v = make(op == 'B' || op == 'C' || op == 0x8e ? Kind::Bytes : Kind::String);
            v->text = takeString(n);
            push(v);
            break;
        }
        case ')': push(makeTuple({})); break;
        case 0x85: case 0x86: case 0x87: {
            const size_t n = size_t(op - 0x84);
            if (m_stack.size() < markFloor() + n)
                fail("stack underflow");
            std::vector<ValuePtr> items(m_stack.end() - std::ptrdiff_t(n), m_stack.end());
            m_stack.resize(m_stack.size() - n);
            push(makeTuple(std::move(items)));
            break;
        }
        case 't': push(makeTuple(popToMark())); break;
        case ']': push(make(Kind::List)); break;
        case 'l': {
            ValuePtr list = make(Kind::List);
            appendItems(*list, popToMark());
            push(list);
            break;
        }
        case '}': push(make(Kind::Dict)); break;
        case 'd': {
            ValuePtr dict = make(Kind::Dict);
            setItems(*dict, popToMark());
            push(dict);
            break;
        }
        case 'a': {
            ValuePtr item = pop();
            appendItems(*top(), {item});
            break;
        }
        case 'e': {
            std::vector<ValuePtr> items = popToMark();
            appendItems(*top(), std::move(items));
            break;
        }
        case 's': {
            ValuePtr value = pop();
            ValuePtr key = pop();
            setItems(*top(), {key, value});
            break;
        }
        case 'u': {
            std::vector<ValuePtr> kv = popToMark();
            setItems(*top(), std::move(kv));
            break;
        }
        case 'q': case 'r': case 0x94: { // BINPUT, LONG_BINPUT, MEMOIZE
            const uint64_t index = op == 'q' ? takeLe(1) : op == 'r' ? takeLe(4) : m_memo.size();
            charge(kMemoBytes);
            m_memo[index] = top();
            break;
        }
        case 'h': case 'j': {
            const uint64_t index = op == 'h' ? takeLe(1) : takeLe(4);
            const auto found = m_memo.find(index);
            if (found == m_memo.end())
                fail("memo entry " + std::to_string(index) + " read before it was written");
            push(found->second);
            break;
        }
        case 'c': { // GLOBAL "module\nname\n"
            const std::string module = takeLine();
            const std::string name = takeLine();
            push(global(module, name));
            break;
        }
        case 0x93: { // STACK_GLOBAL
            ValuePtr name = pop();
            ValuePtr module = pop();
            if (module->kind != Kind::String || name->kind != Kind::String)
                fail("STACK_GLOBAL with non-string names");
            push(global(module->text, name->text));
            break;
        }
        case 'Q': { // BINPERSID
            ValuePtr pid = pop();
            push(persistentLoad(pid));
            break;
        }
        case 'R': {
            ValuePtr args = pop();
            ValuePtr callable = pop();
            push(reduce(callable, args));
            break;
        }
        case 'b': { // BUILD: state of an OrderedDict (its _metadata) or a tensor; not needed
            ValuePtr state = pop();
            const Kind target = top()->kind;
            if (target != Kind::Dict && target != Kind::Tensor)
                fail("BUILD on an object other than a dict or tensor");
            break;
        }
        case 'i': { // INST names a class inline
            const std::string module = takeLine();
            const std::string name = takeLine();
            refuse(module + "." + name);
        }
        case 0x81: case 0x92: case 'o':
            fail("object construction (NEWOBJ/OBJ) is not allowed in weight files");
        case 0x82: case 0x83: case 0x84:
            fail("extension registry opcodes are not allowed in weight files");
        default: {
            static const char* hex = "0123456789abcdef";
            fail(std::string("unsupported opcode 0x") + hex[op >> 4] + hex[op & 15]);
        }
        }
    }
}

} // namespace

MemoryBudget::MemoryBudget(uint64_t fileSize)
    : m_total(std::min(uint64_t(1) << 30, (uint64_t(64) << 20) + 2 * std::min(fileSize, uint64_t(1) << 40)))
    , m_left(m_total)
{
}

bool MemoryBudget::take(uint64_t bytes)
{
    if (bytes > m_left)
        return false;
    m_left -= bytes;
    return true;
}

Unpickled unpickle(const uint8_t* data, size_t size, const std::string& context, MemoryBudget& budget)
{
    Unpickler unpickler(data, size, context, budget);
    return unpickler.run();
}

ValuePtr dictGet(const Value& dict, const std::string& key)
{
    if (dict.kind != Kind::Dict)
        return nullptr;
    for (const auto& [k, v] : dict.entries)
        if (k->kind == Kind::String && k->text == key)
            return v;
    return nullptr;
}

} // namespace tessera::pickle
