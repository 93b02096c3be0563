/// Little-endian scalar access on byte arrays (x86 byte order, as Xen and the guest store them):
/// the one encoder and decoder of the toolkit. `load`/`store` leave bounds to the caller; `bytes`
/// and `value` are for whole scalars.
package enum LittleEndian {
    /// The bytes of `value`, least significant first.
    package static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// The `T` in the first bytes of `bytes`; nil when there are fewer.
    package static func value<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.count >= size else { return nil }
        return bytes.prefix(size).reversed().reduce(T(0)) { $0 << 8 | T($1) }
    }

    @inline(__always)
    package static func load(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = size - 1
        while index >= 0 {
            value = value << 8 | UInt64(bytes[offset + index])
            index -= 1
        }
        return value
    }

    @inline(__always)
    package static func store(_ value: UInt64, _ bytes: inout [UInt8], _ offset: Int, _ size: Int) {
        var rest = value
        for index in 0..<size {
            bytes[offset + index] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
        }
    }
}
