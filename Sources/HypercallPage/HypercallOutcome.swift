import XenInterface
import XenSystem

// How hypercall results print: one line for people, one JSON object for machines (the keys are
// documented in docs/hypercalls.md). The CLI only chooses which.

/// One hypercall's outcome, printable as a line or a JSON object
/// `{"hypercall","subop","rc","value"}` (plus "errno" when rc is an error).
public struct HypercallOutcome: Sendable {
    public let hypercall: String
    public let subop: String
    public let result: HypercallResult
    public let value: JSONValue
    public let text: String

    public var failed: Bool { result.errno != nil }

    public init(_ answer: XenVersionAnswer) {
        hypercall = HypercallNumber.xen_version.description
        subop = answer.op.name
        result = answer.result
        (value, text) = answer.value.map(HypercallOutcome.render) ?? (.null, "")
    }

    public init(_ query: ReadOnlyQuery, _ result: HypercallResult) {
        hypercall = query.hypercall.description
        subop = query.rawValue
        self.result = result
        if result.errno == nil, result.rc >= 0 {
            value = .int(result.rc)
            text = String(result.rc)
        } else {
            (value, text) = (.null, "")
        }
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("hypercall", .string(hypercall)), ("subop", .string(subop)), ("rc", .int(result.rc)), ("value", value),
        ]
        if let e = result.errno { members.append(("errno", .string(e.name))) }
        return .object(members)
    }

    public var line: String {
        let name = "\(hypercall) \(subop)"
        if let e = result.errno { return "\(name): -\(e.name) (\(e.text))" }
        return "\(name): \(text)"
    }

    /// The JSON value and the human text of a decoded answer.
    public static func render(_ value: XenVersionValue) -> (JSONValue, String) {
        switch value {
        case .version(let major, let minor):
            return (.object([("major", .uint(UInt64(major))), ("minor", .uint(UInt64(minor)))]), "\(major).\(minor)")
        case .text(let s):
            return (.string(s), s)
        case .compileInfo(let compiler, let by, let domain, let date):
            return (.object([("compiler", .string(compiler)), ("compileBy", .string(by)),
                             ("compileDomain", .string(domain)), ("compileDate", .string(date))]),
                    "\(compiler); by \(by)@\(domain); \(date)")
        case .platformParameters(let virtStart):
            return (.object([("virtStart", .uint(virtStart))]), "virt_start 0x\(String(virtStart, radix: 16))")
        case .features(let submaps):
            return (.array(submaps.map { .uint(UInt64($0)) }),
                    submaps.enumerated().map { "submap \($0.offset) 0x\(hex32($0.element))" }.joined(separator: ", "))
        case .pageSize(let size):
            return (.uint(size), String(size))
        case .handle(let bytes):
            let s = uuid(bytes)
            return (.string(s), s)
        case .buildID(let bytes):
            let s = hexString(bytes)
            return (.string(s), s)
        }
    }
}

/// Lowercase hex of bytes, two digits each.
public func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Eight lowercase hex digits.
public func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// A 16-byte handle in UUID form (8-4-4-4-12).
public func uuid(_ bytes: [UInt8]) -> String {
    let h = hexString(bytes)
    guard h.count == 32 else { return h }
    var out = ""
    for (i, c) in h.enumerated() {
        if i == 8 || i == 12 || i == 16 || i == 20 { out += "-" }
        out.append(c)
    }
    return out
}

extension HypercallPageReport {
    /// `{"flavor","verified","entries","anomalies"}`.
    public func json(verified: Bool) -> JSONValue {
        .object([
            ("flavor", flavor.map { .string($0.rawValue) } ?? .null),
            ("verified", .bool(verified)),
            ("entries", .number(entries.count)),
            ("anomalies", .array(anomalies.map { .string($0.description) })),
        ])
    }

    /// "svm flavor, 128 entries, verified", with the expected flavor when it differs.
    public func summary(verified: Bool, expected: HypercallStubFlavor? = nil) -> String {
        var s = "\(flavor?.rawValue ?? "unknown") flavor, \(entries.count) entries, \(verified ? "verified" : "NOT verified")"
        if let expected, flavor != expected { s += " (expected \(expected.rawValue))" }
        return s
    }

    /// The anomalies, indented, at most `limit` of them and a count of the rest.
    public func anomalyLines(limit: Int) -> [String] {
        var lines = anomalies.prefix(max(0, limit)).map { "  \($0)" }
        if anomalies.count > limit { lines.append("  ... \(anomalies.count - limit) more") }
        return lines
    }
}

extension InstalledPage {
    /// `{"installed","msr","gfn","backing","xenWrote","flavor","verified","kernelTaint","frameOnLRU",
    /// "userModeCall":{"hypercall","rax","errno"}|null,"anomalies"}`, plus `"page"` (hex) when asked.
    public func json(call: UserModeCall?, includePage: Bool = false) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("installed", .bool(true)),
            ("msr", .number(msr)),
            ("gfn", .number(gfn)),
            ("backing", .string(PrivcmdHypercaller.bufferDevicePath)),
            ("xenWrote", .bool(xenWrote)),
            ("flavor", report.flavor.map { .string($0.rawValue) } ?? .null),
            ("verified", .bool(verified)),
            ("kernelTaint", kernelTaint.map { .number($0) } ?? .null),
            ("frameOnLRU", frameOnLRU.map { .bool($0) } ?? .null),
            ("userModeCall", call.map {
                .object([
                    ("hypercall", .string($0.hypercall.description)),
                    ("rax", .int($0.rax)),
                    ("errno", $0.errno.map { .string($0.name) } ?? .null),
                ])
            } ?? .null),
            ("anomalies", .array(report.anomalies.map { .string($0.description) })),
        ]
        if includePage { members.append(("page", .string(hexString(bytes)))) }
        return .object(members)
    }

    /// The text report; with `includePage`, one hex line per 32-byte entry after it.
    public func lines(call: UserModeCall?, includePage: Bool = false) -> [String] {
        var lines = [
            "installed: wrote 0x\(String(msrValue, radix: 16)) (gfn 0x\(String(gfn, radix: 16)) << 12) to MSR 0x\(String(msr, radix: 16))",
            "page: a \(PrivcmdHypercaller.bufferDevicePath) page (its frame cannot move\(frameOnLRU == false ? "; not on the LRU, says /proc/kpageflags" : "")), frame unchanged after the write",
            "page: " + (xenWrote ? report.summary(verified: verified) : "still the canary: Xen wrote nothing into this frame, NOT verified"),
        ]
        if let kernelTaint {
            let s = kernelTaint & HypercallPageInstaller.taintCPUOutOfSpec != 0
            lines.append("kernel taint \(kernelTaint)\(s ? " (S: CPU out of spec, set by the msr driver's write)" : "")")
        }
        lines += report.anomalyLines(limit: 8)
        if let call {
            let e = call.errno.map { " = -\($0.name)" } ?? ""
            lines.append("user-mode call of entry \(call.hypercall.rawValue) (\(call.hypercall)): rax \(call.rax)\(e)")
        }
        if includePage {
            var offset = 0
            while offset < bytes.count {
                lines.append(hexString(Array(bytes[offset..<min(offset + HypercallStub.entrySize, bytes.count)])))
                offset += HypercallStub.entrySize
            }
        }
        return lines
    }
}
