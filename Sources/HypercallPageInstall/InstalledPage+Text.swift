import HypercallPage
import Rendering
import XenSystem

// How an installed page prints (keys in docs/hypercalls.md). Package-internal: the CLI renders.

extension InstalledPage {
    /// `{"installed","msr","gfn","backing","xenWrote","flavor","verified","kernelTaint","frameOnLRU",
    /// "userModeCall":{"hypercall","rax","errno"}|null,"anomalies"}`, plus `"page"` (hex) when asked.
    package func json(call: UserModeCall?, includePage: Bool = false) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("installed", .bool(true)),
            ("msr", .number(msr)),
            ("gfn", .number(gfn)),
            ("backing", .string(Privcmd.bufferDevicePath)),
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
    package func lines(call: UserModeCall?, includePage: Bool = false) -> [String] {
        var lines = [
            "installed: wrote 0x\(String(msrValue, radix: 16)) (gfn 0x\(String(gfn, radix: 16)) << 12) to MSR 0x\(String(msr, radix: 16))",
            "page: a \(Privcmd.bufferDevicePath) page (its frame cannot move\(frameOnLRU == false ? "; not on the LRU, says /proc/kpageflags" : "")), frame unchanged after the write",
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
