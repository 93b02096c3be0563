import XenInterface
import XenSystem

/// What the test guest reported for one call of a plan.
package struct GuestCallResult: Sendable, Equatable {
    package let index: Int
    package let op: UInt32
    package let label: String
    /// The argument registers as the guest loaded them (pointers relocated).
    package let registers: [UInt64]
    /// The return register, sign-extended from the ABI's width.
    package let returned: Int64
    /// The buffers printed after the call, by plan buffer index.
    package let buffers: [Int: [UInt8]]
}

/// The results file of one test-guest boot (scripts/xen-stage/testguest-extract.awk;
/// format in docs/test-guest.md): `kind key=value ...` records, one per line.
package struct GuestResults: Sendable, Equatable {
    package let abi: Architecture
    /// `ok`, `error` (the guest refused the plan) or `no-end-marker` (it never finished).
    package let status: String
    /// The 4096-byte hypercall page the guest installed, if it printed one.
    package let hypercallPage: [UInt8]?
    /// XENVER_version as the guest read it before the plan (`xen version=`): major << 16 | minor.
    package let xenVersion: UInt32?
    package let calls: [GuestCallResult]
    /// `XDG error` lines: why the guest refused the plan.
    package let errors: [String]
    /// Where the guest placed each plan buffer (`place` records), by buffer index.
    package let placements: [Int: UInt64]

    /// The call with `label`, if the guest ran it.
    package func call(_ label: String) -> GuestCallResult? { calls.first { $0.label == label } }

    package init(parsing text: String) throws(PlanError) {
        var abi: Architecture?
        var status = "no-end-marker"
        var page: [UInt8]?
        var xenVersion: UInt32?
        var calls: [GuestCallResult] = []
        var errors: [String] = []
        var placements: [Int: UInt64] = [:]
        var pending: (index: Int, op: UInt32, label: String, registers: [UInt64], returned: Int64)?
        var buffers: [Int: [UInt8]] = [:]

        func flush() {
            if let p = pending {
                calls.append(GuestCallResult(index: p.index, op: p.op, label: p.label, registers: p.registers,
                                             returned: p.returned, buffers: buffers))
            }
            pending = nil
            buffers = [:]
        }

        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let words = line.split(separator: " ")
            guard let kind = words.first else { continue }
            var fields: [String: Substring] = [:]
            for word in words.dropFirst() {
                guard let eq = word.firstIndex(of: "=") else { continue }
                fields[String(word[..<eq])] = word[word.index(after: eq)...]
            }
            func need(_ key: String) throws(PlanError) -> Substring {
                guard let v = fields[key] else { throw .malformed("results line \(lineIndex + 1): no \(key)=") }
                return v
            }
            func number(_ key: String) throws(PlanError) -> UInt64 {
                let v = try need(key)
                guard let n = parseNumber(v) else { throw .malformed("results line \(lineIndex + 1): bad \(key)=\(v)") }
                return n
            }
            // An index becomes an Int: a value past Int.max is malformed, not a trap.
            func index(_ key: String) throws(PlanError) -> Int {
                guard let n = Int(exactly: try number(key)) else {
                    throw .malformed("results line \(lineIndex + 1): \(key)= out of range")
                }
                return n
            }
            switch kind {
            case "guest":
                guard let raw = UInt8(try need("abi")), let a = Architecture(planByte: raw) else {
                    throw .malformed("results line \(lineIndex + 1): bad abi")
                }
                abi = a
                status = String(try need("status"))
            case "page":
                page = try hexBytes(try need("hex"), line: lineIndex + 1)
            case "xen":
                guard let v = UInt32(exactly: try number("version")) else {
                    throw .malformed("results line \(lineIndex + 1): version= out of range")
                }
                xenVersion = v
            case "place":
                placements[try index("index")] = try number("addr")
            case "error":
                errors.append(words.dropFirst().joined(separator: " "))
            case "call":
                flush()
                var registers: [UInt64] = []
                for text in try need("regs").split(separator: ",") {
                    guard let n = parseNumber(text) else { throw .malformed("results line \(lineIndex + 1): bad regs=") }
                    registers.append(n)
                }
                guard let signed = Int64(try need("signed")) else {
                    throw .malformed("results line \(lineIndex + 1): bad signed=")
                }
                pending = (try index("index"), UInt32(truncatingIfNeeded: try number("op")),
                           String(try need("label")), registers, signed)
            case "buffer":
                guard pending != nil, try number("call") == UInt64(pending!.index) else {
                    throw .malformed("results line \(lineIndex + 1): buffer outside its call")
                }
                let bytes = try hexBytes(try need("hex"), line: lineIndex + 1)
                guard UInt64(bytes.count) == (try number("size")) else {
                    throw .malformed("results line \(lineIndex + 1): buffer size and hex disagree")
                }
                buffers[try index("index")] = bytes
            default:
                continue
            }
        }
        flush()
        guard let abi else { throw .malformed("results: no guest line") }
        self.abi = abi
        self.status = status
        self.hypercallPage = page
        self.xenVersion = xenVersion
        self.calls = calls
        self.errors = errors
        self.placements = placements
    }
}

/// "0x1f" or "31".
func parseNumber(_ s: Substring) -> UInt64? {
    if s.hasPrefix("0x") { return UInt64(s.dropFirst(2), radix: 16) }
    return UInt64(s)
}

func hexBytes(_ s: Substring, line: Int) throws(PlanError) -> [UInt8] {
    let digits = Array(s.utf8)
    guard digits.count % 2 == 0 else { throw .malformed("results line \(line): odd hex length") }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var i = 0
    while i < digits.count {
        guard let hi = hexValue(digits[i]), let lo = hexValue(digits[i + 1]) else {
            throw .malformed("results line \(line): bad hex")
        }
        bytes.append(hi << 4 | lo)
        i += 2
    }
    return bytes
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
}
