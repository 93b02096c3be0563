import Rendering

extension SelfTestFailure {
    /// The failure's keys, shared by both reports: verdict, errno, message.
    package static func jsonFields(_ failure: SelfTestFailure?) -> [(String, JSONValue)] {
        [
            ("verdict", .string(failure?.verdict ?? "passed")),
            ("errno", .optional(failure?.errnoName.map(JSONValue.string))),
            ("message", .optional(failure.map { .string($0.description) })),
        ]
    }
}

/// "12.3 µs", "1.20 ms": a latency for people.
func humanDuration(_ nanoseconds: Int64) -> String {
    if nanoseconds < 1_000_000 {
        let tenths = (nanoseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) µs"
    }
    let hundredths = (nanoseconds + 5_000) / 10_000
    let frac = hundredths % 100
    return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac) ms"
}

extension EventChannelReport {
    /// The JSON object `xen-detect event-channel selftest --json` prints (keys in the README).
    package var json: JSONValue {
        .object([("test", .string("event-channel")), ("passed", .bool(passed))]
            + SelfTestFailure.jsonFields(failure)
            + [
                ("remoteDomain", .string("DOMID_SELF")),
                ("unboundPort", .optional(unboundPort.map(JSONValue.number))),
                ("boundPort", .optional(boundPort.map(JSONValue.number))),
                ("bindNotification", .bool(bindNotification)),
                ("roundsRequested", .number(roundsRequested)),
                ("roundsCompleted", .number(roundsCompleted)),
                ("latencyNs", .object([
                    ("median", .optional(medianNanoseconds.map(JSONValue.number))),
                    ("min", .optional(minNanoseconds.map(JSONValue.number))),
                    ("max", .optional(maxNanoseconds.map(JSONValue.number))),
                ])),
                ("released", .bool(released)),
            ])
    }

    /// One line: "event-channel selftest: passed: ports 5 <-> 6 (DOMID_SELF loopback), 100 round
    /// trips, median 12.3 µs, max 40.1 µs; both ports unbound".
    public var line: String {
        var s = "event-channel selftest: \(passed ? "passed" : "FAILED (\(failure?.verdict ?? ""))"): "
        if let a = unboundPort, let b = boundPort {
            s += "ports \(a) <-> \(b) (DOMID_SELF loopback)"
        } else if let a = unboundPort {
            s += "port \(a) allocated, no second port bound"
        } else {
            s += "no port allocated"
        }
        s += ", \(roundsCompleted) of \(roundsRequested) round trips"
        if let median = medianNanoseconds, let max = maxNanoseconds {
            s += ", median \(humanDuration(median)), max \(humanDuration(max))"
        }
        if released { s += "; both ports unbound" } else if unboundPort != nil { s += "; its ports unbound on the way out" }
        return s
    }
}

extension GrantTableReport {
    /// The JSON object `xen-detect grant-table selftest --json` prints (keys in the README).
    package var json: JSONValue {
        .object([("test", .string("grant-table")), ("passed", .bool(passed))]
            + SelfTestFailure.jsonFields(failure)
            + [
                ("proof", .string(proof.rawValue)),
                ("mappingNotUsed", .optional(mappingNotUsed.map(JSONValue.string))),
                ("domain", .optional(domain.map { .number($0.id) })),
                ("domainSource", .optional(domain.map { .string($0.source.rawValue) })),
                ("grantReference", .optional(grantReference.map(JSONValue.number))),
                ("secondGrantReference", .optional(secondGrantReference.map(JSONValue.number))),
                ("mapped", .bool(mapped)),
                ("forward", .bool(forward)),
                ("backward", .bool(backward)),
                ("released", .bool(released)),
            ])
    }

    /// One line: "grant-table selftest: passed: grant 8 of domain 0 (capabilities) mapped back
    /// through gntdev; bytes cross both ways; unmapped and deallocated", or for the copy proof
    /// "... passed: Xen copied between grants 8 and 9 of domain 3 (cpuid) both ways (GNTTABOP_copy;
    /// mapping not tried: ...); deallocated".
    public var line: String {
        var s = "grant-table selftest: \(passed ? "passed" : "FAILED (\(failure?.verdict ?? ""))"): "
        let directions = forward && backward ? "both ways" : "first to second \(forward ? "ok" : "differs"), second to first \(backward ? "ok" : "differs")"
        switch (proof, grantReference, domain) {
        case (.mapping, let ref?, let domain?):
            s += "grant \(ref) of domain \(domain.id) (\(domain.source.rawValue))"
            s += mapped ? " mapped back through gntdev" : " not mapped"
            if mapped {
                s += forward && backward ? "; bytes cross both ways"
                    : "; granter to mapper \(forward ? "ok" : "differs"), mapper to granter \(backward ? "ok" : "differs")"
            }
        case (.copy, let ref?, let domain?):
            if let second = secondGrantReference {
                s += "Xen copied between grants \(ref) and \(second) of domain \(domain.id) (\(domain.source.rawValue)) \(passed ? "both ways" : directions) (GNTTABOP_copy"
            } else {
                s += "grant \(ref) of domain \(domain.id) (\(domain.source.rawValue)), no second grant (GNTTABOP_copy"
            }
            s += mappingNotUsed.map { "; mapping \($0)" } ?? ""
            s += ")"
        case (_, nil, let domain?):
            s += "nothing granted to domain \(domain.id)"
        case (_, _, nil):
            s += "domain id unknown"
        }
        if released { s += proof == .mapping ? "; unmapped and deallocated" : "; deallocated" }
        else if grantReference != nil { s += "; released on the way out" }
        return s
    }
}
