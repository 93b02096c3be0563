/// Little-endian loads and stores that check no bounds, for loops whose every access was proven
/// in range before the loop started (XenCompat's batch translation: each step of a plan is
/// checked to lie inside its entry when the plan is built, and the batch's entries inside both
/// buffers before the loop). One unchecked access costs what a plain `mov` does; the checked
/// `Span` equivalents cost a compare and branch each, which made translation 3–5× slower than
/// memcpy (docs/abi-benchmarks.md, run 4 vs run 5).
///
/// Kept here, with the system layer's other unsafe code, so that no module above XenSystem says
/// `unsafe`. A caller that cannot prove its offsets in range must use `Span`'s checked accessors.
///
/// Not public API: SPI (`@_spi(UncheckedBytes) import XenSystem`), which only XenCompat imports.
/// It is SPI rather than `package` because a `package` function is not inlined into another
/// module of a release build, which made translation 3x slower than memcpy again (measured).
@_spi(UncheckedBytes) public enum UncheckedBytes {
    /// The 4 bytes at `offset`, little-endian, zero-extended. Requires offset + 4 <= span.count.
    @inlinable @inline(__always)
    public static func load4(_ span: Span<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: unsafe span.bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt32.self)))
    }

    /// The 8 bytes at `offset`, little-endian. Requires offset + 8 <= span.count.
    @inlinable @inline(__always)
    public static func load8(_ span: Span<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: unsafe span.bytes.unsafeLoadUnaligned(fromUncheckedByteOffset: offset, as: UInt64.self))
    }

    /// Stores `value` little-endian at `offset`. Requires offset + 4 <= span.byteCount.
    @inlinable @inline(__always)
    public static func store4(_ value: UInt32, _ span: inout MutableRawSpan, _ offset: Int) {
        unsafe span.storeBytes(of: value.littleEndian, toUncheckedByteOffset: offset, as: UInt32.self)
    }

    /// Stores `value` little-endian at `offset`. Requires offset + 8 <= span.byteCount.
    @inlinable @inline(__always)
    public static func store8(_ value: UInt64, _ span: inout MutableRawSpan, _ offset: Int) {
        unsafe span.storeBytes(of: value.littleEndian, toUncheckedByteOffset: offset, as: UInt64.self)
    }
}

extension UncheckedBytes {
    /// Runs `body` with the bytes of `array` as a mutable raw span, for the unchecked stores above.
    /// (MutableSpan.mutableBytes is unsafe for element types with invalid bit patterns; for
    /// UInt8 every pattern is valid.)
    @inlinable @inline(__always)
    public static func withMutableBytes<R, E: Error>(
        of array: inout [UInt8], _ body: (inout MutableRawSpan) throws(E) -> R
    ) throws(E) -> R {
        var span = array.mutableSpan
        var raw = unsafe span.mutableBytes
        return try body(&raw)
    }
}
