// fuzz-options: -max_len=4096
// Fuzz target: compat translation (XenCompat.CompatTranslator) of every catalog structure that
// exists in both ABIs. Properties:
// - compat -> native -> compat is the identity on the carried bytes (padding reads back zero),
//   and never a rejection: every 32-bit value has a 64-bit home;
// - native -> compat succeeds iff every carried native value fits its 32-bit field (signed or
//   unsigned, checked here independently of the translator's plan) and every native-only member
//   is zero (under the strict policy, this project's); a rejection is .unrepresentable with
//   -ERANGE; on success native -> compat -> native gives back the carried native bytes;
// - a batch of N entries is the N single translations end to end; a negative or overflowing
//   count, a short input or a short output buffer is a clean .shortBuffer, never a trap;
// - the arrays behind guest handles (CompatHandleArrays): 32-bit elements widen to their
//   zero-extension; native elements narrow iff every one fits 32 bits, else the rejection names
//   the first one that does not (index and value); a partial element is .wrongLength;
// - under NarrowingPolicy.xen (a release picked by the input), native -> compat keeps the low
//   bytes of every carried value and is refused only when a member (or array) Xen checks holds
//   a value that does not fit; the rejection then names that member and Xen's reason.
import ABI32
import ABI64
import XenCompat
import XenInterface

let translators: [CompatTranslator] = Catalog.structures.compactMap { try? CompatTranslator($0) }

/// Reads `width` little-endian bytes at `offset`.
func load(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
    (0..<width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
}

/// The oracle for native -> compat: each carried value must fit, native-only members be zero.
func nativeFits(_ t: CompatTranslator, _ native: [UInt8]) -> Bool {
    for m in t.moves {
        for e in 0..<m.count {
            let v = load(native, m.nativeOffset + e * m.nativeWidth, m.nativeWidth)
            guard m.nativeWidth > m.compatWidth else { continue }
            let bits = UInt64(m.compatWidth * 8)
            if m.isSigned {
                let shift = UInt64(64 - m.nativeWidth * 8)
                let s = Int64(bitPattern: v << shift) >> Int64(shift)
                if s < -(Int64(1) << Int64(bits - 1)) || s >= Int64(1) << Int64(bits - 1) { return false }
            } else if v >> bits != 0 {
                return false
            }
        }
    }
    for f in t.nativeOnly {
        for i in f.offset..<(f.offset + f.size) where native[i] != 0 { return false }
    }
    return true
}

/// The oracle for native -> compat under NarrowingPolicy.xen: only the members Xen checks must fit.
func nativeFitsWhereXenChecks(_ t: CompatTranslator, _ native: [UInt8]) -> Bool {
    for m in t.moves where m.nativeWidth > m.compatWidth && t.xenNarrowing(of: m.path).refuses {
        for e in 0..<m.count where load(native, m.nativeOffset + e * m.nativeWidth, m.nativeWidth) >> UInt64(m.compatWidth * 8) != 0 {
            return false
        }
    }
    return true
}

/// The policy the input picks: strict half the time, else one of the modelled Xen releases.
func policy(_ byte: UInt8) -> NarrowingPolicy {
    byte & 1 == 0 ? .strict : .xen(XenRelease.allCases[Int(byte >> 1) % XenRelease.allCases.count])
}

/// Bytes each side's moves carry. A layout-identical structure is copied whole, padding included
/// (Xen only checks such layouts, it does not translate them).
func carriedMask(_ t: CompatTranslator, compat: Bool) -> [Bool] {
    if t.isLayoutIdentical { return [Bool](repeating: true, count: t.compat.size) }
    var mask = [Bool](repeating: false, count: compat ? t.compat.size : t.native.size)
    for m in t.moves {
        let (offset, width) = compat ? (m.compatOffset, m.compatWidth) : (m.nativeOffset, m.nativeWidth)
        for i in offset..<(offset + width * m.count) { mask[i] = true }
    }
    return mask
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzABITranslate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard !translators.isEmpty else { require(false, "no translators in the catalog"); return 0 }
    var input = FuzzBytes(data, size)
    let t = translators[Int(input.byte()) % translators.count]
    func padded(_ bytes: [UInt8], _ n: Int) -> [UInt8] { Array((bytes + [UInt8](repeating: 0, count: n)).prefix(n)) }

    switch input.byte() % 5 {
    case 0:
        let compat = padded(input.rest(), t.compat.size)
        guard let native = try? t.toNative(compat) else { require(false, "\(t.name): compat -> native rejected"); return 0 }
        require(native.count == t.native.size, "native size")
        guard let back = try? t.toCompat(native) else { require(false, "\(t.name): compat -> native -> compat rejected"); return 0 }
        let mask = carriedMask(t, compat: true)
        for i in 0..<compat.count {
            require(back[i] == (mask[i] ? compat[i] : 0), "\(t.name): 32->64->32 changed byte \(i)")
        }
    case 1:
        let narrowing = policy(input.byte())
        let native = padded(input.rest(), t.native.size)
        if narrowing != .strict {
            let expected = nativeFitsWhereXenChecks(t, native)
            do throws(ABIError) {
                let compat = try t.toCompat(native, narrowing: narrowing)
                require(expected, "\(t.name): xen mode translated a value Xen checks")
                for m in t.moves {
                    for e in 0..<m.count {
                        let low = min(m.compatWidth, m.nativeWidth)
                        require(load(compat, m.compatOffset + e * m.compatWidth, low)
                                == load(native, m.nativeOffset + e * m.nativeWidth, low),
                                "\(t.name).\(m.path)[\(e)]: xen mode did not keep the low bytes")
                    }
                }
            } catch {
                require(!expected, "\(t.name): xen mode rejected what Xen accepts: \(error)")
                guard case .unrepresentable(let s, let field, _, _, let xen) = error else {
                    require(false, "\(t.name): xen-mode rejection is \(error)"); return 0
                }
                require(s == t.name && xen.refuses && t.xenNarrowing(of: field).refuses, "xen-mode rejection \(error)")
            }
            return 0
        }
        let expected = nativeFits(t, native)
        do throws(ABIError) {
            let compat = try t.toCompat(native)
            require(expected, "\(t.name): a native value that does not fit was translated")
            guard let again = try? t.toNative(compat) else { require(false, "64->32->64 rejected"); return 0 }
            let mask = carriedMask(t, compat: false)
            for i in 0..<native.count {
                require(again[i] == (mask[i] ? native[i] : 0), "\(t.name): 64->32->64 changed byte \(i)")
            }
        } catch {
            require(!expected, "\(t.name): rejected a native value that fits: \(error)")
            guard case .unrepresentable(let s, _, _, let errno, _) = error else {
                require(false, "\(t.name): rejection is \(error), not .unrepresentable"); return 0
            }
            require(s == t.name && errno == CompatTranslator.unrepresentableErrno, "rejection \(error)")
            require(!error.description.contains("\n"), "error spans lines")
        }
    case 2:
        // Batches: a count from the input, possibly negative or huge.
        let raw = Int(truncatingIfNeeded: Int64(bitPattern: input.uint64()))
        // Small counts mostly, some over several blocks of entries, some absurd.
        let count = input.byte() & 1 == 0 ? raw & 127 : raw
        let bytes = input.rest()
        let needed = t.compat.size.multipliedReportingOverflow(by: count)
        let fits = count >= 0 && !needed.overflow && needed.partialValue <= bytes.count
        do throws(ABIError) {
            let out = try t.toNative(batch: bytes, count: count)
            require(fits, "batch of \(count) from \(bytes.count) bytes accepted")
            require(out.count == t.native.size * count, "batch output size")
            for e in 0..<count {
                let one = try t.toNative(Array(bytes[(e * t.compat.size)..<((e + 1) * t.compat.size)]))
                require(Array(out[(e * t.native.size)..<((e + 1) * t.native.size)]) == one, "batch entry \(e) differs")
            }
        } catch {
            require(!fits, "\(t.name): batch of \(count) rejected: \(error)")
            guard case .shortBuffer = error else { require(false, "batch rejection \(error)"); return 0 }
        }
    case 4:
        let array = CompatHandleArrays.all[Int(input.byte()) % CompatHandleArrays.all.count]
        let mode = input.byte()
        let widen = mode & 1 == 0
        let narrowing = policy(mode >> 1)
        // Under a Xen release that assigns without a check, narrowing keeps the low half.
        let truncates = if case let .xen(release) = narrowing { !array.xenNarrowing(release).refuses } else { false }
        let bytes = input.rest()
        let size = widen ? 4 : 8
        do throws(ABIError) {
            let out = widen ? try array.toNative(bytes) : try array.toCompat(bytes, narrowing: narrowing)
            require(bytes.count % size == 0, "\(array.name): a partial element was accepted")
            for e in 0..<(bytes.count / size) {
                if widen {
                    require(Array(out[(e * 8)..<(e * 8 + 4)]) == Array(bytes[(e * 4)..<(e * 4 + 4)])
                            && out[(e * 8 + 4)..<(e * 8 + 8)].allSatisfy { $0 == 0 }, "\(array.name): element \(e) widened wrong")
                } else {
                    require(truncates || bytes[(e * 8 + 4)..<(e * 8 + 8)].allSatisfy { $0 == 0 },
                            "\(array.name): element \(e) truncated")
                    require(Array(out[(e * 4)..<(e * 4 + 4)]) == Array(bytes[(e * 8)..<(e * 8 + 4)]), "\(array.name): element \(e)")
                }
            }
            if !widen && !truncates { require((try? array.toNative(out)) == bytes, "\(array.name): 64->32->64 changed") }
        } catch {
            require(!error.description.contains("\n"), "error spans lines")
            if bytes.count % size != 0 {
                guard case .wrongLength = error else { require(false, "\(array.name): partial element gave \(error)"); return 0 }
                return 0
            }
            require(!widen && !truncates, "\(array.name): widening, or a Xen release that truncates, rejected: \(error)")
            guard case .unrepresentableElement(let name, let index, let value, _) = error else {
                require(false, "\(array.name): rejection is \(error)"); return 0
            }
            let first = (0..<(bytes.count / 8)).first { load(bytes, $0 * 8, 8) >> 32 != 0 }
            require(name == array.name && index == first && value == load(bytes, index * 8, 8),
                    "\(array.name): rejection names element \(index), the first too wide is \(String(describing: first))")
        }
    default:
        // Into a caller's buffer of any size.
        let count = Int(input.byte() & 7)
        var output = [UInt8](repeating: 0x5a, count: Int(input.byte()) * 8)
        let bytes = input.rest()
        let fits = count * t.native.size <= bytes.count && count * t.compat.size <= output.count
        do throws(ABIError) {
            try t.toCompat(batch: bytes, count: count, into: &output)
            require(fits, "toCompat into \(output.count) bytes accepted")
        } catch {
            if case .shortBuffer = error { require(!fits, "short-buffer error when everything fits") }
            else { guard case .unrepresentable = error else { require(false, "into: \(error)"); return 0 } }
        }
    }
    return 0
}
