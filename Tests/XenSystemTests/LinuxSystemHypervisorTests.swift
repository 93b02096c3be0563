import Foundation
import Testing
import XenSystem

/// The real mapping, stub-call and ioctl paths of `LinuxSystem`, exercised on this machine with
/// harmless code (no hypervisor instruction, no MSR, no Xen device).
struct LinuxSystemHypervisorTests {
    let system = LinuxSystem()

    @Test func lockedPageIsZeroedAndBoundsChecked() throws {
        let region = try system.mapLockedAnonymous(length: 4096)
        defer { region.release() }
        #expect(region.address % 4096 == 0)
        #expect(system.load(region, offset: 0, count: 4096) == [UInt8](repeating: 0, count: 4096))
        #expect(system.store(region, offset: 4090, [1, 2, 3, 4, 5, 6]))
        #expect(system.load(region, offset: 4090, count: 6) == [1, 2, 3, 4, 5, 6])
        #expect(!system.store(region, offset: 4091, [1, 2, 3, 4, 5, 6]))
        #expect(system.load(region, offset: 4091, count: 6) == nil)
        #expect(system.load(region, offset: -1, count: 1) == nil)
        #expect(!system.store(region, offset: -1, [0]))
        #expect(system.store(region, offset: 4096, []))
    }

    /// A released region is never touched again (its range may belong to a new mapping), and
    /// releasing twice unmaps once: a second munmap of the range would hit whatever is there now.
    @Test func releasedRegionIsNeverTouchedAndReleasesOnce() throws {
        let region = try system.mapLockedAnonymous(length: 4096)
        #expect(system.store(region, offset: 0, [1]))
        region.release()
        #expect(region.isReleased)
        #expect(system.load(region, offset: 0, count: 1) == nil)
        #expect(!system.store(region, offset: 0, [1]))
        #expect(system.callEntry(region, offset: 0, arguments: []) == nil)
        #expect(throws: SystemError.self) { try system.protect(region, .readExecute) }
        // Map something new, likely at the same address; a second release must leave it alone.
        let next = try system.mapLockedAnonymous(length: 4096)
        defer { next.release() }
        #expect(system.store(next, offset: 0, [9]))
        region.release()
        #expect(system.load(next, offset: 0, count: 1) == [9])
    }

    /// The real system touches only mappings it made: a region a fake simulates at some address
    /// is refused, whatever lies there.
    @Test func simulatedRegionIsNeverDereferenced() throws {
        let real = try system.mapLockedAnonymous(length: 4096)
        defer { real.release() }
        let forged = MappedRegion(address: real.address, length: 4096, origin: .simulated) { _, _ in }
        #expect(system.load(forged, offset: 0, count: 1) == nil)
        #expect(!system.store(forged, offset: 0, [1]))
        #expect(system.callEntry(forged, offset: 0, arguments: []) == nil)
    }

    @Test func zeroLengthMappingIsRefused() {
        #expect(throws: SystemError.self) { try system.mapLockedAnonymous(length: 0) }
    }

    /// Runs `code` from an executable page the way an installed hypercall page is called.
    func call(_ code: [UInt8], _ arguments: [UInt64]) throws -> Int64? {
        let region = try system.mapLockedAnonymous(length: 4096)
        defer { region.release() }
        #expect(system.store(region, offset: 17 * 32, code))
        try system.protect(region, .readExecute)
        return system.callEntry(region, offset: 17 * 32, arguments: arguments)
    }

    @Test(.enabled(if: isX86_64)) func entryCallReturnsRAX() throws {
        #expect(try call([0xb8, 0x2a, 0, 0, 0, 0xc3], []) == 42)               // mov $42,%eax; ret
        #expect(try call([0xb8, 0xff, 0xff, 0xff, 0xff, 0x48, 0x98, 0xc3], []) == -1)  // mov $-1,%eax; cltq; ret
    }

    /// The five hypercall argument registers of public/arch-x86/xen-x86_64.h, in order.
    @Test(.enabled(if: isX86_64)) func argumentsArriveInRdiRsiRdxR10R8() throws {
        let args: [UInt64] = [0x1111, 0x2222, 0x3333, 0x4444, 0x5555]
        #expect(try call([0x48, 0x89, 0xf8, 0xc3], args) == 0x1111)  // mov %rdi,%rax
        #expect(try call([0x48, 0x89, 0xf0, 0xc3], args) == 0x2222)  // mov %rsi,%rax
        #expect(try call([0x48, 0x89, 0xd0, 0xc3], args) == 0x3333)  // mov %rdx,%rax
        #expect(try call([0x4c, 0x89, 0xd0, 0xc3], args) == 0x4444)  // mov %r10,%rax
        #expect(try call([0x4c, 0x89, 0xc0, 0xc3], args) == 0x5555)  // mov %r8,%rax
    }

    @Test func entryOutsideThePageIsNotCalled() throws {
        let region = try system.mapLockedAnonymous(length: 4096)
        defer { region.release() }
        #expect(system.callEntry(region, offset: 4096, arguments: []) == nil)
        #expect(system.callEntry(region, offset: -32, arguments: []) == nil)
    }

    @Test func deviceMappingIsShared() throws {
        let fd = try system.open("/dev/zero", .readWrite)
        defer { system.close(fd) }
        let region = try system.mapDevice(fd, path: "/dev/zero", length: 4096)
        defer { region.release() }
        #expect(system.store(region, offset: 0, [7]))
        #expect(system.load(region, offset: 0, count: 2) == [7, 0])
    }

    /// The ioctl reaches the kernel: on a file that is not privcmd it fails with ENOTTY, returned
    /// as -errno the way a Xen error would be.
    @Test func privcmdIoctlOnAnotherFileIsENOTTY() throws {
        let fd = try system.open("/dev/null", .readWrite)
        defer { system.close(fd) }
        #expect(system.privcmdHypercall(fd, op: 17, arguments: [0, 0]) == -Int64(ENOTTY))
    }
}

#if arch(x86_64)
private let isX86_64 = true
#else
private let isX86_64 = false
#endif
