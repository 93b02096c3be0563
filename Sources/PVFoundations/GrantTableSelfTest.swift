import PrivcmdHypercalls
import XenInterface
import XenSystem

/// The grant-table self-test, one of two proofs, each leaving nothing behind:
/// - **mapping** (PV guests): through /dev/xen/gntalloc, one page of this process granted to this
///   very domain; through /dev/xen/gntdev, that grant mapped back (Xen's map_grant_ref of a grant
///   whose granter and grantee are one domain); bytes written through each mapping read back
///   through the other. The gntdev mapping is unmapped before the grant is deallocated.
/// - **copy** (HVM and PVH guests, where mapping one's own grant is refused by this project's
///   policy, `unsafeReason`, and wherever Xen or the kernel refuses that mapping): two pages
///   granted to this domain through gntalloc, and Xen copying bytes from each grant into the
///   other, GNTTABOP_copy through /dev/xen/privcmd (`PrivcmdHypercaller.copy`). Nothing is mapped
///   but the two pages gntalloc hands out.
/// An interruption or failure releases everything through the owners.
///
/// A grant names its grantee by id (Linux's gntalloc writes it into the grant entry, and Xen
/// compares it with the mapping or copying domain's id), so the test needs this domain's id:
/// `SelfDomain`. Each refusal names the step and its errno, or Xen's grant status.
public struct GrantTableSelfTest: Sendable {
    /// The system whose devices it uses.
    public let system: any XenDeviceSystem
    /// This domain, as the grant names it.
    public let domain: SelfDomain?
    /// The system whose /dev/xen/privcmd carries the copy proof; nil: no copy proof (where the
    /// mapping is refused, the test then fails as it did).
    public let hypercalls: (any HypervisorCalls)?

    /// A test granting to `domain`; nil makes the test fail as `domainUnknown` once the devices
    /// opened. With `hypercalls`, the copy proof stands in where the mapping cannot be used.
    public init(system: any XenDeviceSystem, domain: SelfDomain?, hypercalls: (any HypervisorCalls)? = nil) {
        self.system = system
        self.domain = domain
        self.hypercalls = hypercalls
    }

    /// Where each direction's bytes go in the page: the granter writes at the start, the mapper
    /// in the second half, so each check reads bytes the other side alone wrote.
    static let granterOffset = 0
    static let mapperOffset = 2048

    /// The bytes each side writes: a marker and which side wrote it, so a stale or zero page
    /// cannot pass.
    static func pattern(_ side: String) -> [UInt8] { Array("xen-detect grant-table selftest: written by \(side)".utf8) }

    /// Where the mapping proof is refused, this project's policy: it runs only in a PV guest,
    /// where it passed (PV dom0 of Xen 4.17 and 4.20); elsewhere the copy proof runs instead, or,
    /// without `hypercalls`, the test fails as `SelfTestFailure.unsafeHere`. In an auto-translated
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

    /// Runs the test; signals are caught for its duration so an interruption still releases all.
    /// In a context `unsafeReason` names, the copy proof runs; without `hypercalls` it opens
    /// nothing and fails as `unsafeHere`. A refused mapping falls back to the copy proof too.
    public func run() -> GrantTableReport {
        var report = GrantTableReport(domain: domain)
        let refusedHere = Self.unsafeReason(guestType: system.readLine(Self.guestTypePath), domain: domain)
        if let refusedHere, hypercalls == nil {
            report.failure = .unsafeHere(refusedHere)
            return report
        }
        system.catchInterruptions()
        do throws(SelfTestFailure) {
            var allocator = try step(opening: .grantAllocator) { () throws(SystemError) in try GrantAllocatorDevice(system: system) }
            if let refusedHere {
                report.mappingNotUsed = "not tried: \(refusedHere)"
                try copyProof(&allocator, &report)
            } else {
                try mappingProof(&allocator, &report)
            }
        } catch {
            report.failure = error
        }
        return report
    }

    private func step<T: ~Copyable>(opening device: XenDevice? = nil, _ call: () throws(SystemError) -> T) throws(SelfTestFailure) -> T {
        try SelfTestFailure.step(system, opening: device, call)
    }

    private func mappingProof(_ allocator: inout GrantAllocatorDevice, _ report: inout GrantTableReport) throws(SelfTestFailure) {
        let system = self.system
        var mapper = try step(opening: .grantMapper) { () throws(SystemError) in try GrantMapperDevice(system: system) }
        // After the devices: their absence is the plainer answer off Xen or without the modules.
        guard let domain else { throw SelfTestFailure.domainUnknown }
        let page = try step { () throws(SystemError) in try allocator.grantPage(to: domain.id) }
        report.grantReference = page.ref
        let ref = page.ref
        let grant: MappedGrant
        do throws(SelfTestFailure) {
            grant = try step { () throws(SystemError) in try mapper.map(ref: ref, of: domain.id) }
        } catch {
            // Xen or the kernel refused the mapping of one's own grant: the next best proof.
            guard case .refused = error, hypercalls != nil else { throw error }
            do throws(SystemError) { try allocator.release(page) } catch { throw released(error) }
            report.grantReference = nil
            report.mappingNotUsed = "refused: \(error.description)"
            return try copyProof(&allocator, &report)
        }
        report.mapped = true

        let fromGranter = Self.pattern("the granter (gntalloc)")
        guard allocator.write(page, offset: Self.granterOffset, fromGranter) else {
            throw SelfTestFailure.roundTripFailed("cannot write the granted page")
        }
        let seenByMapper = mapper.read(grant, offset: Self.granterOffset, count: fromGranter.count)
        report.forward = seenByMapper == fromGranter
        let fromMapper = Self.pattern("the mapper (gntdev)")
        guard mapper.write(grant, offset: Self.mapperOffset, fromMapper) else {
            throw SelfTestFailure.roundTripFailed("cannot write through the grant mapping")
        }
        let seenByGranter = allocator.read(page, offset: Self.mapperOffset, count: fromMapper.count)
        report.backward = seenByGranter == fromMapper
        try conclude(report, forwardFailure: "the mapping of grant \(page.ref) does not show the bytes written to the granted page",
                     backwardFailure: "the granted page does not show the bytes written through the mapping of grant \(page.ref)")
        // The mapping first (Xen drops its pin on the grant), then the grant.
        do throws(SystemError) {
            try mapper.unmap(grant)
            try allocator.release(page)
        } catch { throw released(error) }
        report.released = true
    }

    /// After both directions: a signal caught meanwhile ends the test; else a direction whose
    /// bytes did not arrive is the round trip's failure, described by its message.
    private func conclude(_ report: GrantTableReport, forwardFailure: @autoclosure () -> String,
                          backwardFailure: @autoclosure () -> String) throws(SelfTestFailure) {
        if let signal = system.caughtSignal() { throw SelfTestFailure.interrupted(signal: signal) }
        guard report.forward else { throw SelfTestFailure.roundTripFailed(forwardFailure()) }
        guard report.backward else { throw SelfTestFailure.roundTripFailed(backwardFailure()) }
    }

    /// A failed release call of the test's own is its failure (the owners release the rest).
    private func released(_ error: SystemError) -> SelfTestFailure { SelfTestFailure.from(error, signal: system.caughtSignal()) }

    /// Two pages granted to this domain; Xen copies the first's bytes into the second, and the
    /// second's into the first (GNTTABOP_copy through privcmd); each copy read back; both released.
    private func copyProof(_ allocator: inout GrantAllocatorDevice, _ report: inout GrantTableReport) throws(SelfTestFailure) {
        report.proof = .copy
        guard let hypercalls else { throw SelfTestFailure.unsafeHere(report.mappingNotUsed ?? "no privcmd for the copy proof") }
        let hypercaller: PrivcmdHypercaller
        do throws(HypercallError) {
            hypercaller = try PrivcmdHypercaller(system: hypercalls)
        } catch {
            throw SelfTestFailure.from(error, operation: "open \(XenDevice.privcmd.path)", signal: system.caughtSignal())
        }
        guard let domain else { throw SelfTestFailure.domainUnknown }
        let first = try step { () throws(SystemError) in try allocator.grantPage(to: domain.id) }
        report.grantReference = first.ref
        let second = try step { () throws(SystemError) in try allocator.grantPage(to: domain.id) }
        report.secondGrantReference = second.ref

        report.forward = try copyAcross(hypercaller, allocator, from: first, to: second, Self.pattern("Xen from the first grant (GNTTABOP_copy)"))
        report.backward = try copyAcross(hypercaller, allocator, from: second, to: first, Self.pattern("Xen from the second grant (GNTTABOP_copy)"))
        try conclude(report, forwardFailure: "grant \(second.ref) does not show the bytes Xen copied from grant \(first.ref)",
                     backwardFailure: "grant \(first.ref) does not show the bytes Xen copied from grant \(second.ref)")
        do throws(SystemError) {
            try allocator.release(second)
            try allocator.release(first)
        } catch { throw released(error) }
        report.released = true
    }

    /// Writes `bytes` at the start of `source`, has Xen copy them into `destination`'s second
    /// half, and tells whether they arrived. A refused copy is the test's failure, named.
    private func copyAcross(_ hypercaller: PrivcmdHypercaller, _ allocator: borrowing GrantAllocatorDevice,
                            from source: borrowing GrantedPage, to destination: borrowing GrantedPage,
                            _ bytes: [UInt8]) throws(SelfTestFailure) -> Bool {
        guard allocator.write(source, offset: Self.granterOffset, bytes) else {
            throw SelfTestFailure.roundTripFailed("cannot write granted page \(source.ref)")
        }
        let operation = "GNTTABOP_copy of grant \(source.ref) to grant \(destination.ref)"
        let status: GrantStatus
        do throws(HypercallError) {
            status = try hypercaller.copy(bytes.count, from: source, at: Self.granterOffset, to: destination, at: Self.mapperOffset)
        } catch {
            // EPERM from a domU's privcmd is the kernel's, not Xen's, when XENVER_version (which
            // Xen answers every guest) is refused too: say how to lift it.
            let blocked = error.errno == .notPermitted && (try? hypercaller.xenVersion(.version).result.errno) == .EPERM
            throw SelfTestFailure.from(error, operation: blocked ? "\(operation) (\(PrivcmdHypercaller.kernelBlocksMessage))" : operation,
                                       signal: system.caughtSignal())
        }
        guard status == .okay else { throw SelfTestFailure.grantRefused(operation: operation, status: status) }
        return allocator.read(destination, offset: Self.mapperOffset, count: bytes.count) == bytes
    }
}

/// Which proof a grant-table self-test ran (`GrantTableSelfTest`).
public enum GrantProof: String, Sendable, Equatable {
    /// A gntalloc grant mapped back through gntdev; bytes crossed between the two mappings.
    case mapping
    /// Two gntalloc grants; Xen copied bytes from each into the other (GNTTABOP_copy).
    case copy

    /// What the proof did, for people.
    public var summary: String {
        switch self {
        case .mapping: "gntalloc grant mapped back through gntdev"
        case .copy: "Xen copied between two gntalloc grants (GNTTABOP_copy)"
        }
    }
}

/// What one grant-table self-test found: one decision, rendered as text and JSON.
public struct GrantTableReport: Sendable {
    /// The domain the pages were granted to; nil when unknown.
    public let domain: SelfDomain?
    /// The proof that ran (the copy once the mapping was not used).
    public var proof = GrantProof.mapping
    /// Why the mapping proof was not used, when the copy proof stood in: "not tried: ..." (this
    /// project's policy) or "refused: ..." (Xen or the kernel refused it); nil otherwise.
    public var mappingNotUsed: String?
    /// The grant reference gntalloc returned (the copy's first grant); nil before it.
    public var grantReference: UInt32?
    /// The copy proof's second grant; nil for the mapping proof.
    public var secondGrantReference: UInt32?
    /// True once gntdev mapped the grant (the mmap, where Xen maps it, succeeded); mapping only.
    public var mapped = false
    /// Mapping: bytes written to the granted page were read through the grant mapping. Copy:
    /// bytes Xen copied from the first grant arrived in the second.
    public var forward = false
    /// Mapping: bytes written through the grant mapping were read in the granted page. Copy:
    /// bytes Xen copied from the second grant arrived in the first.
    public var backward = false
    /// True when the test's own calls released everything (unmapped, deallocated).
    public var released = false
    /// Why it did not complete; nil when both directions worked.
    public var failure: SelfTestFailure?

    /// A report before the test ran.
    public init(domain: SelfDomain?) { self.domain = domain }

    /// True when both directions worked and everything was released.
    public var passed: Bool { failure == nil }
}
