import CPUIDProbe
import HypercallPage
import HypercallPageInstall
import PrivcmdHypercalls
import XenSystem

/// Fills the installer's `InstallTarget` from the live CPUID probe (plain CPUID, then the
/// forced-emulation view for PV; sysfs for the context).
enum HypercallTarget {
    /// CPUID leaf 0's vendor string (EBX, EDX, ECX).
    static func vendor() -> String {
        let r = Processor.cpuid(leaf: 0, subleaf: 0)
        let bytes = [r.ebx, r.edx, r.ecx].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func detect(system: any SystemCalls) throws -> InstallTarget {
        let report = try ProbeReport.probe(source: NativeCPUID(), pv: ForcedEmulationCPUID(), system: system)
        return InstallTarget(report: report, cpuVendor: vendor())
    }
}
