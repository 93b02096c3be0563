import Testing
import CPUIDProbe
import XenSystem

/// Leaf 0's vendor string, read through a source, from the real recordings.
@Suite struct CPUVendorTests {
    @Test func vendorOfTheRecordedMachines() throws {
        // This project's development machine and QEMU's TCG guests run on AMD EPYC hosts.
        #expect(try CPUVendor.read(from: Fixture.source("kvm-epyc-host.cpuid")) == "AuthenticAMD")
        #expect(try CPUVendor.read(from: Fixture.source("xen-4.17-hvm-viridian-domu.cpuid")) == "AuthenticAMD")
    }

    @Test func registersInSDMOrder() throws {
        // "GenuineIntel": EBX "Genu", EDX "ineI", ECX "ntel".
        let table = TableCPUID(entries: [TableCPUID.Key(leaf: 0, subleaf: 0):
            CPUIDRegisters(eax: 0xd, ebx: 0x756e_6547, ecx: 0x6c65_746e, edx: 0x4965_6e69)])
        #expect(try CPUVendor.read(from: table) == "GenuineIntel")
    }
}
