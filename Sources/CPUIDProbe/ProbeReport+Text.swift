import Rendering
import XenSystem

extension ProbeReport {
    /// The human-readable report (`xen-detect report`). Package-internal, as the JSON is: the CLI
    /// renders, library users read the report's fields.
    package var text: String {
        var lines: [String] = []
        if xenDetected {
            let ctx = decision.typeText
            let ver = version.map { "\($0.major).\($0.minor)" } ?? "unknown version"
            let extra = sysfs?.isXen == true ? SysfsHypervisor.chopped(sysfs?.versionExtra) ?? "" : ""
            let dom = domain.map { ", \($0.rawValue)" } ?? ""
            let domFrom = domainSource.map { ", domain from \($0.description)" } ?? ""
            lines.append("Xen \(ver)\(extra): \(ctx) guest\(dom) (context from \(contextSource ?? "?")\(domFrom))")
        } else {
            lines.append("Xen: not detected")
        }
        if let xen {
            let h = xen.hypercall
            lines.append("  leaves        \(hex32(xen.range.leafBase))..\(hex32(xen.range.maxLeaf)) via \(xenView == .forcedEmulation ? "forced-emulation CPUID" : "CPUID")")
            lines.append("  hypercall     \(h.hypercallPages) page(s), MSR \(hex32(h.msrBase))")
            lines.append("  features      \(hex32(h.features1.rawValue))\(h.features1.contains(.mmuPTUpdatePreserveAD) ? " (MMU_PT_UPDATE_PRESERVE_AD)" : "")")
            if let t = xen.tsc {
                lines.append("  tsc           mode \(t.rawMode), guest \(t.guestKHz) kHz, host \(t.hostKHz) kHz, incarnation \(t.incarnation)")
            }
            if let hvm = xen.hvm {
                let names = XenHVMLeaf.Features.names.filter { hvm.features.contains($0.0) }.map(\.1)
                var s = "  hvm           \(names.isEmpty ? "no features" : names.joined(separator: " "))"
                if let v = hvm.vcpuID { s += ", vcpu \(v)" }
                if let d = hvm.domainID { s += ", domid \(d)" }
                lines.append(s)
            }
            if let pv = xen.pv { lines.append("  pv            machine address width \(pv.machineAddressWidth) bits") }
        }
        lines.append("Hypervisor stack (leaf order):")
        let stack = hypervisors
        if stack.isEmpty { lines.append("  none\(scan.hypervisorBit == false ? " (CPUID.1:ECX[31] clear)" : "")") }
        for r in stack {
            let view = (pvScan?.ranges.contains(r) == true && xenView == .forcedEmulation) ? "forced-emulation CPUID" : "CPUID"
            let name = padded(r.name, 10)
            let sig = padded("\"" + r.signature.description + "\"", 15)
            lines.append("  \(hex32(r.leafBase))  \(name) \(sig) max \(hex32(r.maxLeaf))  (\(view))")
        }
        if let kvm { lines.append("KVM features: \(kvm.featureList.joined(separator: " "))") }
        if let hyperV { lines.append("Hyper-V interface: \(hyperV.text)") }
        lines.append("CPUID executions: \(cpuidExecutions)\(forcedEmulationFaults > 0 ? " (+\(forcedEmulationFaults) faulted forced-emulation probe)" : "")")
        lines.append("Evidence (what was read, what it returned, the verdicts it fed):")
        lines += TextTable(evidence.map { e in
            [e.probe + (e.needsRoot ? " (root)" : ""), e.returned, e.feeds.isEmpty ? "-" : "→ " + e.feeds.map(\.rawValue).joined(separator: ", ")]
        }).lines(indent: "  ")
        return lines.joined(separator: "\n")
    }
}

private func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}
