import HypercallPage
import HypercallPageInstall
@testable import PrivcmdHypercalls
import Rendering
import XenInterface
import XenSystem
import XenSystemTesting
import Testing

/// A simulated Xen 4.17.7 answering through privcmd: it reads and writes argument buffers at
/// the addresses the hypercaller passes, as Xen's copy_to_guest would (xen/common/kernel.c).
private func simulatedXen(buildID: [UInt8] = [0x15, 0x1b, 0x37, 0x3f, 0xaa],
                          buildIDError: Int64? = nil) -> RecordingHypervisorSystem {
    let fake = RecordingHypervisorSystem()
    fake.devices = ["/dev/xen/privcmd", "/dev/xen/hypercall"]
    fake.hypervisor = { op, args, write, read in
        func text(_ s: String, _ size: Int) -> [UInt8] {
            Array((Array(s.utf8) + [UInt8](repeating: 0, count: size)).prefix(size))
        }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
            (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
        }
        let sub = args.first ?? 0, arg = args.count > 1 ? args[1] : 0
        switch (op, sub) {
        case (17, 0): return 0x0004_0011
        case (17, 1): return write(arg, text(".7", 16)) ? 0 : -14
        case (17, 2):
            let info = text("gcc (Debian 12.2.0-14) 12.2.0", 64) + text("pkg-xen-devel", 16)
                + text("lists.alioth.debian.org", 32) + text("Tue Jul  8 10:00:00 UTC 2025", 32)
            return write(arg, info) ? 0 : -14
        case (17, 3): return write(arg, text("xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64", 1024)) ? 0 : -14
        case (17, 4): return write(arg, text("2445b30a44", 64)) ? 0 : -14
        case (17, 5): return write(arg, le(UInt64(0xffff_8000_0000_0000))) ? 0 : -14
        case (17, 6):
            guard let idx = read(arg, 4) else { return -14 }
            if idx != [0, 0, 0, 0] { return -22 }
            return write(arg + 4, le(UInt32(0x0001_2b05))) ? 0 : -14
        case (17, 7): return 4096
        case (17, 8): return write(arg, Array(1...16)) ? 0 : -14
        case (17, 9): return write(arg, text("console=com1 dom0=pvh", 1024)) ? 0 : -14
        case (17, 10):
            if let buildIDError { return buildIDError }
            if arg == 0 { return Int64(buildID.count) }
            guard let len = read(arg, 4) else { return -14 }
            let n = len.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if n < buildID.count { return -105 }
            return write(arg + 4, buildID) ? Int64(buildID.count) : -14
        case (12, 2): return 0x8_0000
        case (12, 3):
            guard let d = read(arg, 2), d == [0xf0, 0x7f] else { return -3 }
            return 196608
        case (29, 0): return 0
        default: return -38
        }
    }
    return fake
}

struct PrivcmdHypercallerTests {
    @Test func everyXenVersionSubopDecodes() throws {
        let fake = simulatedXen()
        let caller = try PrivcmdHypercaller(system: fake)
        #expect(caller.usesBufferDevice)
        func value(_ op: XenVersionOp) throws -> XenVersionValue? {
            let a = try caller.xenVersion(op)
            #expect(a.result.errno == nil, "\(op)")
            return a.value
        }
        #expect(try value(.version) == .version(major: 4, minor: 17))
        #expect(try value(.extraversion) == .text(".7"))
        #expect(try value(.compile_info) == .compileInfo(compiler: "gcc (Debian 12.2.0-14) 12.2.0", compileBy: "pkg-xen-devel",
                                                         compileDomain: "lists.alioth.debian.org",
                                                         compileDate: "Tue Jul  8 10:00:00 UTC 2025"))
        #expect(try value(.capabilities) == .text("xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"))
        #expect(try value(.changeset) == .text("2445b30a44"))
        #expect(try value(.platform_parameters) == .platformParameters(virtStart: 0xffff_8000_0000_0000))
        #expect(try value(.get_features) == .features([0x0001_2b05]))
        #expect(try value(.pagesize) == .pageSize(4096))
        #expect(try value(.guest_handle) == .handle(Array(1...16)))
        #expect(try value(.commandline) == .text("console=com1 dom0=pvh"))
        #expect(try value(.build_id) == .buildID([0x15, 0x1b, 0x37, 0x3f, 0xaa]))
    }

    @Test func buffersComeFromTheHypercallDeviceAndAreReleased() throws {
        let fake = simulatedXen()
        let caller = try PrivcmdHypercaller(system: fake)
        _ = try caller.xenVersion(.capabilities)
        let maps = fake.calls.filter { if case .mapDevice = $0 { true } else { false } }
        #expect(maps == [.mapDevice("/dev/xen/hypercall", 4096)])
        #expect(!fake.calls.contains(.mapLocked(4096)))
        #expect(fake.calls.contains { if case .unmap = $0 { true } else { false } })
        // The hypercall is xen_version (17), XENVER_capabilities (3), the buffer's address.
        guard case .hypercall(let op, let args)? = fake.calls.first(where: { if case .hypercall = $0 { true } else { false } })
        else { Issue.record("no hypercall"); return }
        #expect(op == 17)
        #expect(args.first == 3)
        #expect(args.count == 2 && args[1] != 0)
    }

    @Test func withoutTheBufferDeviceBuffersAreLockedAnonymousMemory() throws {
        let fake = simulatedXen()
        fake.devices.remove("/dev/xen/hypercall")
        let caller = try PrivcmdHypercaller(system: fake)
        #expect(!caller.usesBufferDevice)
        #expect(try caller.xenVersion(.extraversion).value == .text(".7"))
        #expect(fake.calls.contains(.mapLocked(4096)))
    }

    @Test func buildIDAsksForTheSizeThenPassesIt() throws {
        let id = (0..<20).map { UInt8($0 * 13 & 0xff) }
        let fake = simulatedXen(buildID: id)
        let a = try PrivcmdHypercaller(system: fake).xenVersion(.build_id)
        #expect(a.value == .buildID(id))
        #expect(a.result.rc == 20)
        let calls = fake.calls.compactMap { if case .hypercall(_, let args) = $0 { args } else { nil } }
        #expect(calls.count == 2)
        #expect(calls.first == [10, 0])
    }

    @Test func xenErrorsComeBackWithTheirNames() throws {
        let fake = simulatedXen(buildIDError: -61)
        let a = try PrivcmdHypercaller(system: fake).xenVersion(.build_id)
        #expect(a.value == nil)
        #expect(a.result.errno?.name == "ENODATA")
    }

    @Test func otherReadOnlyCalls() throws {
        let fake = simulatedXen()
        let caller = try PrivcmdHypercaller(system: fake)
        #expect(try caller.readOnly(.maximum_ram_page).rc == 0x8_0000)
        // current_reservation passes struct xen_memory_domain { DOMID_SELF } (the fake checks it).
        #expect(try caller.readOnly(.current_reservation).rc == 196608)
        #expect(try caller.readOnly(.yield).rc == 0)
    }

    @Test func stateChangingCallsAreRefusedWithoutAnIoctl() throws {
        let fake = simulatedXen()
        let caller = try PrivcmdHypercaller(system: fake)
        let changing: [(HypercallNumber, UInt64)] = [
            (.memory_op, 0),       // XENMEM_increase_reservation
            (.memory_op, 1),       // XENMEM_decrease_reservation
            (.memory_op, 2 | 1 << 6),  // maximum_ram_page with extent bits: not the plain sub-op
            (.sched_op, 2),        // SCHEDOP_shutdown
            (.sched_op, 1),        // SCHEDOP_block
            (.xen_version, 15),    // not in 4.20's public/version.h
            (HypercallNumber(rawValue: 36), 0),  // domctl
            (.iret, 0),
        ]
        for (op, sub) in changing {
            do {
                _ = try caller.call(op, [sub, 0])
                Issue.record("\(op) \(sub) was issued")
            } catch { #expect(error.kind == .refused) }
        }
        #expect(!fake.calls.contains { if case .hypercall = $0 { true } else { false } })
    }

    @Test func stateChangesPassOnlyWhenEnabled() throws {
        let fake = simulatedXen()
        let caller = try PrivcmdHypercaller(system: fake, allowStateChanges: true)
        #expect(try caller.call(.sched_op, [7, 0]).errno == .ENOSYS)
        #expect(fake.calls.contains(.hypercall(op: 29, [7, 0])))
    }

    @Test func missingPrivcmdIsMissing() {
        let fake = RecordingHypervisorSystem()
        fake.devices = []
        do {
            _ = try PrivcmdHypercaller(system: fake)
            Issue.record("opened a missing privcmd")
        } catch {
            #expect(error.kind == .missing)
            #expect(error.description.contains("/dev/xen/privcmd"))
        }
    }

    @Test func privcmdWithoutRootIsPermission() {
        let fake = simulatedXen()
        fake.openErrors["/dev/xen/privcmd"] = .permissionDenied
        do {
            _ = try PrivcmdHypercaller(system: fake)
            Issue.record("opened privcmd")
        } catch { #expect(error.kind == .permission) }
    }

    @Test func tooManyArgumentsAreRefused() throws {
        let caller = try PrivcmdHypercaller(system: simulatedXen())
        #expect(throws: HypercallError.self) { try caller.call(.xen_version, [0, 0, 0, 0, 0, 0]) }
    }
}

struct XenVersionDecodingTests {
    @Test func failedCallsHaveNoValue() {
        for op in XenVersionOp.allCases {
            #expect(XenVersionDecoding.decode(op, rc: -1, buffer: [UInt8](repeating: 0x41, count: 1024)) == nil)
        }
    }

    @Test func stringsStopAtNULAndTolerateNoNUL() {
        #expect(XenVersionDecoding.decode(.extraversion, rc: 0, buffer: Array("ab\0cd".utf8)) == .text("ab"))
        #expect(XenVersionDecoding.decode(.changeset, rc: 0, buffer: Array("xyz".utf8)) == .text("xyz"))
    }

    @Test func shortBuffersDoNotTrap() {
        #expect(XenVersionDecoding.decode(.platform_parameters, rc: 0, buffer: [1, 2]) == nil)
        #expect(XenVersionDecoding.decode(.get_features, rc: 0, buffer: [0, 0, 0, 0, 1]) == nil)
        #expect(XenVersionDecoding.decode(.guest_handle, rc: 0, buffer: [1]) == nil)
        #expect(XenVersionDecoding.decode(.build_id, rc: 9, buffer: [0, 0, 0, 0, 1, 2]) == nil)
        #expect(XenVersionDecoding.decode(.compile_info, rc: 0, buffer: Array("gcc".utf8))
                == .compileInfo(compiler: "gcc", compileBy: "", compileDomain: "", compileDate: ""))
    }

    @Test func versionSplitsMajorMinor() {
        #expect(XenVersionDecoding.decode(.version, rc: 0x0004_0011, buffer: []) == .version(major: 4, minor: 17))
        #expect(XenVersionDecoding.decode(.version, rc: 0x7fff_ffff, buffer: []) == .version(major: 0x7fff, minor: 0xffff))
    }

    @Test func errnoNamesFollowPublicErrnoH() {
        #expect(XenErrno(result: -1)?.name == "EPERM")
        #expect(XenErrno(result: -38)?.name == "ENOSYS")
        #expect(XenErrno(result: -105)?.name == "ENOBUFS")
        #expect(XenErrno(result: -111)?.name == "ECONNREFUSED")
        #expect(XenErrno(result: -11)?.name == "EAGAIN")
        #expect(XenErrno(result: -200)?.name == "E200")
        #expect(XenErrno(result: 0) == nil)
        #expect(XenErrno(result: 0x40011) == nil)
        #expect(XenErrno(result: -4096) == nil)
    }

    /// A simulated Xen 4.20 answering the xen_varbuf sub-ops as xen/common/kernel.c's
    /// xenver_varbuf_op does: NULL asks for the length; then len bytes at most, no NUL, rc the count.
    private func simulatedXen420(strings: [UInt64: String], deny: Set<UInt64> = []) -> RecordingHypervisorSystem {
        let fake = RecordingHypervisorSystem()
        fake.devices = ["/dev/xen/privcmd", "/dev/xen/hypercall"]
        fake.hypervisor = { op, args, write, read in
            let sub = args.first ?? 0, arg = args.count > 1 ? args[1] : 0
            if op == 17, sub == 0 { return 0x0004_0014 }
            guard op == 17, let string = strings[sub] else { return -38 }
            if deny.contains(sub) { return -1 }
            let bytes = Array(string.utf8)
            if arg == 0 { return Int64(bytes.count) }
            guard let len = read(arg, 4) else { return -14 }
            let n = len.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if n < bytes.count { return -105 }
            return write(arg + 4, bytes) ? Int64(bytes.count) : -14
        }
        return fake
    }

    @Test func varbufSubopsAskForTheLengthThenReadThatMany() throws {
        let long = String(repeating: "console=com1 ", count: 400)  // 5200 bytes: two pages
        let fake = simulatedXen420(strings: [11: ".5-pre", 12: "xen-3.0-x86_64 hvm-3.0-x86_32", 14: long])
        let caller = try PrivcmdHypercaller(system: fake)
        let extra = try caller.xenVersion(.extraversion2)
        #expect(extra.value == .text(".5-pre"))
        #expect(extra.result.rc == 6)
        let calls = fake.calls.compactMap { if case .hypercall(_, let args) = $0 { args } else { nil } }
        #expect(calls.count == 2)
        #expect(calls.first == [11, 0])
        #expect(try caller.xenVersion(.capabilities2).value == .text("xen-3.0-x86_64 hvm-3.0-x86_32"))
        let line = try caller.xenVersion(.commandline2)
        #expect(line.value == .text(long))
        #expect(fake.calls.contains(.mapDevice("/dev/xen/hypercall", 8192)))
        #expect(HypercallOutcome(line, running: .xen4_20).verdict == .answered)
    }

    @Test func varbufSubopsOnAnOlderXenAreNotOffered() throws {
        // Xen 4.17: do_xen_version has no case for 11..14 and returns -ENOSYS.
        let caller = try PrivcmdHypercaller(system: simulatedXen())
        for op: XenVersionOp in [.extraversion2, .capabilities2, .changeset2, .commandline2] {
            let answer = try caller.xenVersion(op)
            #expect(answer.result.errno == .ENOSYS)
            let row = HypercallOutcome(answer, running: try caller.runningRelease())
            guard case .notOffered(let reason) = row.verdict else { Issue.record("\(op): \(row.verdict)"); continue }
            #expect(reason.hasPrefix("not offered by Xen 4.17: ENOSYS (XENVER_\(op.name) is new in Xen 4.20"))
            #expect(row.line == "xen_version \(op.name): not offered by Xen 4.17: ENOSYS")
            #expect(!row.verdict.isFailure)
            guard case .object(let members) = row.json else { Issue.record("not an object"); continue }
            #expect(members.first { $0.0 == "verdict" }?.1 == .string("notOffered"))
            #expect(members.first { $0.0 == "errno" }?.1 == .string("ENOSYS"))
        }
        // The same -ENOSYS from a 4.20 (which has the sub-op) is a failure.
        let answer = try caller.xenVersion(.extraversion2)
        #expect(HypercallOutcome(answer, running: .xen4_20).verdict.isFailure)
    }

    @Test func commandline2InADomUIsRefusedByPolicy() throws {
        // xsm/dummy.h of 4.20: commandline2 is XSM_PRIV; do_xen_version returns -EPERM when denied.
        let fake = simulatedXen420(strings: [11: ".5-pre", 14: "console=com1"], deny: [14])
        let caller = try PrivcmdHypercaller(system: fake)
        let row = HypercallOutcome(try caller.xenVersion(.commandline2), running: .xen4_20)
        guard case .refusedByPolicy(let reason) = row.verdict else { Issue.record("\(row.verdict)"); return }
        #expect(reason.hasPrefix("XENVER_commandline2 needs a privileged domain"))
        #expect(HypercallOutcome(try caller.xenVersion(.extraversion2), running: .xen4_20).verdict == .answered)
    }
}
