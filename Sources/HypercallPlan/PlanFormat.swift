import XenInterface
import XenSystem

extension Architecture {
    /// The plan's ABI byte (guest/plan.h `abi`): 32 or 64. The test guest refuses a plan for the other ABI.
    package var planByte: UInt8 { UInt8(bits) }
    /// The ABI a plan's ABI byte names.
    package init?(planByte: UInt8) {
        guard let abi = Architecture.allCases.first(where: { $0.planByte == planByte }) else { return nil }
        self = abi
    }
    /// Bytes of a pointer (a guest handle) in this ABI.
    package var pointerWidth: Int { bits / 8 }
    /// Largest value one argument register carries.
    package var registerMax: UInt64 { self == .x86_32 ? UInt64(UInt32.max) : UInt64.max }
}

/// One argument register of a planned call.
package enum PlanArgument: Sendable, Equatable {
    /// A plain value, loaded as is.
    case value(UInt64)
    /// A pointer: the guest loads the address where it placed buffer `buffer`, plus `offset`.
    case pointer(buffer: Int, offset: UInt64 = 0)
}

/// A buffer the guest places, fills with the sentinel, then with `input`.
package struct PlanBuffer: Sendable, Equatable {
    /// Bytes the guest reserves and prints.
    package var size: Int
    /// Initial content, at most `size` bytes.
    package var input: [UInt8]
    /// 0 (the guest's default, 64 bytes) or a power of two up to `HypercallPlan.pageSize`: a
    /// page-aligned buffer is a guest frame of its own (`PlanRelocation.Kind.frame`).
    package var alignment: Int

    package init(size: Int, input: [UInt8] = [], alignment: Int = 0) {
        self.size = size
        self.input = input
        self.alignment = alignment
    }

    /// A whole guest frame: one page, page-aligned.
    package static var page: PlanBuffer { PlanBuffer(size: HypercallPlan.pageSize, alignment: HypercallPlan.pageSize) }
}

/// A value the guest stores inside a buffer before the first call: a pointer such as
/// `xen_memory_map.buffer`, or the frame number of a page-aligned buffer (an extent, a gpfn).
package struct PlanRelocation: Sendable, Equatable {
    /// What is stored (guest/plan.h `PLAN_RELOC_*`).
    package enum Kind: UInt8, Sendable {
        /// address(target) + addend.
        case address = 0
        /// (address(target) + addend) / page size: a guest frame number.
        case frame = 1
    }
    package var buffer: Int
    package var offset: Int
    package var target: Int
    package var addend: UInt32
    package var width: Int
    package var kind: Kind

    package init(buffer: Int, offset: Int, target: Int, addend: UInt32 = 0, width: Int, kind: Kind = .address) {
        self.buffer = buffer
        self.offset = offset
        self.target = target
        self.addend = addend
        self.width = width
        self.kind = kind
    }

    /// The value the guest stores, given where it placed the target.
    package func value(targetAddress: UInt64) -> UInt64 {
        let address = targetAddress + UInt64(addend)
        return kind == .frame ? address / UInt64(HypercallPlan.pageSize) : address
    }
}

/// One hypercall: its number, up to five argument registers, and the buffers printed after it.
package struct PlanCall: Sendable, Equatable {
    package var op: UInt32
    package var label: String
    package var arguments: [PlanArgument]
    package var buffers: Range<Int>

    package init(op: UInt32, label: String, arguments: [PlanArgument], buffers: Range<Int> = 0..<0) {
        self.op = op
        self.label = label
        self.arguments = arguments
        self.buffers = buffers
    }
}

/// A hypercall plan, the input of the test guest (guest/), format version 2
/// (docs/test-guest.md; the guest's copy is guest/plan.h).
package struct HypercallPlan: Sendable, Equatable {
    package static let magic: UInt32 = 0x4c50_4458  // "XDPL"
    package static let version: UInt16 = 2
    package static let headerSize = 32
    package static let callSize = 96
    package static let relocationSize = 16
    package static let bufferRecordSize = 16
    /// The largest buffer alignment; a frame number is an address divided by it (guest/plan.h).
    package static let pageSize = 4096
    /// Ops with this bit run in the guest, not in Xen (guest/plan.h `PLAN_OP_LOCAL`).
    package static let localOp: UInt32 = 0x8000_0000
    /// Copies arg2 bytes from pointer arg1 to pointer arg0, both inside their buffers.
    package static let opCopy: UInt32 = 0x8000_0000
    /// Prints the call's buffers and does nothing else.
    package static let opShow: UInt32 = 0x8000_0001
    package static let argumentCount = 5
    package static let labelSize = 32
    package static let notAPointer: UInt16 = 0xffff
    package static let maxCalls = 256
    package static let maxBuffers = 1024
    package static let maxBufferSize = 65536
    /// The guest calls entry `op` of the one-page hypercall page: 4096 / 32 entries.
    package static let maxOp: UInt32 = 127
    /// Default sentinel: neither 0 nor 0xff, which Xen writes often.
    package static let defaultSentinel: UInt8 = 0xa5

    package var abi: Architecture
    package var sentinel: UInt8
    package var calls: [PlanCall] = []
    package var buffers: [PlanBuffer] = []
    package var relocations: [PlanRelocation] = []

    package init(abi: Architecture, sentinel: UInt8 = HypercallPlan.defaultSentinel) {
        self.abi = abi
        self.sentinel = sentinel
    }

    /// Adds a buffer and returns its index.
    package mutating func addBuffer(_ buffer: PlanBuffer) -> Int {
        buffers.append(buffer)
        return buffers.count - 1
    }

    /// Checks every limit the guest checks, so that an encoded plan is never refused.
    package func validate() throws(PlanError) {
        guard calls.count <= Self.maxCalls else { throw .tooMany("calls", calls.count) }
        guard buffers.count <= Self.maxBuffers else { throw .tooMany("buffers", buffers.count) }
        guard relocations.count <= Self.maxBuffers else { throw .tooMany("relocations", relocations.count) }
        for (k, b) in buffers.enumerated() {
            guard b.size >= 0, b.size <= Self.maxBufferSize, b.input.count <= b.size else {
                throw .invalid("buffer \(k): size \(b.size), input \(b.input.count) bytes")
            }
            guard b.alignment >= 0, b.alignment <= Self.pageSize, b.alignment & (b.alignment - 1) == 0 || b.alignment == 0 else {
                throw .invalid("buffer \(k): alignment \(b.alignment)")
            }
        }
        for (r, rel) in relocations.enumerated() {
            guard buffers.indices.contains(rel.buffer), buffers.indices.contains(rel.target) else {
                throw .invalid("relocation \(r): no such buffer")
            }
            // A pointer is the ABI's width; a frame number may also be a 32-bit field (grant_entry_v1.frame).
            guard rel.width == abi.pointerWidth || (rel.kind == .frame && rel.width == 4), rel.offset >= 0,
                  rel.offset + rel.width <= buffers[rel.buffer].size else {
                throw .invalid("relocation \(r): \(rel.width) bytes at \(rel.offset) outside buffer \(rel.buffer)")
            }
        }
        for (i, call) in calls.enumerated() {
            guard call.op <= Self.maxOp || call.op == Self.opCopy || call.op == Self.opShow else {
                throw .invalid("call \(i): op \(call.op) is past the hypercall page")
            }
            if call.op == Self.opCopy {
                guard call.arguments.count >= 3, case .pointer(let to, let toAt) = call.arguments[0],
                      case .pointer(let from, let fromAt) = call.arguments[1], case .value(let n) = call.arguments[2],
                      buffers.indices.contains(to), buffers.indices.contains(from),
                      toAt + n <= UInt64(buffers[to].size), fromAt + n <= UInt64(buffers[from].size) else {
                    throw .invalid("call \(i): a copy needs two pointers inside their buffers and a length")
                }
            }
            guard call.arguments.count <= Self.argumentCount else {
                throw .invalid("call \(i): \(call.arguments.count) arguments, at most \(Self.argumentCount)")
            }
            guard call.buffers.lowerBound >= 0, call.buffers.upperBound <= buffers.count else {
                throw .invalid("call \(i): buffers \(call.buffers) outside the plan")
            }
            guard call.label.utf8.count < Self.labelSize,
                  call.label.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                throw .invalid("call \(i): label must be 1-31 printable characters without spaces")
            }
            for argument in call.arguments {
                switch argument {
                case .value(let v):
                    guard v <= abi.registerMax else {
                        throw .invalid("call \(i): value \(v) does not fit a \(abi.bits)-bit register")
                    }
                case .pointer(let k, let offset):
                    guard buffers.indices.contains(k) else { throw .invalid("call \(i): no buffer \(k)") }
                    guard offset <= UInt64(UInt32.max) else { throw .invalid("call \(i): offset \(offset)") }
                }
            }
        }
    }

    /// The plan as the guest reads it.
    package func encoded() throws(PlanError) -> [UInt8] {
        try validate()
        var body = ByteWriter()
        for call in calls {
            body.u32(call.op)
            body.u16(UInt16(call.buffers.lowerBound))
            body.u16(UInt16(call.buffers.count))
            let arguments = call.arguments + Array(repeating: .value(0), count: Self.argumentCount - call.arguments.count)
            for argument in arguments {
                if case .pointer(let k, _) = argument { body.u16(UInt16(k)) } else { body.u16(Self.notAPointer) }
            }
            body.u16(0)
            body.u32(0)
            for argument in arguments {
                switch argument {
                case .value(let v): body.u64(v)
                case .pointer(_, let offset): body.u64(offset)
                }
            }
            var label = Array(call.label.utf8)
            label += Array(repeating: 0, count: Self.labelSize - label.count)
            body.bytes(label)
        }
        for rel in relocations {
            body.u16(UInt16(rel.buffer))
            body.u16(UInt16(rel.target))
            body.u32(UInt32(rel.offset))
            body.u32(rel.addend)
            body.bytes([UInt8(rel.width), rel.kind.rawValue, 0, 0])
        }
        for buffer in buffers {
            body.u32(UInt32(buffer.size))
            body.u32(UInt32(buffer.input.count))
            body.u32(UInt32(buffer.alignment))
            body.u32(0)
            body.bytes(buffer.input)
            body.bytes(Array(repeating: 0, count: (8 - buffer.input.count % 8) % 8))
        }
        var header = ByteWriter()
        header.u32(Self.magic)
        header.u16(Self.version)
        header.bytes([abi.planByte, sentinel])
        header.u32(UInt32(calls.count))
        header.u32(UInt32(buffers.count))
        header.u32(UInt32(relocations.count))
        header.u32(UInt32(Self.headerSize + body.data.count))
        header.u32(0)
        header.u32(0)
        return header.data + body.data
    }

    /// Reads an encoded plan back, checking every field as the guest does.
    package init(decoding bytes: [UInt8]) throws(PlanError) {
        var r = ByteReader(bytes)
        guard try r.u32() == Self.magic else { throw .malformed("not a hypercall plan (magic)") }
        let version = try r.u16()
        guard version == Self.version else { throw .malformed("plan version \(version)") }
        guard let abi = Architecture(planByte: try r.u8()) else { throw .malformed("plan ABI") }
        self.init(abi: abi, sentinel: try r.u8())
        let callCount = Int(try r.u32()), bufferCount = Int(try r.u32()), relocationCount = Int(try r.u32())
        let total = Int(try r.u32())
        guard total == bytes.count else { throw .malformed("plan length \(total), file \(bytes.count) bytes") }
        guard callCount <= Self.maxCalls, bufferCount <= Self.maxBuffers, relocationCount <= Self.maxBuffers else {
            throw .malformed("plan counts")
        }
        try r.skip(8)
        for _ in 0..<callCount {
            let op = try r.u32()
            let first = Int(try r.u16()), count = Int(try r.u16())
            var refs: [UInt16] = []
            for _ in 0..<Self.argumentCount { refs.append(try r.u16()) }
            try r.skip(6)
            var arguments: [PlanArgument] = []
            for ref in refs {
                let v = try r.u64()
                arguments.append(ref == Self.notAPointer ? .value(v) : .pointer(buffer: Int(ref), offset: v))
            }
            let label = try r.take(Self.labelSize).prefix { $0 != 0 }
            calls.append(PlanCall(op: op, label: String(decoding: label, as: UTF8.self),
                                  arguments: arguments, buffers: first..<(first + count)))
        }
        for _ in 0..<relocationCount {
            let buffer = Int(try r.u16()), target = Int(try r.u16())
            let offset = Int(try r.u32()), addend = try r.u32()
            let width = Int(try r.u8())
            guard let kind = PlanRelocation.Kind(rawValue: try r.u8()) else { throw .malformed("relocation kind") }
            try r.skip(2)
            relocations.append(PlanRelocation(buffer: buffer, offset: offset, target: target, addend: addend,
                                              width: width, kind: kind))
        }
        for _ in 0..<bufferCount {
            let size = Int(try r.u32()), length = Int(try r.u32()), alignment = Int(try r.u32())
            try r.skip(4)
            let input = try r.take(length)
            try r.skip((8 - length % 8) % 8)
            buffers.append(PlanBuffer(size: size, input: input, alignment: alignment))
        }
        guard r.remaining == 0 else { throw .malformed("\(r.remaining) bytes after the last buffer") }
        try validate()
    }
}

/// Why a plan cannot be written or read.
package enum PlanError: ClassifiedError, Equatable {
    case tooMany(String, Int)
    case invalid(String)
    case malformed(String)
    case unknownCall(String)

    package var kind: FailureKind {
        switch self {
        case .unknownCall: .usage
        case .tooMany, .invalid, .malformed: .badInput
        }
    }

    package var description: String {
        switch self {
        case .tooMany(let what, let n): "plan has \(n) \(what), more than the guest takes"
        case .invalid(let why): "invalid plan: \(why)"
        case .malformed(let why): "malformed plan: \(why)"
        case .unknownCall(let name): "unknown plan call '\(name)'"
        }
    }
}

/// Little-endian byte writer.
struct ByteWriter {
    var data: [UInt8] = []
    mutating func u16(_ v: UInt16) { for i in 0..<2 { data.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { data.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { data.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func bytes(_ b: [UInt8]) { data += b }
}

/// Bounds-checked little-endian byte reader.
struct ByteReader {
    let bytes: [UInt8]
    var at = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var remaining: Int { bytes.count - at }

    mutating func take(_ n: Int) throws(PlanError) -> [UInt8] {
        guard n >= 0, n <= remaining else { throw .malformed("truncated at byte \(at)") }
        defer { at += n }
        return Array(bytes[at..<(at + n)])
    }
    mutating func skip(_ n: Int) throws(PlanError) { _ = try take(n) }
    mutating func u8() throws(PlanError) -> UInt8 { try take(1)[0] }
    mutating func u16() throws(PlanError) -> UInt16 { let b = try take(2); return UInt16(b[0]) | UInt16(b[1]) << 8 }
    mutating func u32() throws(PlanError) -> UInt32 {
        let b = try take(4)
        return b.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }
    mutating func u64() throws(PlanError) -> UInt64 {
        let b = try take(8)
        return b.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }
}
