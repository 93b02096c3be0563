import ArgumentParser
import HypercallPage
import XenSystem

/// `xen-detect hypercall ...`: read-only hypercalls through /dev/xen/privcmd.
struct HypercallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypercall",
        abstract: "Issue read-only Xen hypercalls through /dev/xen/privcmd (root, in a Xen guest).",
        subcommands: [XenVersionSubcommand.self, HypercallSelftest.self]
    )
}

/// `xen-detect hypercall xen_version SUBOP [--json]`.
struct XenVersionSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xen_version",
        abstract: "One XENVER_ sub-op of public/version.h.",
        discussion: "SUBOP: " + XenVersionOp.allCases.map(\.name).joined(separator: ", ")
    )

    @Argument(help: "The sub-op without XENVER_ (e.g. version, capabilities, build_id).")
    var subop: String

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard let op = XenVersionOp(name: subop) else {
            throw HypercallPageError(.usage, "unknown xen_version sub-op '\(subop)' (one of: \(XenVersionOp.allCases.map(\.name).joined(separator: ", ")))")
        }
        let caller = try PrivcmdHypercaller(system: LinuxSystem())
        let row = HypercallRow(try caller.xenVersion(op))
        print(json ? row.json.rendered : row.line)
        if row.failed { throw ExitCode(ExitStatus.hypercallFailed.rawValue) }
    }
}

/// `xen-detect hypercall selftest [--json]`: the whole read-only set.
struct HypercallSelftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Every xen_version sub-op, memory_op maximum_ram_page and current_reservation, sched_op yield."
    )

    @Flag(name: .long, help: "Print a JSON list of result objects.")
    var json = false

    func run() throws {
        let caller = try PrivcmdHypercaller(system: LinuxSystem())
        var rows: [HypercallRow] = []
        for op in XenVersionOp.allCases { rows.append(HypercallRow(try caller.xenVersion(op))) }
        for query in ReadOnlyQuery.allCases { rows.append(HypercallRow(query, try caller.readOnly(query))) }
        if json {
            print(JSONValue.array(rows.map(\.json)).rendered)
        } else {
            for row in rows { print(row.line) }
        }
        if rows.contains(where: \.failed) { throw ExitCode(ExitStatus.hypercallFailed.rawValue) }
    }
}

/// One hypercall's outcome, printable as a line or a JSON object
/// `{"hypercall","subop","rc","value"}` (plus "errno" when rc is an error).
struct HypercallRow {
    let hypercall: String
    let subop: String
    let result: HypercallResult
    let value: JSONValue
    let text: String

    var failed: Bool { result.errno != nil }

    init(_ answer: XenVersionAnswer) {
        hypercall = HypercallNumber.xen_version.description
        subop = answer.op.name
        result = answer.result
        (value, text) = answer.value.map(HypercallRow.render) ?? (.null, "")
    }

    init(_ query: ReadOnlyQuery, _ result: HypercallResult) {
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

    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("hypercall", .string(hypercall)), ("subop", .string(subop)), ("rc", .int(result.rc)), ("value", value),
        ]
        if let e = result.errno { members.append(("errno", .string(e.name))) }
        return .object(members)
    }

    var line: String {
        let name = "\(hypercall) \(subop)"
        if let e = result.errno { return "\(name): -\(e.name) (\(e.text))" }
        return "\(name): \(text)"
    }

    /// The JSON value and the human text of a decoded answer.
    static func render(_ value: XenVersionValue) -> (JSONValue, String) {
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
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Eight lowercase hex digits.
func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// A 16-byte handle in UUID form (8-4-4-4-12).
func uuid(_ bytes: [UInt8]) -> String {
    let h = hexString(bytes)
    guard h.count == 32 else { return h }
    var out = ""
    for (i, c) in h.enumerated() {
        if i == 8 || i == 12 || i == 16 || i == 20 { out += "-" }
        out.append(c)
    }
    return out
}
