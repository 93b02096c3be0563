// Hex forms the toolkit prints (JSON values and lines): package-internal, not API.

/// Lowercase hex of bytes, two digits each.
package func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// `0x40000000` style: 0x and eight lowercase hex digits.
package func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// A 16-byte handle in UUID form (8-4-4-4-12).
package func uuid(_ bytes: [UInt8]) -> String {
    let h = hexString(bytes)
    guard h.count == 32 else { return h }
    var out = ""
    for (i, c) in h.enumerated() {
        if i == 8 || i == 12 || i == 16 || i == 20 { out += "-" }
        out.append(c)
    }
    return out
}
