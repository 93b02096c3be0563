/// A JSON value written by hand (no Foundation): objects keep their key order.
enum HypercallJSON: Equatable {
    case object([(String, HypercallJSON)])
    case array([HypercallJSON])
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case bool(Bool)
    case null

    static func == (a: HypercallJSON, b: HypercallJSON) -> Bool { a.rendered == b.rendered }

    var rendered: String {
        switch self {
        case .object(let members):
            return "{" + members.map { "\(HypercallJSON.quote($0.0)):\($0.1.rendered)" }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.rendered).joined(separator: ",") + "]"
        case .string(let s): return HypercallJSON.quote(s)
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .null: return "null"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let h = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
