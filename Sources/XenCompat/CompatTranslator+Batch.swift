import ABI32
import ABI64
import XenInterface
@_spi(UncheckedBytes) import XenSystem

// The translation loops: one structure, or a batch run block by block with the steps the plan
// specialised (CompatTranslator.swift builds the plan; CompatTranslator+Refusal.swift names a refused value).
extension CompatTranslator {
    // MARK: One structure

    /// Compat (32-bit guest) bytes → native bytes.
    public func toNative(_ bytes: [UInt8]) throws(ABIError) -> [UInt8] {
        guard bytes.count == compat.size else {
            throw .wrongLength(structure: name, expected: compat.size, got: bytes.count)
        }
        return try toNative(batch: bytes, count: 1)
    }

    /// Native bytes → compat bytes. Under `.strict` (this project's policy, the default) a value
    /// that does not fit fails with -ERANGE rather than being truncated; under `.xen` it keeps its
    /// low bits unless Xen checks that member (`XenWriteBack`).
    public func toCompat(_ bytes: [UInt8], narrowing: NarrowingPolicy = .strict) throws(ABIError) -> [UInt8] {
        guard bytes.count == native.size else {
            throw .wrongLength(structure: name, expected: native.size, got: bytes.count)
        }
        return try toCompat(batch: bytes, count: 1, narrowing: narrowing)
    }

    // MARK: Arrays (multicall lists, mmu_update and mmuext_op batches)

    /// Translates `count` contiguous compat entries to native ones.
    public func toNative(batch bytes: [UInt8], count: Int) throws(ABIError) -> [UInt8] {
        try checkInput(bytes, count, entrySize: compat.size)
        var output = [UInt8](repeating: 0, count: native.size * count)
        try toNative(batch: bytes, count: count, into: &output)
        return output
    }

    /// Translates `count` contiguous native entries to compat ones; the first value refused
    /// (under `narrowing`, as for one entry) fails the whole batch.
    public func toCompat(batch bytes: [UInt8], count: Int, narrowing: NarrowingPolicy = .strict) throws(ABIError)
        -> [UInt8] {
        try checkInput(bytes, count, entrySize: native.size)
        var output = [UInt8](repeating: 0, count: compat.size * count)
        try toCompat(batch: bytes, count: count, into: &output, narrowing: narrowing)
        return output
    }

    /// `toNative` into a caller's buffer (reused across batches: no allocation per call).
    public func toNative(batch bytes: [UInt8], count: Int, into output: inout [UInt8]) throws(ABIError) {
        try run(inward, bytes, count, from: compat.size, to: native.size, into: &output)
    }

    /// `toCompat` into a caller's buffer; on failure the buffer's content is unspecified.
    public func toCompat(batch bytes: [UInt8], count: Int, into output: inout [UInt8],
                         narrowing: NarrowingPolicy = .strict) throws(ABIError) {
        let steps = narrowing == .strict ? outward : outwardXen
        try run(steps, bytes, count, from: native.size, to: compat.size, into: &output)
    }

    /// `count` entries of `entrySize` must be in `bytes` (and a negative or overflowing count is
    /// an error, not a trap). Both layouts are at most 2x apart, so the output size cannot overflow
    /// once the input size does not.
    func checkInput(_ bytes: [UInt8], _ count: Int, entrySize: Int) throws(ABIError) {
        let (needed, overflow) = entrySize.multipliedReportingOverflow(by: count)
        let (_, outputOverflow) = max(compat.size, native.size).multipliedReportingOverflow(by: count)
        guard count >= 0, !overflow, !outputOverflow, bytes.count >= needed else {
            throw .shortBuffer(structure: name, needed: overflow || count < 0 ? Int.max : needed, got: bytes.count)
        }
    }

    func run(_ steps: [Step], _ bytes: [UInt8], _ count: Int, from sourceSize: Int, to targetSize: Int,
                     into output: inout [UInt8]) throws(ABIError) {
        try checkInput(bytes, count, entrySize: sourceSize)
        let needed = sourceSize * count
        let produced = targetSize * count
        guard output.count >= produced else {
            throw .shortBuffer(structure: name, needed: produced, got: output.count)
        }
        if isLayoutIdentical {
            output.replaceSubrange(0..<needed, with: bytes[0..<needed])
            return
        }
        // A plan that is one run over the whole entry on both sides (mmuext_op inward: three
        // zero-extensions, cmd's padding folded in) is the same run over the whole batch: one
        // loop over count × repeats scalars, no per-entry dispatch.
        if steps.count == 1, var flat = steps.first, flat.load == 0, flat.store == 0,
           flat.repeats * flat.loadWidth == sourceSize, flat.repeats * flat.storeWidth == targetSize {
            flat.repeats *= count
            try runBlocks([flat], bytes.span, 1, from: needed, to: produced, entrySize: sourceSize, into: &output)
            return
        }
        try runBlocks(steps, bytes.span, count, from: sourceSize, to: targetSize, entrySize: sourceSize, into: &output)
    }

    /// The step loops over `count` entries of `sourceSize` → `targetSize` bytes. `entrySize` is
    /// the size of one source structure (the entries here may be a whole flattened batch), for
    /// naming the member of a failing value.
    func runBlocks(_ steps: [Step], _ source: Span<UInt8>, _ count: Int, from sourceSize: Int,
                           to targetSize: Int, entrySize: Int, into output: inout [UInt8]) throws(ABIError) {
        try UncheckedBytes.withMutableBytes(of: &output) { (target: inout MutableRawSpan) throws(ABIError) in
            // Blocks of entries, step by step within a block: the step's loop is chosen once per
            // block (not once per scalar), and a block stays in cache between steps.
            var first = 0
            while first < count {
                let entries = min(Self.blockEntries, count - first)
                let last = first + entries
                for step in steps {
                    let repeats = step.repeats
                    switch step.operation {
                    case .zero:
                        for entry in first..<last {
                            Self.store(0, &target, entry * targetSize + step.store, step.storeWidth)
                        }
                    case .copy4:
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                Self.store4(UInt32(truncatingIfNeeded: Self.load4(source, at)), &target, out)
                                at += 4; out += 4
                            }
                        }
                    case .copy8:
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                Self.store8(Self.load8(source, at), &target, out)
                                at += 8; out += 8
                            }
                        }
                    case .zeroExtend4To8:
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                Self.store8(Self.load4(source, at), &target, out)
                                at += 4; out += 8
                            }
                        }
                    case .signExtend4To8:
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                let value = Int64(Int32(truncatingIfNeeded: Self.load4(source, at)))
                                Self.store8(UInt64(bitPattern: value), &target, out)
                                at += 4; out += 8
                            }
                        }
                    case .narrow8To4:
                        // Branch-free over the block: OR the high halves together, and look for the
                        // first value that does not fit only when one does (the error path).
                        var high: UInt64 = 0
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                let value = Self.load8(source, at)
                                high |= Self.lostBits(value, signed: false)
                                Self.store4(UInt32(truncatingIfNeeded: value), &target, out)
                                at += 8; out += 4
                            }
                        }
                        if high != 0 { try failNarrowing(step, source, first..<last, sourceSize, entrySize) }
                    case .narrowSigned8To4:
                        // As above, for a signed value.
                        var bad: UInt64 = 0
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                let value = Self.load8(source, at)
                                let narrow = Int32(truncatingIfNeeded: value)
                                bad |= Self.lostBits(value, signed: true)
                                Self.store4(UInt32(bitPattern: narrow), &target, out)
                                at += 8; out += 4
                            }
                        }
                        if bad != 0 { try failNarrowing(step, source, first..<last, sourceSize, entrySize) }
                    case .truncate8To4:
                        // Xen's assignment (NarrowingPolicy.xen): the low half, unchecked.
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                Self.store4(UInt32(truncatingIfNeeded: Self.load8(source, at)), &target, out)
                                at += 8; out += 4
                            }
                        }
                    case .check:
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load
                            for _ in 0..<repeats {
                                let value = Self.load(source, at, step.loadWidth)
                                if value != 0 { throw refusal(at: (at - entry * sourceSize) % entrySize, value) }
                                at += step.loadWidth
                            }
                        }
                    case .general:
                        for entry in first..<last {
                            var at = entry * sourceSize + step.load, out = entry * targetSize + step.store
                            for _ in 0..<repeats {
                                var value = Self.load(source, at, step.loadWidth)
                                if step.loadWidth < step.storeWidth {
                                    if step.isSigned {
                                        let shift = UInt64(64 - step.loadWidth * 8)
                                        value = UInt64(bitPattern: Int64(bitPattern: value << shift) >> Int64(shift))
                                    }
                                } else if step.loadWidth > step.storeWidth && step.kind != .truncate
                                            && !Self.fits(value, step) {
                                    throw refusal(at: (at - entry * sourceSize) % entrySize, value)
                                }
                                Self.store(value, &target, out, step.storeWidth)
                                at += step.loadWidth; out += step.storeWidth
                            }
                        }
                    }
                }
                first += entries
            }
        }
    }

    /// Throws for the first value of a narrowing step, in entry order within the block, that does
    /// not fit its 32-bit field (the loops only learn that one did not).
    func failNarrowing(_ step: Step, _ source: Span<UInt8>, _ entries: Range<Int>, _ sourceSize: Int,
                               _ entrySize: Int) throws(ABIError) {
        for entry in entries {
            var at = entry * sourceSize + step.load
            for _ in 0..<step.repeats {
                let value = Self.load8(source, at)
                if Self.lostBits(value, signed: step.isSigned) != 0 {
                    throw refusal(at: (at - entry * sourceSize) % entrySize, value)
                }
                at += 8
            }
        }
    }


    /// Entries per block: small enough that a block of entries stays in L1 between steps
    /// (32 measured best of 8...1024 with abi-bench).
    static let blockEntries = 32

    // The specialised loops' loads and stores check no bounds (XenSystem.UncheckedBytes): every
    // step lies inside its entry on both sides (`Step.isInside`, checked when the plan is built)
    // and the batch's entries lie inside both buffers (checked by `run` before any loop).
    static func load4(_ span: Span<UInt8>, _ offset: Int) -> UInt64 { UncheckedBytes.load4(span, offset) }
    static func load8(_ span: Span<UInt8>, _ offset: Int) -> UInt64 { UncheckedBytes.load8(span, offset) }
    static func store4(_ value: UInt32, _ span: inout MutableRawSpan, _ offset: Int) { UncheckedBytes.store4(value, &span, offset) }
    static func store8(_ value: UInt64, _ span: inout MutableRawSpan, _ offset: Int) { UncheckedBytes.store8(value, &span, offset) }

    @inline(__always)
    static func fits(_ value: UInt64, _ step: Step) -> Bool {
        let bits = UInt64(step.storeWidth * 8)
        if step.isSigned {
            // The native value, read at its own width, must be the sign-extension of the compat width.
            let nativeShift = UInt64(64 - step.loadWidth * 8)
            let signed = Int64(bitPattern: value << nativeShift) >> Int64(nativeShift)
            let limit = Int64(1) << Int64(bits - 1)
            return signed >= -limit && signed < limit
        }
        return value >> bits == 0
    }

    /// A little-endian load; `extracting` checks the range once, so the byte reads need no
    /// further checks and the optimizer merges them into one load.
    @inline(__always)
    static func load(_ span: Span<UInt8>, _ offset: Int, _ width: Int) -> UInt64 {
        switch width {
        case 1: return UInt64(span[offset])
        case 2:
            let bytes = span.extracting(offset..<(offset + 2))
            return UInt64(bytes[0]) | UInt64(bytes[1]) << 8
        case 4:
            let bytes = span.extracting(offset..<(offset + 4))
            return UInt64(bytes[0]) | UInt64(bytes[1]) << 8 | UInt64(bytes[2]) << 16 | UInt64(bytes[3]) << 24
        default:
            let bytes = span.extracting(offset..<(offset + 8))
            return UInt64(bytes[0]) | UInt64(bytes[1]) << 8 | UInt64(bytes[2]) << 16 | UInt64(bytes[3]) << 24
                | UInt64(bytes[4]) << 32 | UInt64(bytes[5]) << 40 | UInt64(bytes[6]) << 48 | UInt64(bytes[7]) << 56
        }
    }

    @inline(__always)
    static func store(_ value: UInt64, _ span: inout MutableRawSpan, _ offset: Int, _ width: Int) {
        switch width {
        case 1: span.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
        case 2: span.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt16.self)
        case 4: span.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt32.self)
        default: span.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
        }
    }
}
