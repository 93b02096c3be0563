import CPUIDProbe
import Testing
import XenSystem

@Suite struct XenLeavesTests {
    @Test func versionSplitsEAX() {
        let v = XenVersion(eax: 0x0004_0011)
        #expect(v.major == 4 && v.minor == 17)
        #expect(XenVersion(eax: 0xffff_0000) == XenVersion(major: 0xffff, minor: 0))
    }

    @Test func hypercallLeafFields() {
        let h = XenHypercallLeaf(CPUIDRegisters(eax: 1, ebx: 0x4000_0200, ecx: 1, edx: 0x8000_0000))
        #expect(h.hypercallPages == 1)
        #expect(h.msrBase == 0x4000_0200)
        #expect(h.features1.contains(.mmuPTUpdatePreserveAD))
        #expect(h.features2 == 0x8000_0000)
        #expect(!XenHypercallLeaf(CPUIDRegisters(eax: 1, ebx: 0, ecx: 2, edx: 0)).features1.contains(.mmuPTUpdatePreserveAD))
    }

    @Test func tscLeafSubleaves() {
        let t = XenTSCLeaf(
            sub0: CPUIDRegisters(eax: 0b101, ebx: 2, ecx: 2_000_000, edx: 3),
            sub1: CPUIDRegisters(eax: 0x8765_4321, ebx: 0x1, ecx: 0xdead_beef, edx: 0xffff_fffe),
            sub2: CPUIDRegisters(eax: 2_100_000, ebx: 0, ecx: 0, edx: 0))
        #expect(t.flags == [.emulated, .rdtscp])
        #expect(t.mode == .neverEmulate && t.rawMode == 2)
        #expect(t.guestKHz == 2_000_000 && t.incarnation == 3)
        #expect(t.offset == 0x1_8765_4321)
        #expect(t.mul == 0xdead_beef && t.shift == -2)
        #expect(t.hostKHz == 2_100_000)
        #expect(XenTSCLeaf(sub0: CPUIDRegisters(eax: 0, ebx: 9, ecx: 0, edx: 0), sub1: .zero, sub2: .zero).mode == nil)
    }

    @Test func hvmLeafIdsOnlyWhenFlagged() {
        let present = XenHVMLeaf(CPUIDRegisters(eax: 0b1111000, ebx: 3, ecx: 7, edx: 0))
        #expect(present.features == [.vcpuIDPresent, .domIDPresent, .extDestID, .upcallVector])
        #expect(present.vcpuID == 3 && present.domainID == 7)
        let absent = XenHVMLeaf(CPUIDRegisters(eax: 0b0000111, ebx: 3, ecx: 7, edx: 0))
        #expect(absent.features == [.apicAccessVirt, .x2apicVirt, .iommuMappings])
        #expect(absent.vcpuID == nil && absent.domainID == nil)
    }

    @Test func pvLeafAddressWidthIsLowByte() {
        let p = XenPVLeaf(CPUIDRegisters(eax: 0, ebx: 0xffff_ff2c, ecx: 0, edx: 0))
        #expect(p.machineAddressWidth == 44)
        #expect(p.maxSubleaf == 0)
    }

    @Test func readStopsAtMaxLeaf() throws {
        let source = CountingCPUID(TableCPUID(entries: [
            key(0x4000_0000): signatureRegisters("XenVMMXenVMM", eax: 0x4000_0002),
            key(0x4000_0001): CPUIDRegisters(eax: 0x0004_0011, ebx: 0, ecx: 0, edx: 0),
            key(0x4000_0002): CPUIDRegisters(eax: 1, ebx: 0x4000_0000, ecx: 0, edx: 0),
            key(0x4000_0004): CPUIDRegisters(eax: 0x18, ebx: 0, ecx: 0, edx: 0),
        ]))
        let range = HypervisorRange(leafBase: 0x4000_0000, registers: signatureRegisters("XenVMMXenVMM", eax: 0x4000_0002))
        let leaves = try XenLeaves.read(source, range: range)
        #expect(leaves.version == XenVersion(major: 4, minor: 17))
        #expect(leaves.tsc == nil && leaves.hvm == nil && leaves.pv == nil)
        #expect(source.executions == 2)
    }

    @Test func kvmAndHyperVLeaves() {
        let k = KVMFeatureLeaf(CPUIDRegisters(eax: 0x0100_7efb, ebx: 0, ecx: 0, edx: 0))
        #expect(k.featureList.contains("clocksource2"))
        #expect(k.featureList.contains("clocksource_stable_bit"))
        #expect(k.featureList.contains("nop_io_delay"))
        #expect(!k.featureList.contains("mmu_op"))
        let h = HyperVInterfaceLeaf(CPUIDRegisters(eax: HyperVInterfaceLeaf.hv1, ebx: 0, ecx: 0, edx: 0))
        #expect(h.text == "Hv#1")
    }
}
