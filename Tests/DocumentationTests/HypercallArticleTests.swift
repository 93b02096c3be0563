import CPUIDProbe
import Foundation
import HypercallPage
import HypercallPageInstall
import PrivcmdHypercalls
import Testing
import XenInterface
import XenSystem
import XenSystemTesting

/// Installs the hypercall page and calls `xen_version` through it: in your program `system` is
/// `LinuxSystem()`; in a test it is a `RecordingHypervisorSystem`.
func installAndAskTheVersion(system: any HypervisorCalls, target: InstallTarget) throws -> XenVersion {
    let installer = HypercallPageInstaller(system: system)
    let page = try installer.install(target, InstallRequest(writeEnabled: true))
    defer { page.release() }
    guard page.verified else { throw HypercallPageError(.system, "the page Xen wrote did not verify") }
    let call = try installer.callFromUserMode(page, hypercall: .xen_version,
                                              arguments: [UInt64(XENVER.version), 0])
    return XenVersion(eax: UInt32(truncatingIfNeeded: call.rax))
}

/// Asks Xen for its version through /dev/xen/privcmd, read-only calls only.
func askThroughPrivcmd(system: any HypervisorCalls) throws -> String {
    let privcmd = try PrivcmdHypercaller(system: system)
    let version = try privcmd.xenVersion(.version)
    let extra = try privcmd.xenVersion(.extraversion)
    guard case .version(let major, let minor)? = version.value, case .text(let suffix)? = extra.value else {
        throw HypercallError(.system, "xen_version: \(version.result), extraversion: \(extra.result)")
    }
    return "\(major).\(minor)\(suffix)"
}

/// The code of "Issue a hypercall and install the hypercall page safely" (HypercallPageInstall.docc).
@Suite struct HypercallArticleTests {
    /// The target from a PVH dom0 recorded in real Xen 4.17 (an AMD host: Xen writes `vmmcall` stubs).
    static func recordedTarget() throws -> InstallTarget {
        let path = PackageFiles.fixture("xen-4.17-pvh-dom0.cpuid")
        let dump = try CPUIDDump(parsing: try String(contentsOfFile: path, encoding: .utf8))
        let report = try ProbeReport.probe(source: dump.source(name: "xen-4.17-pvh-dom0")!, pv: nil, system: nil)
        let target = InstallTarget(report: report, cpuVendor: "AuthenticAMD")
        return target
    }

    @Test func theTargetComesFromDetection() throws {
        let target = try Self.recordedTarget()
        #expect(target.xenDetected && target.context == .hvm)  // offline, CPUID cannot tell PVH from HVM
        #expect(target.hypercallMSR == 0x4000_0000 && target.expectedFlavor == .svm)
    }

    @Test func refusedWritingNothing() throws {
        let target = try Self.recordedTarget()
        let system = RecordingHypervisorSystem()
        system.devices.formUnion(["/dev/cpu/0/msr", "/dev/xen/hypercall"])
        let installer = HypercallPageInstaller(system: system)
        for request in [InstallRequest(writeEnabled: false),             // no consent
                        InstallRequest(msr: 0x4000_0200, writeEnabled: true),  // not the MSR CPUID names
                        InstallRequest(pageIndex: 1, writeEnabled: true)] {   // Xen has page 0 only
            #expect {
                try installer.install(target, request)
            } throws: { error in
                (error as? HypercallPageError)?.kind == .refused
            }
        }
        #expect(system.pwrites.isEmpty && system.msrOpens.isEmpty)
    }

    @Test func aPVGuestIsRefusedToo() throws {
        var target = try Self.recordedTarget()
        target.context = .pv
        let system = RecordingHypervisorSystem()
        #expect(throws: HypercallPageError.self) {
            try HypercallPageInstaller(system: system).install(target, InstallRequest(writeEnabled: true))
        }
        #expect(system.pwrites.isEmpty && system.msrOpens.isEmpty)
    }

    @Test func installsAndCallsWithAFakeXen() throws {
        let target = try Self.recordedTarget()
        let xen = RecordingHypervisorSystem()
        xen.devices.formUnion(["/dev/cpu/0/msr", "/dev/xen/hypercall"])
        xen.xenPage = HypercallStub.expectedPage(.svm)   // what Xen writes on an AMD host
        xen.entryResult = 0x0004_0011                    // what the stub returns: Xen 4.17
        #expect(try installAndAskTheVersion(system: xen, target: target) == XenVersion(major: 4, minor: 17))
        #expect(xen.pwrites.count == 1)                  // the one MSR write, gfn << 12
        #expect(xen.unmapCount >= 1)                     // the page was released
    }

    @Test func privcmdReadOnlyCalls() throws {
        let xen = RecordingHypervisorSystem()
        xen.devices = ["/dev/xen/privcmd", "/dev/xen/hypercall"]
        xen.hypervisor = { op, arguments, write, _ in
            switch (op, arguments.first) {
            case (UInt64(HypercallNumber.xen_version.rawValue), UInt64(XENVER.version)):
                return 0x0004_0011
            case (UInt64(HypercallNumber.xen_version.rawValue), UInt64(XENVER.extraversion)):
                return write(arguments[1], Array(".7".utf8) + [0]) ? 0 : -14  // -EFAULT
            default:
                return -38                                                  // -ENOSYS
            }
        }
        #expect(try askThroughPrivcmd(system: xen) == "4.17.7")
        let privcmd = try PrivcmdHypercaller(system: xen)
        #expect(try privcmd.readOnly(.maximum_ram_page).errno == .ENOSYS)
        // Only the read-only set is issued: this one changes state, so it is never sent.
        #expect(HypercallEffect.of(.memory_op, subop: UInt64(XENMEM.decrease_reservation)) == .changesState)
    }

    @Test func noPrivcmdIsOneClearError() throws {
        let system = RecordingHypervisorSystem()   // no /dev/xen/privcmd: not Xen, or the driver is not loaded
        #expect {
            try PrivcmdHypercaller(system: system)
        } throws: { error in
            (error as? HypercallError)?.kind == .missing
        }
    }
}
