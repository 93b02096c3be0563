// abi-bench: translate 1,000,000 compat multicall_entry, mmu_update and mmuext_op entries to
// native and back (back both under this project's strict narrowing, the default, and under
// NarrowingPolicy.xen), next to a plain copy (memcpy) of the same bytes in the same run.
// Run: swift run -c release abi-bench [count]   (writes a Markdown table to stdout)
import XenCompat
import XenInterface

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let rounds = 15

/// Deterministic filler (SplitMix64) so every run translates the same bytes.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Best-of-`rounds` wall times of `first` and `second`, run alternately so that load from other
/// processes hits both alike; in nanoseconds.
func bestOfAlternating(_ first: () throws -> Int, _ second: () throws -> Int) rethrows -> (Double, Double, Int) {
    var fastest = (Double.infinity, Double.infinity)
    var check = 0
    let clock = ContinuousClock()
    func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
    for _ in 0..<rounds {
        var start = clock.now
        check &+= try first()
        fastest.0 = min(fastest.0, nanoseconds(clock.now - start))
        start = clock.now
        check &+= try second()
        fastest.1 = min(fastest.1, nanoseconds(clock.now - start))
    }
    return (fastest.0, fastest.1, check)
}

/// A plain copy of `bytes` into a preallocated buffer (Array's replaceSubrange is a memcpy here).
func plainCopy(_ bytes: [UInt8], into buffer: inout [UInt8]) -> Int {
    buffer.replaceSubrange(0..<bytes.count, with: bytes)
    return Int(buffer[bytes.count - 1])
}

func format(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

print("| structure | direction | bytes in → out per entry | translate ns/entry | translate GB/s | memcpy ns/entry | memcpy GB/s | ratio |")
print("|---|---|---|---|---|---|---|---|")
for name in ["multicall_entry", "mmu_update", "mmuext_op"] {
    let translator = try CompatCatalog.translator(name)
    var random = SplitMix64(state: 42)
    // Compat entries with random bytes: every compat value is representable natively.
    var compat = [UInt8](repeating: 0, count: translator.compat.size * count)
    for index in compat.indices { compat[index] = UInt8(truncatingIfNeeded: random.next()) }
    let native = try translator.toNative(batch: compat, count: count)

    var nativeBuffer = [UInt8](repeating: 0, count: translator.native.size * count)
    var compatBuffer = [UInt8](repeating: 0, count: translator.compat.size * count)
    // 64→32 is measured strict (this project's policy, range-checked) and xen (Xen's assignment).
    for (inward, narrowing) in [(true, NarrowingPolicy.strict), (false, .strict), (false, .xen)] {
        let input = inward ? compat : native
        let inputSize = inward ? translator.compat.size : translator.native.size
        let outputSize = inward ? translator.native.size : translator.compat.size
        // The copy moves as many bytes as the larger side of the translation.
        let (translateNs, copyNs, check) = try bestOfAlternating({
            if inward {
                try translator.toNative(batch: input, count: count, into: &nativeBuffer)
                return Int(nativeBuffer[nativeBuffer.count - 1])
            }
            try translator.toCompat(batch: input, count: count, into: &compatBuffer, narrowing: narrowing)
            return Int(compatBuffer[compatBuffer.count - 1])
        }, { plainCopy(native, into: &nativeBuffer) })
        _ = check
        let bytes = Double(max(inputSize, outputSize) * count)
        let direction = inward ? "32→64" : narrowing == .strict ? "64→32 strict" : "64→32 xen"
        print("| \(name) | \(direction) | \(inputSize) → \(outputSize) | "
            + "\(format(translateNs / Double(count), 2)) | \(format(bytes / translateNs, 2)) | "
            + "\(format(copyNs / Double(count), 2)) | \(format(bytes / copyNs, 2)) | "
            + "\(format(translateNs / copyNs, 2))× |")
    }
}
