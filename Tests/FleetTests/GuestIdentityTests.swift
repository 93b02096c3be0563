import Fleet
import Testing
import XenSystem
import XenSystemTesting

@Suite struct GuestIdentityTests {
    /// An HVM guest: hvmloader's SMBIOS strings, as Linux publishes them, and the domain's UUID.
    @Test func hvmGuestHasDMIAndUUID() {
        let s = RecordingSystem()
        s.directories.insert("/sys/class/dmi/id")
        s.addFile("/sys/class/dmi/id/sys_vendor", "Xen\n")
        s.addFile("/sys/class/dmi/id/product_name", "HVM domU\n")
        s.addFile("/sys/class/dmi/id/product_version", "4.17.7\n")
        s.addFile("/sys/class/dmi/id/bios_version", "4.17.7\n")
        s.addFile("/sys/hypervisor/uuid", "6485fe00-e90d-11f1-ac71-bbee5fe5569b\n")
        let id = GuestIdentity.read(s)
        #expect(id == GuestIdentity(read: true, dmi: .init(sysVendor: "Xen", productName: "HVM domU",
                                                            productVersion: "4.17.7", biosVersion: "4.17.7"),
                                    uuid: "6485fe00-e90d-11f1-ac71-bbee5fe5569b"))
        // Reads only, and only these files.
        #expect(s.writes.isEmpty)
        #expect(s.calls.allSatisfy {
            if case .open = $0 { return false }
            return true
        })
    }

    /// PV and PVH boot without firmware tables: no /sys/class/dmi/id at all.
    @Test func pvAndPVHHaveNoDMI() {
        let s = RecordingSystem()
        s.addFile("/sys/hypervisor/uuid", "6aa3ed06-e90d-11f1-8ac3-fde7b9be67d2\n")
        let id = GuestIdentity.read(s)
        #expect(id.dmi == nil)
        #expect(id.uuid == "6aa3ed06-e90d-11f1-8ac3-fde7b9be67d2")
        #expect(!s.calls.contains(.readSmallFile("/sys/class/dmi/id/sys_vendor")))
    }

    /// A file that is absent is reported as absent, the others still read.
    @Test func absentFilesAreNil() {
        let s = RecordingSystem()
        s.directories.insert("/sys/class/dmi/id")
        s.addFile("/sys/class/dmi/id/sys_vendor", "QEMU\n")
        let id = GuestIdentity.read(s)
        #expect(id.dmi == .init(sysVendor: "QEMU"))
        #expect(id.uuid == nil)
        #expect(id.read)
    }

    /// Why there is no DMI: offline, a PV or PVH guest (no firmware tables), or no directory.
    @Test func dmiAbsenceReasons() {
        #expect(GuestIdentity.notRead.dmiAbsence(context: .pv) == .notRead)
        #expect(GuestIdentity(read: true).dmiAbsence(context: .pv) == .noFirmwareTables)
        #expect(GuestIdentity(read: true).dmiAbsence(context: .pvh) == .noFirmwareTables)
        #expect(GuestIdentity(read: true).dmiAbsence(context: .hvm) == .noDMIDirectory)
        #expect(GuestIdentity(read: true).dmiAbsence(context: nil) == .noDMIDirectory)
        #expect(GuestIdentity(read: true, dmi: .init(sysVendor: "Xen")).dmiAbsence(context: .hvm) == nil)
    }

    /// The recorded sysfs of the PVH domU holds its UUID.
    @Test func recordedPVHDomU() throws {
        let id = GuestIdentity.read(try Recorded.system("xen-4.17-pvh-domu"))
        #expect(id.dmi == nil)
        #expect(id.uuid == "7f67e2e1-ad94-48c6-9acd-71d25a32ae85")
    }
}
