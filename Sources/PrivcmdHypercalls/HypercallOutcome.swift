import Rendering
import XenInterface
import XenSystem

// How hypercall results print: one line for people, one JSON object for machines (the keys are
// documented in docs/hypercalls.md). The CLI only chooses which.

/// One hypercall's outcome, printable as a line or a JSON object
/// `{"hypercall","subop","rc","value","verdict"}` (plus "errno" when rc is an error and "reason"
/// when the verdict is not "answered").
package struct HypercallOutcome: Sendable {
    package let hypercall: String
    package let subop: String
    package let result: HypercallResult
    package let value: JSONValue
    package let text: String
    /// Answered, refused by Xen's policy, or failed (`XenVersionPolicy`).
    package let verdict: CallVerdict

    /// True when Xen returned an error (what `hypercall xen_version` exits 3 for).
    package var failed: Bool { result.errno != nil }

    package init(_ answer: XenVersionAnswer) {
        hypercall = HypercallNumber.xen_version.description
        subop = answer.op.name
        result = answer.result
        (value, text) = answer.value.map(HypercallOutcome.render) ?? (.null, "")
        verdict = XenVersionPolicy.verdict(answer)
    }

    package init(_ query: ReadOnlyQuery, _ result: HypercallResult) {
        hypercall = query.hypercall.description
        subop = query.rawValue
        self.result = result
        verdict = XenVersionPolicy.verdict(result)
        if result.errno == nil, result.rc >= 0 {
            value = .int(result.rc)
            text = String(result.rc)
        } else {
            (value, text) = (.null, "")
        }
    }

    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("hypercall", .string(hypercall)), ("subop", .string(subop)), ("rc", .int(result.rc)), ("value", value),
        ]
        if let e = result.errno { members.append(("errno", .string(e.name))) }
        switch verdict {
        case .answered: members.append(("verdict", .string("answered")))
        case .refusedByPolicy(let reason): members += [("verdict", .string("refusedByPolicy")), ("reason", .string(reason))]
        case .failed(let reason): members += [("verdict", .string("failed")), ("reason", .string(reason))]
        }
        return .object(members)
    }

    package var line: String {
        let name = "\(hypercall) \(subop)"
        let answer = result.errno.map { "-\($0.name) (\($0.text))" } ?? text
        switch verdict {
        case .refusedByPolicy: return "\(name): \(answer) [refused by Xen's policy for this domain]"
        case .failed where result.errno == nil: return "\(name): \(answer) [failed: the answer does not decode]"
        default: return "\(name): \(answer)"
        }
    }

    /// The JSON value and the human text of a decoded answer.
    package static func render(_ value: XenVersionValue) -> (JSONValue, String) {
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
                    submaps.enumerated().map { "submap \($0.offset) \(hex32($0.element))" }.joined(separator: ", "))
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
