import CPUIDProbe
import Testing
import XenSystem

/// The `leaves` listing printed as a dump must read back to the same report.
@Suite struct LeafListingRoundTripTests {
    /// Found by Fuzz/Targets/hypervisor-scan.swift (seed regression-first-base-listing-without-leaf1):
    /// a first-base-only listing (`leaves --source pv`) left out leaf 1, so the report read back
    /// from it saw a clear hypervisor bit and no hypervisor at all.
    @Test(arguments: [ScanMode.firstBaseOnly, .firstUnused, .exhaustive])
    func listingReadsBackToTheSameReport(mode: ScanMode) throws {
        let leaf1 = CPUIDRegisters(eax: 0x00a0_0f11, ebx: 0x0002_0800, ecx: 0xfffa_3203, edx: 0x178b_fbff)
        let table = TableCPUID(name: "t", entries: [
            key(1): leaf1,
            key(0x4000_0000): signatureRegisters("KVMKVMKVM", eax: 0x4000_0001),
            key(0x4000_0001): CPUIDRegisters(eax: 0x0100_0000, ebx: 0, ecx: 0, edx: 0),
        ])
        let listing = try LeafListing.read(table, mode: mode)
        #expect(listing.entries.first.map { [$0.leaf, $0.subleaf] } == [1, 0])
        #expect(listing.entries.first?.registers == leaf1)
        let dump = try CPUIDDump(parsing: listing.dumpText)
        let source = try #require(dump.source(name: "t"))
        let original = try ProbeReport.probe(source: table, pv: nil, system: nil, mode: mode)
        let readBack = try ProbeReport.probe(source: source, pv: nil, system: nil, mode: mode)
        #expect(readBack == original)
        #expect(readBack.hypervisors.map(\.name) == ["kvm"])
    }
}
