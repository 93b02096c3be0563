import Testing
import HypercallPage
import HypercallPageInstall
@testable import PrivcmdHypercalls
import Rendering
import XenInterface
import XenSystem
import XenSystemTesting

/// A domU's privcmd without unrestricted=1 (the kernel answers every hypercall with EPERM)
/// against Xen refusing only what it refuses an unprivileged guest (XSM_PRIV sub-ops).
private func privcmd(kernelBlocks: Bool) -> RecordingHypervisorSystem {
    let fake = RecordingHypervisorSystem()
    fake.devices = ["/dev/xen/privcmd", "/dev/xen/hypercall"]
    fake.hypervisor = { op, args, _, _ in
        if kernelBlocks { return -1 }  // -EPERM from the ioctl, before Xen
        switch (op, args.first ?? 0) {
        case (17, 0): return 0x0004_0011      // XENVER_version: 4.17
        case (17, 9), (17, 10): return -1     // commandline, build_id: XSM_PRIV, -EPERM from Xen
        default: return 0
        }
    }
    return fake
}

struct KernelBlockedHypercallTests {
    @Test func versionRefusedMeansTheKernelBlocks() throws {
        let caller = try PrivcmdHypercaller(system: privcmd(kernelBlocks: true))
        #expect(try caller.kernelBlocks(caller.xenVersion(.version)))
        #expect(try caller.kernelBlocks(caller.xenVersion(.commandline)))
    }

    @Test func xenRefusingOneSubopIsNotTheKernel() throws {
        let fake = privcmd(kernelBlocks: false)
        let caller = try PrivcmdHypercaller(system: fake)
        let answer = try caller.xenVersion(.commandline)
        #expect(answer.result.errno == .EPERM)
        let before = fake.calls.count
        #expect(try !caller.kernelBlocks(answer))
        // One XENVER_version was asked to tell the two apart.
        let asked = fake.calls.dropFirst(before).compactMap { if case .hypercall(_, let a) = $0 { a } else { nil } }
        #expect(asked == [[0, 0]])
    }

    @Test func successIsNeverBlockedAndAsksNothing() throws {
        let fake = privcmd(kernelBlocks: false)
        let caller = try PrivcmdHypercaller(system: fake)
        let answer = try caller.xenVersion(.version)
        let before = fake.calls.count
        #expect(try !caller.kernelBlocks(answer))
        #expect(fake.calls.count == before)
    }

    @Test func theMessageSaysHowToLiftIt() {
        #expect(PrivcmdHypercaller.kernelBlocksMessage.contains("unrestricted=1"))
        #expect(!PrivcmdHypercaller.kernelBlocksMessage.contains("\n"))
    }
}
