// fuzz-options: -max_len=2048
// Fuzz target: struct decode and encode of every structure in XenInterface's catalog, in both
// ABIs (ABI32 / ABI64 layouts). Properties, for any bytes:
// - decode succeeds iff the buffer holds the structure (else .shortBuffer with the exact sizes),
//   decodeExactly iff the length is exact; errors are one line;
// - a decoded value fits every field, and encode(decode(b)) == b with the bytes no field covers
//   (padding) zeroed, and decode(encode(decode(b))) == decode(b);
// - for generated values: encode succeeds iff every value names a field, fits its width and has
//   no more elements than the field, and then decode(encode(x)) == x (fields not given read 0);
// - decode/encode at any offset (negative, past the end, near Int.max) is a clean error, never a trap.
import ABI32
import ABI64
import XenInterface

/// Every structure in every ABI it exists in, laid out once.
let codecLayouts: [StructLayout] = Catalog.structures.flatMap { d in
    d.architectures.map { $0 == .x86_32 ? d.layout32 : d.layout64 }
}

/// Bytes of `layout` that some field covers.
func covered(_ layout: StructLayout) -> [Bool] {
    var mask = [Bool](repeating: false, count: layout.size)
    for f in layout.fields { for i in f.offset..<(f.offset + f.size) { mask[i] = true } }
    return mask
}

func overlaps(_ a: LayoutField, _ b: LayoutField) -> Bool {
    a.offset < b.offset + b.size && b.offset < a.offset + a.size
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzABICodec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzBytes(data, size)
    let layout = codecLayouts[Int(UInt16(input.byte()) | UInt16(input.byte()) << 8) % codecLayouts.count]
    switch input.byte() % 3 {
    case 0:
        // Arbitrary bytes.
        let bytes = input.rest()
        do throws(ABIError) {
            let value = try layout.decode(bytes)
            require(bytes.count >= layout.size, "decoded \(layout.name) from \(bytes.count) bytes")
            for f in layout.fields {
                guard let elements = value.fields[f.path] else { require(false, "\(f.path) missing"); return 0 }
                require(elements.count == f.elementCount, "\(f.path): \(elements.count) elements")
                require(elements.allSatisfy(f.fits), "\(layout.name).\(f.path): decoded value does not fit")
            }
            require(value.fields.count == layout.fields.count, "decode gave fields the layout lacks")
            let encoded: [UInt8]
            do { encoded = try layout.encode(value) } catch {
                require(false, "encode(decode(b)) failed: \(error)"); return 0
            }
            let mask = covered(layout)
            for i in 0..<layout.size {
                require(encoded[i] == (mask[i] ? bytes[i] : 0), "\(layout.name) byte \(i) not reproduced")
            }
            require((try? layout.decode(encoded)) == value, "decode(encode(decode(b))) != decode(b)")
        } catch {
            require(error == .shortBuffer(structure: layout.name, needed: layout.size, got: bytes.count),
                    "\(layout.name): unexpected \(error) for \(bytes.count) bytes")
            require(bytes.count < layout.size, "short-buffer error for a long enough buffer")
        }
        do throws(ABIError) {
            _ = try layout.decodeExactly(bytes)
            require(bytes.count == layout.size, "decodeExactly took \(bytes.count) bytes")
        } catch {
            require(bytes.count == layout.size ? false : error == .wrongLength(structure: layout.name, expected: layout.size, got: bytes.count),
                    "decodeExactly: \(error)")
            require(!error.description.contains("\n"), "error spans lines")
        }
    case 1:
        // Generated values, some of them bad.
        var value = StructValue()
        var chosen: [LayoutField] = []
        var valid = true
        for f in layout.fields where input.remaining > 0 {
            let choice = input.byte()
            guard choice & 1 == 1, !chosen.contains(where: { overlaps($0, f) }) else { continue }
            var count = f.elementCount
            var fieldValid = true
            if choice & 0x0e == 0x0e { count += 1; fieldValid = false }  // one element too many
            if count > 64 { continue }  // large arrays (trap_ctxt[256]) stay out: not worth the input bytes
            var elements: [UInt64] = []
            for _ in 0..<count {
                var v = input.uint64()
                if choice & 0x30 != 0x30 {
                    // Make it fit: keep the field's width, sign-extended for a signed type.
                    let bits = UInt64(f.elementSize * 8)
                    if bits < 64 {
                        v &= (1 << bits) - 1
                        if f.scalar.isSigned, v >> (bits - 1) & 1 == 1 { v |= ~((1 << bits) - 1) }
                    }
                }
                if !f.fits(v) { fieldValid = false }
                elements.append(v)
            }
            valid = valid && fieldValid
            value.fields[f.path] = elements
            chosen.append(f)
        }
        if input.byte() == 0xff { value.fields["no_such_member"] = [0]; valid = false }
        do throws(ABIError) {
            let bytes = try layout.encode(value)
            require(valid, "encode accepted an invalid value for \(layout.name)")
            require(bytes.count == layout.size, "encoded size")
            guard let back = try? layout.decode(bytes) else { require(false, "decode of encoded bytes failed"); return 0 }
            for f in chosen {
                var expected = value.fields[f.path]!
                expected += [UInt64](repeating: 0, count: f.elementCount - expected.count)
                require(back.fields[f.path] == expected, "\(layout.name).\(f.path): decode(encode(x)) != x")
            }
            for f in layout.fields where !chosen.contains(where: { overlaps($0, f) }) {
                require(back.fields[f.path]!.allSatisfy { $0 == 0 }, "\(layout.name).\(f.path): not given, not zero")
            }
        } catch {
            require(!valid, "encode rejected a valid value: \(error)")
            switch error {
            case .tooManyElements(let s, let field, _, _), .valueOutOfRange(let s, let field, _, _), .unknownField(let s, let field):
                require(s == layout.name && value.fields[field] != nil, "error names \(s).\(field)")
            default:
                require(false, "unexpected encode error \(error)")
            }
            require(!error.description.contains("\n"), "error spans lines")
        }
    default:
        // Offsets anywhere, into buffers of any size.
        let offsets: [Int] = [Int(Int32(bitPattern: input.uint32())), Int.max - Int(input.byte()), Int.min + Int(input.byte()), Int(input.byte())]
        let bytes = [UInt8](repeating: 0xa5, count: Int(input.byte()) * 4)
        for offset in offsets {
            let fits = offset >= 0 && offset <= bytes.count && bytes.count - offset >= layout.size
            let decoded = try? layout.decode(bytes, at: offset)
            require((decoded != nil) == fits, "decode at \(offset) of \(bytes.count) bytes")
            var buffer = bytes
            let encoded = (try? layout.encode(StructValue(), into: &buffer, at: offset)) != nil
            require(encoded == fits, "encode at \(offset) of \(bytes.count) bytes")
            if !encoded { require(buffer == bytes, "a failed encode changed the buffer") }
        }
    }
    return 0
}
