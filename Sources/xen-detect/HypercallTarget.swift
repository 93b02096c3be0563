import CPUIDProbe
import HypercallPage
import HypercallPageInstall
import PrivcmdHypercalls
import XenSystem

/// Fills the installer's `InstallTarget` from the live CPUID probe (plain CPUID, then the
/// forced-emulation view for PV; sysfs for the context).
enum HypercallTarget {
    /// CPUID leaf 0's vendor string (plain CPUID always answers leaf 0).
    static func vendor() -> String { (try? CPUVendor.read(from: NativeCPUID())) ?? "" }

    static func detect(system: any SystemCalls) throws -> InstallTarget {
        let report = try ProbeReport.probe(source: NativeCPUID(), pv: ForcedEmulationCPUID(), system: system)
        return InstallTarget(report: report, cpuVendor: vendor())
    }
}
