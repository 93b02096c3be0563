import Foundation
import HypercallPage
import XenSystem

/// A fake kernel (a superset of XenSystemTesting.RecordingSystem for `HypervisorCalls`) that records every call and simulates just enough of Linux and Xen:
/// files and directories, locked pages and hypercall-buffer pages with guest frames in
/// /proc/self/pagemap, an MSR device whose write makes "Xen" fill the page at the written frame,
/// and privcmd hypercalls answered by a closure that may write into argument buffers.
final class RecordingHypervisorSystem: StubExecution, @unchecked Sendable {
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
    /// Simulates a migration the install must catch: the MSR write moves every page to a new frame.
    var moveFramesOnMSRWrite = false
    /// /proc/kpageflags' entry for every frame, when the fake publishes the file.
    var kpageflags: UInt64? = nil {
        didSet { if kpageflags != nil { devices.insert("/proc/kpageflags") } }
    }
    /// The page size the fake reports.
    var pageSize = 4096
    /// Paths whose open fails with this errno.
    var openErrors: [String: Errno] = [:]
    var directories: Set<String> = ["/sys/devices/system/cpu/cpu0", "/sys/devices/system/cpu/cpu1"]
    var files: [String: [UInt8]] = [:]
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
    /// The whole region's bytes at each callEntry: what would have run.
    private(set) var executed: [[UInt8]] = []

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
        if p == "/proc/kpageflags", let kpageflags {
            return (0..<8).map { UInt8(truncatingIfNeeded: kpageflags >> (8 * UInt64($0))) }
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
        if p.hasSuffix("/msr"), moveFramesOnMSRWrite {
            lock.withLock { for (vpn, frame) in frames { frames[vpn] = frame + 0x1000 } }
        }
        return bytes.count
    }

    func readSmallFile(_ path: String) -> [UInt8]? { files[path] }
    func isDirectory(_ path: String) -> Bool { directories.contains(path) }
    func effectiveUserID() -> UInt32 { euid }

    // MARK: HypervisorCalls

    /// A simulated page-aligned region with a frame for its first page; its release records `.unmap`.
    private func newRegion(_ length: Int) -> MappedRegion {
        let address: UInt64 = lock.withLock {
            let address = nextAddress
            nextAddress += UInt64((length + 4095) / 4096 * 4096) + 0x10000
            memory[address] = [UInt8](repeating: 0, count: length)
            frames[address / 4096] = nextFrame
            nextFrame += 1
            return address
        }
        return MappedRegion(address: address, length: length, origin: .simulated) { [self] address, _ in
            record(.unmap(address))
            lock.withLock { memory[address] = nil; frames[address / 4096] = nil }
        }
    }

    func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion {
        record(.mapLocked(length))
        return newRegion(length)
    }

    func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion {
        record(.mapDevice(path, length))
        return newRegion(length)
    }

    /// The regions mapped so far, and how many of them were released.
    var unmapCount: Int { calls.filter { if case .unmap = $0 { true } else { false } }.count }

    func protect(_ region: MappedRegion, _ protection: PageProtection) throws(SystemError) {
        record(.protect(region.address, protection))
    }

    /// The bytes of the region that starts at `address` (a copy).
    func contents(of address: UInt64) -> [UInt8]? { lock.withLock { memory[address] } }

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
        guard !region.isReleased, offset >= 0, count >= 0, offset + count <= region.length else { return nil }
        return read(region.address + UInt64(offset), count)
    }

    func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool {
        guard !region.isReleased, offset >= 0, offset + bytes.count <= region.length else { return false }
        return write(region.address + UInt64(offset), bytes)
    }

    func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64 {
        record(.hypercall(op: op, arguments))
        return hypervisor(op, arguments, { self.write($0, $1) }, { self.read($0, $1) })
    }

    func callEntry(_ region: MappedRegion, offset: Int, arguments: [UInt64]) -> Int64? {
        record(.callEntry(region.address, offset: offset, arguments))
        lock.withLock { executed.append(memory[region.address] ?? []) }
        guard offset >= 0, offset < region.length else { return nil }
        return entryResult
    }
}
