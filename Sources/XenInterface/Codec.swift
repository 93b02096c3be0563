import XenSystem

/// The values of a structure's leaf fields, keyed by dotted path. Each element is the field's
/// bit pattern in 64 bits: unsigned types zero-extended, signed types sign-extended
/// (`UInt64(bitPattern: Int64(x))`). A field not present encodes as zero.
public struct StructValue: Sendable, Equatable {
    /// Dotted path (`arg1.mfn`, `trap_ctxt[3].vector`) → elements: one for a scalar, the array's
    /// length for an array of scalars.
    public var fields: [String: [UInt64]]

    /// A value with these fields (none by default: every field zero).
    public init(_ fields: [String: [UInt64]] = [:]) { self.fields = fields }

    /// The first (for a scalar, the only) element at `path`; setting stores one element, nil removes it.
    public subscript(_ path: String) -> UInt64? {
        get { fields[path]?.first }
        set { fields[path] = newValue.map { [$0] } }
    }
}

extension LayoutField {
    /// Widens a raw element read from memory to the 64-bit pattern (sign-extending signed types).
    @inline(__always)
    public func widen(_ raw: UInt64) -> UInt64 {
        let bits = elementSize * 8
        guard scalar.isSigned, bits < 64 else { return raw }
        let shift = UInt64(64 - bits)
        return UInt64(bitPattern: Int64(bitPattern: raw << shift) >> Int64(shift))
    }

    /// True when the 64-bit pattern `value` is representable in this field.
    @inline(__always)
    public func fits(_ value: UInt64) -> Bool {
        let bits = elementSize * 8
        if bits >= 64 { return true }
        if scalar.isSigned {
            let signed = Int64(bitPattern: value)
            let limit = Int64(1) << Int64(bits - 1)
            return signed >= -limit && signed < limit
        }
        return value >> UInt64(bits) == 0
    }
}

extension StructLayout {
    /// Decodes the structure from `bytes` starting at `offset`; a short buffer is an error.
    public func decode(_ bytes: [UInt8], at offset: Int = 0) throws(ABIError) -> StructValue {
        guard offset >= 0, bytes.count - offset >= size else {
            throw .shortBuffer(structure: name, needed: offset.addingReportingOverflow(size).partialValue, got: bytes.count)
        }
        var value = StructValue()
        value.fields.reserveCapacity(fields.count)
        for field in fields {
            let width = field.elementSize
            var elements: [UInt64] = []
            elements.reserveCapacity(field.elementCount)
            for index in 0..<field.elementCount {
                elements.append(field.widen(LittleEndian.load(bytes, offset + field.offset + index * width, width)))
            }
            value.fields[field.path] = elements
        }
        return value
    }

    /// Decodes exactly one structure: `bytes` must be exactly `size` long.
    public func decodeExactly(_ bytes: [UInt8]) throws(ABIError) -> StructValue {
        guard bytes.count == size else { throw .wrongLength(structure: name, expected: size, got: bytes.count) }
        return try decode(bytes)
    }

    /// Encodes `value` into a fresh buffer of `size` bytes (padding zero).
    public func encode(_ value: StructValue) throws(ABIError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        try encode(value, into: &bytes, at: 0)
        return bytes
    }

    /// Encodes `value` into `bytes` at `offset` (padding and absent fields zero); every value
    /// must name a field and fit its width.
    public func encode(_ value: StructValue, into bytes: inout [UInt8], at offset: Int) throws(ABIError) {
        guard offset >= 0, bytes.count - offset >= size else {
            throw .shortBuffer(structure: name, needed: offset.addingReportingOverflow(size).partialValue, got: bytes.count)
        }
        // Zero the whole structure first: union members overlap, so only present values are written.
        for index in offset..<(offset + size) { bytes[index] = 0 }
        var known = 0
        for field in fields {
            guard let elements = value.fields[field.path] else { continue }
            known += 1
            guard elements.count <= field.elementCount else {
                throw .tooManyElements(structure: name, field: field.path, count: elements.count,
                                       capacity: field.elementCount)
            }
            for (index, element) in elements.enumerated() {
                guard field.fits(element) else {
                    throw .valueOutOfRange(structure: name, field: field.path, value: element,
                                           bytes: field.elementSize)
                }
                LittleEndian.store(element, &bytes, offset + field.offset + index * field.elementSize,
                                   field.elementSize)
            }
        }
        if known != value.fields.count {
            let paths = Set(fields.map(\.path))
            let unknown = value.fields.keys.sorted().first { !paths.contains($0) } ?? ""
            throw .unknownField(structure: name, field: unknown)
        }
    }
}
