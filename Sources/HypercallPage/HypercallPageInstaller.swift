import XenInterface
import CPUIDProbe
import XenSystem

/// What detection found that the install needs (`init(report:cpuVendor:)` takes it from CPUIDProbe).
public struct InstallTarget: Sendable, Equatable {
    public var xenDetected: Bool
    public var context: XenGuestContext?
    /// The Xen CPUID leaf base (0x40000000, or 0x40000100 with Viridian).
    public var leafBase: UInt32
    /// public/arch-x86/cpuid.h leaf 3 (base + 2) EBX: "Base address of Xen-specific MSRs";
    /// its first MSR takes the hypercall page (xen/arch/x86/traps.c guest_wrmsr_xen, case 0).
    public var hypercallMSR: UInt32
    /// The flavor Xen will write (vmx on Intel, svm on AMD); nil when unknown.
    public var expectedFlavor: HypercallStubFlavor?

    public init(xenDetected: Bool, context: XenGuestContext?, leafBase: UInt32, hypercallMSR: UInt32,
                expectedFlavor: HypercallStubFlavor?) {
        self.xenDetected = xenDetected
        self.context = context
        self.leafBase = leafBase
        self.hypercallMSR = hypercallMSR
        self.expectedFlavor = expectedFlavor
    }

    /// From the probe: Xen's leaves give the base and the MSR (base+2 EBX); the context is the
    /// probe's (sysfs guest_type, else CPUID); the flavor follows the CPU vendor (leaf 0).
    public init(report: ProbeReport, cpuVendor: String) {
        let context = report.xen == nil ? nil : report.context
        self.init(xenDetected: report.xenDetected, context: context,
                  leafBase: report.xen?.range.leafBase ?? 0,
                  hypercallMSR: report.xen?.hypercall.msrBase ?? 0,
                  expectedFlavor: HypercallStubFlavor.expected(cpuVendor: cpuVendor, context: context))
    }
}

/// What the caller asks for.
public struct InstallRequest: Sendable, Equatable {
    /// The CPU whose /dev/cpu/N/msr takes the write (the page is per domain; any CPU will do).
    public var cpu: Int
    /// The MSR to write; nil means the one CPUID names. Any other value is refused.
    public var msr: UInt32?
    /// The page index in the MSR value's low 12 bits; Xen supports only 0.
    public var pageIndex: UInt64
    /// The explicit consent to change hypervisor state (the CLI's --yes-write-msr).
    public var writeEnabled: Bool

    public init(cpu: Int = 0, msr: UInt32? = nil, pageIndex: UInt64 = 0, writeEnabled: Bool) {
        self.cpu = cpu
        self.msr = msr
        self.pageIndex = pageIndex
        self.writeEnabled = writeEnabled
    }
}

/// Why the page was not installed, or the install failed.
public struct HypercallPageError: ClassifiedError, Equatable {
    public let kind: FailureKind
    public let description: String
    public init(_ kind: FailureKind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// An installed page, still mapped and locked in this process.
public struct InstalledPage: Sendable, Equatable {
    public let region: MappedRegion
    public let msr: UInt32
    public let gfn: UInt64
    /// The value written to the MSR.
    public let msrValue: UInt64
    /// The page as read back after the write.
    public let bytes: [UInt8]
    /// The page decoded.
    public let report: HypercallPageReport
    /// True when the page is exactly what Xen writes for the expected flavor.
    public let verified: Bool
}

/// The result of calling an entry of the installed page from user mode.
public struct UserModeCall: Sendable, Equatable {
    public let hypercall: HypercallNumber
    public let rax: Int64
    /// The Xen errno when rax is an error (Xen answers -EPERM from CPL 3 of an HVM guest:
    /// xen/arch/x86/hvm/hypercall.c).
    public var errno: XenErrno? { XenErrno(result: rax) }
}

/// Installs the hypercall page from user space: a locked page of this process, its guest frame
/// from /proc/self/pagemap, `gfn << 12` written to the MSR through /dev/cpu/N/msr, the page read
/// back and decoded. Every refusal happens before anything is opened for writing.
public struct HypercallPageInstaller {
    public let system: any HypervisorCalls
    public init(system: any HypervisorCalls) { self.system = system }

    /// Linux Documentation/admin-guide/mm/pagemap.rst: one 64-bit entry per virtual page;
    /// bit 63 page present, bits 0-54 the page frame number (zero without CAP_SYS_ADMIN).
    static let pagemapPath = "/proc/self/pagemap"
    static let pagemapEntrySize = 8
    static let pagemapPresent: UInt64 = 1 << 63
    static let pagemapFrameMask: UInt64 = (1 << 55) - 1

    /// Linux arch/x86/kernel/msr.c: an MSR is read and written as 8 bytes at offset = its number.
    static let msrValueSize = 8

    static func msrDevice(cpu: Int) -> String { "/dev/cpu/\(cpu)/msr" }
    static func cpuDirectory(cpu: Int) -> String { "/sys/devices/system/cpu/cpu\(cpu)" }

    /// The checks that must pass before anything is written; throws the refusal.
    public func check(_ target: InstallTarget, _ request: InstallRequest) throws(HypercallPageError) -> UInt32 {
        guard target.xenDetected else {
            throw HypercallPageError(.unavailable, "Xen not detected: there is no hypercall page to install")
        }
        guard let context = target.context else {
            throw HypercallPageError(.unavailable, "Xen guest context unknown: refusing to write the hypercall MSR")
        }
        if context == .pv {
            throw HypercallPageError(.refused, "PV guest: pagemap frames are pseudo-physical, not the frames Xen expects; refusing to write the hypercall MSR")
        }
        guard target.hypercallMSR != 0 else {
            throw HypercallPageError(.unavailable, "CPUID leaf 0x\(hex(target.leafBase + 2)) names no MSR base")
        }
        let msr = request.msr ?? target.hypercallMSR
        guard msr == target.hypercallMSR else {
            throw HypercallPageError(.refused, "MSR 0x\(hex(msr)) is not the hypercall MSR CPUID names (0x\(hex(target.hypercallMSR)))")
        }
        guard request.pageIndex == 0 else {
            throw HypercallPageError(.refused, "page index \(request.pageIndex) refused: Xen supports only page index 0")
        }
        guard request.writeEnabled else {
            throw HypercallPageError(.refused, "installing writes MSR 0x\(hex(msr)) and changes hypervisor state: pass --yes-write-msr to allow it")
        }
        guard system.effectiveUserID() == 0 else {
            throw HypercallPageError(.permission, "installing the hypercall page needs root (the MSR device and page frames)")
        }
        guard request.cpu >= 0, system.isDirectory(Self.cpuDirectory(cpu: request.cpu)) else {
            throw HypercallPageError(.refused, "unknown CPU \(request.cpu)")
        }
        return msr
    }

    /// Installs and verifies the page. The page stays mapped: unmap it with `release`.
    public func install(_ target: InstallTarget, _ request: InstallRequest) throws(HypercallPageError) -> InstalledPage {
        let msr = try check(target, request)
        let device = Self.msrDevice(cpu: request.cpu)
        let msrFD: FileDescriptor
        do { msrFD = try system.open(device, .readWrite) } catch {
            if error.kind == .missing {
                throw HypercallPageError(.missing, "no \(device): the msr driver is not loaded (modprobe msr)")
            }
            throw HypercallPageError(error.kind, error.description)
        }
        defer { system.close(msrFD) }

        let region: MappedRegion
        do { region = try system.mapLockedAnonymous(length: XEN_PAGE_SIZE) } catch {
            throw HypercallPageError(error.kind, error.description)
        }
        var keep = false
        defer { if !keep { system.unmap(region) } }

        let gfn = try frame(of: region)
        let value = gfn << XEN_PAGE_SHIFT | request.pageIndex
        let written: Int
        do { written = try system.pwrite(msrFD, Self.littleEndian(value), offset: UInt64(msr)) } catch {
            throw HypercallPageError(error.kind, "writing MSR 0x\(hex(msr)): \(error.errno)")
        }
        guard written == Self.msrValueSize else {
            throw HypercallPageError(.system, "writing MSR 0x\(hex(msr)): short write of \(written) bytes")
        }
        guard let page = system.load(region, offset: 0, count: XEN_PAGE_SIZE) else {
            throw HypercallPageError(.system, "reading the page back failed")
        }
        let report = HypercallPageDecoder.decode(page)
        let verified = report.isWellFormed && (target.expectedFlavor == nil || report.flavor == target.expectedFlavor)
        keep = true
        return InstalledPage(region: region, msr: msr, gfn: gfn, msrValue: value, bytes: page, report: report,
                             verified: verified)
    }

    /// Calls entry `hypercall` of a verified HVM/PVH page from user mode with `arguments`;
    /// refuses a page that is not verified or not of an HVM flavor (a PV stub from ring 3 would
    /// not reach Xen, and an unverified page could hold anything).
    public func callFromUserMode(_ page: InstalledPage, hypercall: HypercallNumber,
                                 arguments: [UInt64]) throws(HypercallPageError) -> UserModeCall {
        guard page.verified, let flavor = page.report.flavor, flavor.isHVM else {
            throw HypercallPageError(.refused, "refusing to execute a page that did not verify as an HVM hypercall page")
        }
        guard hypercall != .iret, Int(hypercall.rawValue) < HypercallStub.entryCount else {
            throw HypercallPageError(.refused, "entry \(hypercall.rawValue) is not a callable hypercall entry")
        }
        do { try system.protect(page.region, .readExecute) } catch {
            throw HypercallPageError(error.kind, error.description)
        }
        guard let rax = system.callEntry(page.region, offset: Int(hypercall.rawValue) * HypercallStub.entrySize,
                                         arguments: arguments)
        else { throw HypercallPageError(.system, "entry \(hypercall.rawValue) is outside the page") }
        return UserModeCall(hypercall: hypercall, rax: rax)
    }

    /// Unmaps an installed page.
    public func release(_ page: InstalledPage) { system.unmap(page.region) }

    /// The guest frame of a present page of this process, from /proc/self/pagemap.
    func frame(of region: MappedRegion) throws(HypercallPageError) -> UInt64 {
        let pageSize = UInt64(max(system.pageSize, 1))
        let offset = region.address / pageSize * UInt64(Self.pagemapEntrySize)
        let bytes: [UInt8]
        do {
            bytes = try system.withOpened(Self.pagemapPath, .readOnly) { fd throws(SystemError) in
                try system.pread(fd, count: Self.pagemapEntrySize, offset: offset)
            }
        } catch { throw HypercallPageError(error.kind, error.description) }
        guard bytes.count == Self.pagemapEntrySize else {
            throw HypercallPageError(.system, "\(Self.pagemapPath): short read")
        }
        let entry = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard entry & Self.pagemapPresent != 0 else {
            throw HypercallPageError(.system, "\(Self.pagemapPath): the locked page is not present")
        }
        let frame = entry & Self.pagemapFrameMask
        guard frame != 0 else {
            throw HypercallPageError(.permission, "\(Self.pagemapPath) hides page frames (needs CAP_SYS_ADMIN)")
        }
        return frame
    }

    static func littleEndian(_ v: UInt64) -> [UInt8] {
        (0..<msrValueSize).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    }
}

func hex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }
