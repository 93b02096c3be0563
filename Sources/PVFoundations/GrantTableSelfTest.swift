import XenSystem

/// The grant-table self-test: through /dev/xen/gntalloc, one page of this process granted to
/// this very domain; through /dev/xen/gntdev, that grant mapped back (Xen's map_grant_ref of a
/// grant whose granter and grantee are one domain); bytes written through each mapping read back
/// through the other; both released. Nothing outlives it: the gntdev mapping is unmapped before
/// the grant is deallocated, and an interruption or failure releases both through their owners.
///
/// A grant names its grantee by id (Linux's gntalloc writes it into the grant entry, and Xen
/// compares it with the mapping domain's id), so the test needs this domain's id: `SelfDomain`.
/// When Xen or the kernel refuses the mapping of one's own grant, the failure names the step and
/// its errno (`SelfTestFailure.refused`, operation "mmap" of /dev/xen/gntdev).
public struct GrantTableSelfTest: Sendable {
    /// The system whose devices it uses.
    public let system: any XenDeviceSystem
    /// This domain, as the grant names it.
    public let domain: SelfDomain?

    /// A test granting to `domain`; nil makes the test fail as `domainUnknown` once the devices opened.
    public init(system: any XenDeviceSystem, domain: SelfDomain?) {
        self.system = system
        self.domain = domain
    }

    /// Where each direction's bytes go in the page: the granter writes at the start, the mapper
    /// in the second half, so each check reads bytes the other side alone wrote.
    static let granterOffset = 0
    static let mapperOffset = 2048

    /// The bytes each side writes: a marker and which side wrote it, so a stale or zero page
    /// cannot pass.
    static func pattern(_ side: String) -> [UInt8] { Array("xen-detect grant-table selftest: written by \(side)".utf8) }

    /// Where the test is refused (`SelfTestFailure.unsafeHere`), this project's policy: it runs
    /// only in a PV guest, where it passed (PV dom0 of Xen 4.17 and 4.20). In an auto-translated
    /// guest the mapping of its own grant oopsed Linux 6.1 at the process's exit (exit_mmap,
    /// __tlb_remove_page_size): in a PVH dom0 (the mapping also showed other bytes than the
    /// granted page) and in an HVM domU, on Xen 4.17 and 4.20 (the Xen stage, 2026-12-02). So
    /// an HVM or PVH guest is refused; where the type is not published (not on Xen) the test
    /// goes on and fails at its first device. `guestType` is /sys/hypervisor/guest_type.
    public static func unsafeReason(guestType: String?, domain: SelfDomain?) -> String? {
        guard let guestType, guestType == "HVM" || guestType == "PVH" else { return nil }
        return "mapping its own grant in an HVM or PVH guest (here: \(guestType)) oopsed Linux 6.1 at process exit (exit_mmap) on Xen 4.17 and 4.20"
    }

    /// The Linux file naming this guest's type (PV, PVH, HVM): drivers/xen/sys-hypervisor.c.
    public static let guestTypePath = "/sys/hypervisor/guest_type"

    /// Runs the test; signals are caught for its duration so an interruption still releases both.
    /// In a context `unsafeReason` names, it opens nothing and fails as `unsafeHere`.
    public func run() -> GrantTableReport {
        var report = GrantTableReport(domain: domain)
        if let why = Self.unsafeReason(guestType: system.readLine(Self.guestTypePath), domain: domain) {
            report.failure = .unsafeHere(why)
            return report
        }
        system.catchInterruptions()
        do throws(SelfTestFailure) {
            try body(&report)
        } catch {
            report.failure = error
        }
        return report
    }

    private func step<T: ~Copyable>(opening device: XenDevice? = nil, _ call: () throws(SystemError) -> T) throws(SelfTestFailure) -> T {
        try SelfTestFailure.step(system, opening: device, call)
    }

    private func body(_ report: inout GrantTableReport) throws(SelfTestFailure) {
        let system = self.system
        var allocator = try step(opening: .grantAllocator) { () throws(SystemError) in try GrantAllocatorDevice(system: system) }
        var mapper = try step(opening: .grantMapper) { () throws(SystemError) in try GrantMapperDevice(system: system) }
        // After the devices: their absence is the plainer answer off Xen or without the modules.
        guard let domain else { throw SelfTestFailure.domainUnknown }
        let page = try step { () throws(SystemError) in try allocator.grantPage(to: domain.id) }
        report.grantReference = page.ref
        let ref = page.ref
        let grant = try step { () throws(SystemError) in try mapper.map(ref: ref, of: domain.id) }
        report.mapped = true

        let fromGranter = Self.pattern("the granter (gntalloc)")
        guard allocator.write(page, offset: Self.granterOffset, fromGranter) else {
            throw SelfTestFailure.roundTripFailed("cannot write the granted page")
        }
        let seenByMapper = mapper.read(grant, offset: Self.granterOffset, count: fromGranter.count)
        report.granterToMapper = seenByMapper == fromGranter
        let fromMapper = Self.pattern("the mapper (gntdev)")
        guard mapper.write(grant, offset: Self.mapperOffset, fromMapper) else {
            throw SelfTestFailure.roundTripFailed("cannot write through the grant mapping")
        }
        let seenByGranter = allocator.read(page, offset: Self.mapperOffset, count: fromMapper.count)
        report.mapperToGranter = seenByGranter == fromMapper
        if let signal = system.caughtSignal() { throw SelfTestFailure.interrupted(signal: signal) }
        guard report.granterToMapper else {
            throw SelfTestFailure.roundTripFailed("the mapping of grant \(page.ref) does not show the bytes written to the granted page")
        }
        guard report.mapperToGranter else {
            throw SelfTestFailure.roundTripFailed("the granted page does not show the bytes written through the mapping of grant \(page.ref)")
        }
        // The mapping first (Xen drops its pin on the grant), then the grant.
        do throws(SystemError) {
            try mapper.unmap(grant)
            try allocator.release(page)
        } catch {
            throw SelfTestFailure.from(error, signal: system.caughtSignal())
        }
        report.released = true
    }
}

/// What one grant-table self-test found: one decision, rendered as text and JSON.
public struct GrantTableReport: Sendable {
    /// The domain the page was granted to and mapped from; nil when unknown.
    public let domain: SelfDomain?
    /// The grant reference gntalloc returned; nil before it.
    public var grantReference: UInt32?
    /// True once gntdev mapped the grant (the mmap, where Xen maps it, succeeded).
    public var mapped = false
    /// Bytes written to the granted page were read through the grant mapping.
    public var granterToMapper = false
    /// Bytes written through the grant mapping were read in the granted page.
    public var mapperToGranter = false
    /// True when the test's own calls unmapped the grant and deallocated the page.
    public var released = false
    /// Why it did not complete; nil when both directions worked.
    public var failure: SelfTestFailure?

    /// A report before the test ran.
    public init(domain: SelfDomain?) { self.domain = domain }

    /// True when both directions worked and both were released.
    public var passed: Bool { failure == nil }
}
