import Rendering
import XenInterface
import XenSystem

// How hypercall results print: one line for people, one JSON object for machines (the keys are
// documented in docs/hypercalls.md). The CLI only chooses which.

/// One hypercall's outcome, printable as a line or a JSON object
/// `{"hypercall","subop","rc","value","verdict"}` (plus "errno" when rc is an error, "features"
/// for get_features, and "reason" when the verdict is not "answered").
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

    /// The XENFEAT_* bits of a get_features answer, named as the running release names them
    /// (empty for the other sub-ops).
    package let features: [XenFeatureBit]

    /// The outcome of `answer` from a Xen of release `running` (nil when unknown): the release
    /// decides the verdict on a sub-op it lacks and which feature bits have names.
    package init(_ answer: XenVersionAnswer, running: XenRelease? = nil) {
        hypercall = HypercallNumber.xen_version.description
        subop = answer.op.name
        result = answer.result
        let bits: [XenFeatureBit]
        if case .features(let submaps)? = answer.value {
            bits = XenFeatureBit.set(in: submaps, release: running)
        } else {
            bits = []
        }
        features = bits
        (value, text) = answer.value.map { HypercallOutcome.render($0, features: bits) } ?? (.null, "")
        verdict = XenVersionPolicy.verdict(answer, running: running)
    }

    package init(_ query: ReadOnlyQuery, _ result: HypercallResult) {
        hypercall = query.hypercall.description
        subop = query.rawValue
        self.result = result
        features = []
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
        if !features.isEmpty { members.append(("features", .array(features.map(HypercallOutcome.json)))) }
        switch verdict {
        case .answered: members.append(("verdict", .string("answered")))
        case .refusedByPolicy(let reason): members += [("verdict", .string("refusedByPolicy")), ("reason", .string(reason))]
        case .notOffered(let reason): members += [("verdict", .string("notOffered")), ("reason", .string(reason))]
        case .failed(let reason): members += [("verdict", .string("failed")), ("reason", .string(reason))]
        }
        return .object(members)
    }

    package var line: String {
        let name = "\(hypercall) \(subop)"
        let answer = result.errno.map { "-\($0.name) (\($0.text))" } ?? text
        switch verdict {
        case .refusedByPolicy: return "\(name): \(answer) [refused by Xen's policy for this domain]"
        case .notOffered(let reason):
            // "not offered by Xen 4.17: ENOSYS", the reason's first clause.
            return "\(name): \(reason.split(separator: " (", maxSplits: 1).first.map(String.init) ?? reason)"
        case .failed where result.errno == nil: return "\(name): \(answer) [failed: the answer does not decode]"
        default: return "\(name): \(answer)"
        }
    }

    /// One feature bit as JSON: `{"bit","name","since"}`, name null for a bit the release does
    /// not name, since only for a name newer than the baseline.
    package static func json(_ bit: XenFeatureBit) -> JSONValue {
        var members: [(String, JSONValue)] = [("bit", .uint(UInt64(bit.number))), ("name", bit.name.map(JSONValue.string) ?? .null)]
        if let since = bit.since { members.append(("since", .string(since.description))) }
        return .object(members)
    }

    /// One feature bit for people: "dom0", "runstate_phys_area (4.20)", "bit 21 (unknown)".
    package static func text(_ bit: XenFeatureBit) -> String {
        guard let name = bit.name else { return "bit \(bit.number) (unknown)" }
        return bit.since.map { "\(name) (\($0))" } ?? name
    }

    /// The JSON value and the human text of a decoded answer; a get_features answer's text names
    /// `features` after the submaps.
    package static func render(_ value: XenVersionValue, features: [XenFeatureBit] = []) -> (JSONValue, String) {
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
            let names = features.isEmpty ? "" : ": " + features.map(text).joined(separator: " ")
            return (.array(submaps.map { .uint(UInt64($0)) }),
                    submaps.enumerated().map { "submap \($0.offset) \(hex32($0.element))" }.joined(separator: ", ") + names)
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
