// A strict JSON reader (RFC 8259, integers only, as Rendering.JSONValue writes them), used to
// check that rendered JSON is well-formed and says what the value says. Written for the fuzz
// targets only; nil on anything malformed, trailing text included.
import Rendering

struct StrictJSONReader {
    private let s: [UInt8]
    private var i = 0

    init(_ text: String) { s = Array(text.utf8) }

    mutating func parseDocument() -> JSONValue? {
        guard let v = value() else { return nil }
        skipSpace()
        return i == s.count ? v : nil
    }

    private mutating func skipSpace() {
        while i < s.count, s[i] == 0x20 || s[i] == 0x0a || s[i] == 0x0d || s[i] == 0x09 { i += 1 }
    }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard s.count - i >= w.count, Array(s[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    private mutating func value() -> JSONValue? {
        skipSpace()
        guard i < s.count else { return nil }
        switch s[i] {
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < s.count, s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                guard let v = value() else { return nil }
                items.append(v)
                skipSpace()
                guard i < s.count else { return nil }
                if s[i] == UInt8(ascii: ",") { i += 1; continue }
                if s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                return nil
            }
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if i < s.count, s[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < s.count, s[i] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard i < s.count, s[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let v = value() else { return nil }
                members.append((key, v))
                skipSpace()
                guard i < s.count else { return nil }
                if s[i] == UInt8(ascii: ",") { i += 1; continue }
                if s[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                return nil
            }
        default:
            return number()
        }
    }

    private mutating func number() -> JSONValue? {
        let start = i
        if i < s.count, s[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while i < s.count, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }
        guard i > digits, !(i - digits > 1 && s[digits] == 0x30) else { return nil }
        let text = String(decoding: s[start..<i], as: UTF8.self)
        if let v = Int64(text) { return .int(v) }
        if let v = UInt64(text) { return .uint(v) }
        return nil
    }

    private mutating func string() -> String? {
        i += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() -> Bool {
            guard !raw.isEmpty else { return true }
            guard let text = String(validating: raw, as: UTF8.self) else { return false }
            scalars.append(contentsOf: text.unicodeScalars)
            raw = []
            return true
        }
        while i < s.count {
            let c = s[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                guard flush() else { return nil }
                return String(scalars)
            case UInt8(ascii: "\\"):
                guard flush(), i < s.count else { return nil }
                let e = s[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{c}")
                case UInt8(ascii: "u"):
                    guard s.count - i >= 4, let v = UInt32(String(decoding: s[i..<(i + 4)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(v) else { return nil }  // surrogates are never written
                    i += 4
                    scalars.append(scalar)
                default: return nil
                }
            default:
                guard c >= 0x20 else { return nil }  // control characters must be escaped
                raw.append(c)
            }
        }
        return nil
    }
}

extension JSONValue {
    /// Integers as the reader returns them: `.int` whenever the value fits Int64.
    var normalized: JSONValue {
        switch self {
        case .uint(let u): return Int64(exactly: u).map(JSONValue.int) ?? self
        case .array(let items): return .array(items.map(\.normalized))
        case .object(let members): return .object(members.map { ($0.0, $0.1.normalized) })
        default: return self
        }
    }
}
