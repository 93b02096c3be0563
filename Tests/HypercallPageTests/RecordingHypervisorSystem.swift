import Foundation
import HypercallPage
import XenSystem

/// A fake kernel (a superset of XenSystemTesting.RecordingSystem for `HypervisorCalls`) that records every call and simulates just enough of Linux and Xen:
/// files and directories, locked pages with guest frames in /proc/self/pagemap, an MSR device
/// whose write makes "Xen" fill the page at the written frame, and privcmd hypercalls answered
/// by a closure that may write into argument buffers.
final class RecordingHypervisorSystem: HypervisorCalls, @unchecked Sendable {
    enum Call: Equatable {
        case open(String, OpenMode)
        case pread(String, count: Int, offset: UInt64)
        case pwrite(String, [UInt8], offset: UInt64)
        case mapLocked(Int)
        case mapDevice(String, Int)
        case unmap(UInt64)
        case protect(UInt64, PageProtection)
        case hypercall(op: UInt64, [UInt64])
        case callEntry(UInt64, offset: Int, [UInt64])
    }

    private let lock = NSLock()
    private var _calls: [Call] = []
    var calls: [Call] { lock.withLock { _calls } }

    var euid: UInt32 = 0
    /// Paths that open; anything else fails with ENOENT.
    var devices: Set<String> = ["/proc/self/pagemap"]
    /// Paths whose open fails with this errno.
    var openErrors: [String: Errno] = [:]
    var directories: Set<String> = ["/sys/devices/system/cpu/cpu0", "/sys/devices/system/cpu/cpu1"]
    var files: [String: [UInt8]] = [:]
    let pageSize = 4096
    /// Guest frames handed to locked pages, one after another.
    var nextFrame: UInt64 = 0x12345
    /// Frames whose pagemap entry reads as zero (no CAP_SYS_ADMIN).
    var hideFrames = false
    /// What "Xen" writes into the page at a frame written to the hypercall MSR; nil: nothing.
    var xenPage: [UInt8]? = nil
    var hypercallMSR: UInt64 = 0x40000000
    /// Answers privcmd hypercalls: (op, arguments, memory writer) -> rc.
    var hypervisor: (UInt64, [UInt64], (UInt64, [UInt8]) -> Bool, (UInt64, Int) -> [UInt8]?) -> Int64 = { _, _, _, _ in -38 }
    var entryResult: Int64 = -1

    private var nextAddress: UInt64 = 0x7f00_0000_0000
    private var memory: [UInt64: [UInt8]] = [:]       // region start -> bytes
    private var frames: [UInt64: UInt64] = [:]        // virtual page number -> frame
    private var fds: [Int32: String] = [:]
    private var nextFD: Int32 = 3

    private func record(_ call: Call) { lock.withLock { _calls.append(call) } }

    var pwrites: [Call] { calls.filter { if case .pwrite = $0 { return true } else { return false } } }
    var msrOpens: [Call] { calls.filter { if case .open(let p, _) = $0 { return p.hasSuffix("/msr") } else { return false } } }

    // MARK: SystemCalls

    func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        record(.open(path, mode))
        if let e = openErrors[path] { throw SystemError("open", path, e) }
        guard devices.contains(path) else { throw SystemError("open", path, .noSuchFile) }
        return lock.withLock {
            let fd = nextFD
            nextFD += 1
            fds[fd] = path
            return FileDescriptor(rawValue: fd)
        }
    }

    func close(_ fd: FileDescriptor) { _ = lock.withLock { fds.removeValue(forKey: fd.rawValue) } }

    func path(_ fd: FileDescriptor) -> String { lock.withLock { fds[fd.rawValue] ?? "?" } }

    func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        let p = path(fd)
        record(.pread(p, count: count, offset: offset))
        if p == "/proc/self/pagemap" {
            let vpn = offset / 8
            guard let frame = lock.withLock({ frames[vpn] }) else { return [UInt8](repeating: 0, count: 8) }
            let entry: UInt64 = 1 << 63 | (hideFrames ? 0 : frame)
            return (0..<8).map { UInt8(truncatingIfNeeded: entry >> (8 * UInt64($0))) }
        }
        return []
    }

    func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        let p = path(fd)
        record(.pwrite(p, bytes, offset: offset))
        if p.hasSuffix("/msr"), offset == hypercallMSR, bytes.count == 8, let xenPage {
            let value = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let gfn = value >> 12
            lock.withLock {
                if let vpn = frames.first(where: { $0.value == gfn })?.key { memory[vpn * 4096] = xenPage }
            }
        }
        return bytes.count
    }

    func readSmallFile(_ path: String) -> [UInt8]? { files[path] }
    func isDirectory(_ path: String) -> Bool { directories.contains(path) }
    func effectiveUserID() -> UInt32 { euid }

    // MARK: HypervisorCalls

    private func newRegion(_ length: Int, frame: Bool) -> MappedRegion {
        lock.withLock {
            let address = nextAddress
            nextAddress += UInt64((length + 4095) / 4096 * 4096) + 0x10000
            memory[address] = [UInt8](repeating: 0, count: length)
            if frame { frames[address / 4096] = nextFrame; nextFrame += 1 }
            return MappedRegion(address: address, length: length)
        }
    }

    func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion {
        record(.mapLocked(length))
        return newRegion(length, frame: true)
    }

    func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion {
        record(.mapDevice(path, length))
        return newRegion(length, frame: false)
    }

    func unmap(_ region: MappedRegion) {
        record(.unmap(region.address))
        lock.withLock { memory[region.address] = nil; frames[region.address / 4096] = nil }
    }

    func protect(_ region: MappedRegion, _ protection: PageProtection) throws(SystemError) {
        record(.protect(region.address, protection))
    }

    /// Bytes at any address inside a live region.
    func read(_ address: UInt64, _ count: Int) -> [UInt8]? {
        lock.withLock {
            for (start, bytes) in memory where address >= start && address + UInt64(count) <= start + UInt64(bytes.count) {
                let o = Int(address - start)
                return Array(bytes[o..<(o + count)])
            }
            return nil
        }
    }

    func write(_ address: UInt64, _ data: [UInt8]) -> Bool {
        lock.withLock {
            for (start, bytes) in memory where address >= start && address + UInt64(data.count) <= start + UInt64(bytes.count) {
                let o = Int(address - start)
                memory[start]!.replaceSubrange(o..<(o + data.count), with: data)
                return true
            }
            return false
        }
    }

    func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]? {
        guard offset >= 0, count >= 0, offset + count <= region.length else { return nil }
        return read(region.address + UInt64(offset), count)
    }

    func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool {
        guard offset >= 0, offset + bytes.count <= region.length else { return false }
        return write(region.address + UInt64(offset), bytes)
    }

    func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64 {
        record(.hypercall(op: op, arguments))
        return hypervisor(op, arguments, { self.write($0, $1) }, { self.read($0, $1) })
    }

    func callEntry(_ region: MappedRegion, offset: Int, arguments: [UInt64]) -> Int64? {
        record(.callEntry(region.address, offset: offset, arguments))
        guard offset >= 0, offset < region.length else { return nil }
        return entryResult
    }
}
