import CPUIDProbe
import Testing
import XenSystem

@Suite struct HypervisorScanTests {
    static let leaf1WithBit = CPUIDRegisters(eax: 0, ebx: 0, ecx: 1 << 31, edx: 0)

    @Test func thisMachineStopsAtFirstUnusedBoundary() throws {
        let source = CountingCPUID(try Fixture.source("kvm-epyc-host.cpuid"))
        let scan = try HypervisorScan.scan(source, mode: .firstUnused, checkHypervisorBit: true)
        #expect(scan.hypervisorBit == true)
        #expect(scan.ranges.map(\.name) == ["kvm"])
        #expect(scan.ranges[0].maxLeaf == 0x4000_0001)
        // leaf 1, 0x40000000 (KVM), 0x40000100 (unused): three CPUIDs, not 257.
        #expect(source.executions == 3)
    }

    /// The drop-in's scan keeps no list; on every recorded machine it finds the range the listing
    /// scan stopping at Xen finds, with as many CPUIDs, in every mode.
    @Test(arguments: ["kvm-epyc-host.cpuid", "qemu-tcg-linux.cpuid", "xen-4.17-hvm-domu.cpuid",
                      "xen-4.17-hvm-viridian-domu.cpuid", "xen-4.20-hvm-viridian-domu.cpuid"])
    func firstXenIsTheListingScansXen(fixture: String) throws {
        for mode in [ScanMode.firstUnused, .exhaustive, .firstBaseOnly] {
            for bit in [true, false] {
                let listing = CountingCPUID(try Fixture.source(fixture))
                let lean = CountingCPUID(try Fixture.source(fixture))
                let scan = try HypervisorScan.scan(listing, mode: mode, checkHypervisorBit: bit, stopAtXen: true)
                let xen = try HypervisorScan.firstXen(lean, mode: mode, checkHypervisorBit: bit)
                #expect(xen == scan.xen, "\(fixture) \(mode) bit \(bit)")
                #expect(lean.executions == listing.executions, "\(fixture) \(mode) bit \(bit)")
            }
        }
        let xen = try HypervisorScan.firstXen(try Fixture.source(fixture), mode: .firstUnused, checkHypervisorBit: true)
        #expect((xen != nil) == fixture.hasPrefix("xen-"))
        if fixture.contains("viridian") { #expect(xen?.leafBase == 0x4000_0100) }
    }

    @Test func signatureFromTextIsTheRegistersNULPadded() {
        #expect(HypervisorSignature(text: "XenVMMXenVMM") == .xen)
        #expect(HypervisorSignature(text: "KVMKVMKVM") == HypervisorSignature(ebx: 0x4b4d_564b, ecx: 0x564b_4d56, edx: 0x0000_004d))
        #expect(HypervisorSignature(text: "") == HypervisorSignature(ebx: 0, ecx: 0, edx: 0))
        #expect(HypervisorSignature(text: "XenVMMXenVMMx") == nil)
        #expect(HypervisorSignature(text: "KVMKVMKVM")?.bytes == Array("KVMKVMKVM".utf8) + [0, 0, 0])
    }

    @Test func exhaustiveScanReadsAllBases() throws {
        let source = CountingCPUID(try Fixture.source("kvm-epyc-host.cpuid"))
        let scan = try HypervisorScan.scan(source, mode: .exhaustive, checkHypervisorBit: false)
        #expect(scan.ranges.map(\.name) == ["kvm"])
        #expect(source.executions == 256)
    }

    @Test func clearHypervisorBitEndsTheScan() throws {
        let source = CountingCPUID(TableCPUID(entries: [
            key(1): .zero,
            key(0x4000_0000): signatureRegisters("XenVMMXenVMM", eax: 0x4000_0002),
        ]))
        let scan = try HypervisorScan.scan(source, mode: .firstUnused, checkHypervisorBit: true)
        #expect(scan.hypervisorBit == false)
        #expect(scan.ranges.isEmpty)
        #expect(source.executions == 1)
    }

    @Test func viridianPutsXenAtTheSecondBase() throws {
        // Xen with viridian=1 (xen/arch/x86/cpuid.c): Hyper-V's leaves first, Xen's at 0x40000100,
        // as recorded by Debian's cpuid in the stage's HVM domU with viridian = 1 (docs/domu.md).
        let source = CountingCPUID(try Fixture.source("xen-4.17-hvm-viridian-domu.cpuid"))
        let scan = try HypervisorScan.scan(source, mode: .firstUnused, checkHypervisorBit: true)
        #expect(scan.ranges.map(\.name) == ["microsoft", "xen"])
        #expect(scan.ranges.map(\.leafBase) == [0x4000_0000, 0x4000_0100])
        #expect(scan.ranges.map(\.signature.description) == ["Microsoft Hv", "XenVMMXenVMM"])
        #expect(scan.xen?.leafBase == 0x4000_0100)
        // Leaf 1, both ranges and the unused 0x40000200: one CPUID per hypervisor plus one.
        #expect(source.executions == 4)
    }

    @Test func unknownHypervisorWithPlausibleMaxLeafIsKeptAndScanContinues() throws {
        let source = TableCPUID(entries: [
            key(1): Self.leaf1WithBit,
            key(0x4000_0000): signatureRegisters("NewVisor!!!!", eax: 0x4000_0003),
            key(0x4000_0100): signatureRegisters("XenVMMXenVMM", eax: 0x4000_0102),
        ])
        let scan = try HypervisorScan.scan(source, mode: .firstUnused, checkHypervisorBit: true)
        #expect(scan.ranges.map(\.name) == ["unknown", "xen"])
        #expect(scan.ranges[0].signature.description == "NewVisor!!!!")
    }

    @Test func xenNeedsMaxLeafAtLeastBasePlusTwo() throws {
        let source = TableCPUID(entries: [
            key(1): Self.leaf1WithBit,
            key(0x4000_0000): signatureRegisters("XenVMMXenVMM", eax: 0x4000_0001),
        ])
        let scan = try HypervisorScan.scan(source, mode: .firstUnused, checkHypervisorBit: true)
        #expect(scan.ranges.count == 1)
        #expect(scan.xen == nil)
    }

    @Test(arguments: HypervisorVendor.table)
    func everyKnownSignatureIsNamed(entry: (signature: String, vendor: HypervisorVendor)) throws {
        let r = signatureRegisters(entry.signature, eax: 0x4000_0001)
        let range = HypervisorRange(leafBase: 0x4000_0000, registers: r)
        #expect(range.vendor == entry.vendor)
        #expect(range.signature.description == entry.signature.replacingOccurrences(of: "\0", with: ""))
    }

    @Test func signatureTextEscapesNonPrintables() {
        let s = HypervisorSignature(ebx: 0x0102_4142, ecx: 0, edx: 0)
        #expect(s.description == "BA\\x02\\x01")
    }
}
