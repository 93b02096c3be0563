import CPUIDProbe
import PVExtensions
import Rendering
import Testing
import XenSystem
import XenSystemTesting

/// The inventory of the recorded environments, against what each guest's kernel showed there
/// (the recordings' own /sys/block links, xenbus states, /proc/interrupts lines).
@Suite struct ExtensionInventoryTests {
    @Test(arguments: ["4.17", "4.20"]) func hvmWithPVDrivers(release: String) throws {
        let inv = try Recorded.inventory("xen-\(release)-hvm-pvio-domu", cpuid: "xen-4.17-hvm-domu.cpuid")
        #expect(inv.context == "HVM")
        #expect(inv.verdict == .pvOnHVM)
        let xvda = try #require(inv.devices.first { $0.name == "xvda" })
        #expect(xvda.path == .pv)
        #expect(xvda.deviceClass == .block)
        #expect(xvda.xenbus?.name == "vbd-51712")
        #expect(xvda.xenbus?.nodename == "device/vbd/51712")
        #expect(xvda.xenbus?.state == .connected)
        #expect(xvda.driver == "vbd")
        #expect(inv.devices.allSatisfy { $0.name != "lo" }, "virtual devices are not listed")
        #expect(inv.row(.pvBlock)?.inUse == true)
        #expect(inv.row(.pvBlock)?.available == true)
        #expect(inv.row(.platformPCI)?.inUse == true, "xen-platform-pci bound to 5853:0001")
        #expect(inv.row(.pvClock)?.inUse == true)
        #expect(inv.clocksource == "xen")
        #expect(inv.row(.pvConsole)?.inUse == true)
        #expect(inv.row(.balloon)?.inUse == true)
        #expect(inv.row(.pvSpinlocks)?.inUse == false, "one vCPU: no spinlock IPIs")
        #expect(inv.row(.eventChannels)?.inUse == true)
        #expect(inv.delivery == .callbackVector, "HYP counts in /proc/interrupts")
        #expect(inv.row(.mmuOperations) == nil, "PV only")
        #expect(inv.unplug.cmdline == nil)
        // The PIIX IDE controller stays on the bus (with no disk on it): unplugging removes the disks.
        #expect(inv.unplug.remaining.map(\.ids) == ["8086:7010"])
        #expect(inv.unattached.isEmpty)
        #expect(inv.text.split(separator: "\n").last == "I/O: PV-on-HVM")
        #expect(inv.text.split(separator: "\n").contains { $0.split(separator: " ") == ["xvda", "block", "pv", "vbd-51712", "vbd", "Connected", "-"] })
        #expect(inv.inUse.contains(.pvBlock))
        // The JSON carries the same decision.
        let json = inv.json.rendered
        #expect(json.contains("\"io\": \"I/O: PV-on-HVM\""))
        #expect(json.contains("\"frontend\": \"vbd-51712\""))
    }

    @Test(arguments: ["4.17", "4.20"]) func hvmWithEmulatedDisk(release: String) throws {
        let inv = try Recorded.inventory("xen-\(release)-hvm-emulated-domu", cpuid: "xen-4.17-hvm-domu.cpuid")
        #expect(inv.verdict == .emulated)
        let sda = try #require(inv.devices.first { $0.name == "sda" })
        #expect(sda.path == .emulated)
        #expect(sda.pci?.address == "0000:00:01.1")
        #expect(sda.pci?.ids == "8086:7010")
        #expect(sda.pci?.knownName == "PIIX3 IDE")
        #expect(sda.driver == "ata_piix")
        #expect(inv.unplug.cmdline == "never")
        #expect(inv.row(.pvBlock)?.inUse == false)
        #expect(inv.row(.pvBlock)?.available == true, "the platform device is there; the policy kept the emulated disk")
        // vbd-768, the PV twin of hda, stays on the xen bus without a driver: a line says so.
        #expect(inv.unattached.map(\.name).contains("vbd-768"))
        #expect(inv.problems.contains { $0.hasPrefix("vbd-768: on the xen bus with no frontend driver bound (xenbus state Initialising (1))") })
        #expect(inv.text.split(separator: "\n").last == "I/O: emulated (ioemu)")
    }

    /// The NIC of hvm-pvio-domu: the e1000 unplugged, xen-netfront on vif-0.
    @Test(arguments: ["4.17", "4.20"]) func hvmWithPVNIC(release: String) throws {
        let inv = try Recorded.inventory("xen-\(release)-hvm-pvio-domu", cpuid: "xen-4.17-hvm-domu.cpuid")
        let eth0 = try #require(inv.devices.first { $0.name == "eth0" })
        #expect(eth0.deviceClass == .network)
        #expect(eth0.path == .pv)
        #expect(eth0.xenbus?.name == "vif-0")
        #expect(eth0.xenbus?.nodename == "device/vif/0")
        #expect(eth0.xenbus?.state == .connected)
        #expect(eth0.driver == "vif")
        #expect(inv.row(.pvNet)?.inUse == true)
        #expect(inv.row(.pvNet)?.inUseEvidence.first == "vif-0 bound to vif (xen-netfront), Connected")
        #expect(inv.text.contains("\n  eth0    network  pv    vif-0      vif     Connected  -\n"))
        #expect(inv.inUse.contains(.pvNet))
        #expect(inv.devices.map(\.name) == ["xvda", "eth0"])
        #expect(!inv.unplug.remaining.contains { $0.isNetwork }, "the emulated NIC was unplugged")
        #expect(inv.verdict == .pvOnHVM)
    }

    /// The NIC of hvm-emulated-domu: the e1000 kept, vif-0 unattached.
    @Test(arguments: ["4.17", "4.20"]) func hvmWithEmulatedNIC(release: String) throws {
        let inv = try Recorded.inventory("xen-\(release)-hvm-emulated-domu", cpuid: "xen-4.17-hvm-domu.cpuid")
        let eth0 = try #require(inv.devices.first { $0.name == "eth0" })
        #expect(eth0.deviceClass == .network)
        #expect(eth0.path == .emulated)
        #expect(eth0.pci?.address == "0000:00:03.0")
        #expect(eth0.pci?.ids == "8086:100e")
        #expect(eth0.pci?.isNetwork == true)
        #expect(eth0.driver == "e1000")
        #expect(inv.row(.pvNet)?.inUse == false)
        #expect(inv.unplug.remaining.map(\.ids) == ["8086:7010", "8086:100e"])
        #expect(inv.unattached.map(\.name).contains("vif-0"))
        #expect(inv.problems.contains { $0.hasPrefix("vif-0: on the xen bus with no frontend driver bound (xenbus state Initialising (1))") })
        #expect(!inv.inUse.contains(.pvNet))
        #expect(inv.verdict == .emulated)
    }

    /// PV dom0 and the PV domU: the PV-only row, the PV upcall, no disk or NIC in the stage.
    @Test(arguments: ["xen-4.17-pv-dom0", "xen-4.20-pv-dom0", "xen-4.17-pv-domu"]) func pv(recording: String) throws {
        let inv = try Recorded.inventory(recording)
        #expect(inv.context == "PV")
        #expect(inv.row(.mmuOperations)?.inUse == true)
        #expect(inv.row(.platformPCI) == nil, "HVM only")
        #expect(inv.delivery == .pvUpcall)
        #expect(inv.devices.isEmpty)
        #expect(inv.verdict == .none)
    }

    /// PVH dom0 keeps the tsc clocksource (the domUs take xen): pv-clock offered, not in use.
    @Test(arguments: ["xen-4.17-pvh-dom0", "xen-4.20-pvh-dom0"]) func pvhDom0(recording: String) throws {
        let inv = try Recorded.inventory(recording)
        #expect(inv.context == "PVH")
        #expect(inv.clocksource == "tsc")
        #expect(inv.row(.pvClock)?.inUse == false)
        #expect(inv.row(.mmuOperations) == nil)
        #expect(inv.delivery == .callbackVector)
    }

    @Test func noXenBusIsALine() {
        let s = RecordingDirectorySystem()
        s.addFile("/sys/hypervisor/type", "xen\n")
        s.addFile("/sys/hypervisor/guest_type", "PVH\n")
        s.addFile("/proc/interrupts", "  CPU0\n")
        let inv = ExtensionInventory.read(s, context: "PVH", sysfs: SysfsHypervisor.read(s), leaves: nil)
        #expect(inv.problems.contains { $0.hasPrefix("no /sys/bus/xen:") })
        #expect(inv.row(.pvBlock)?.available == false)
        #expect(inv.verdict == .none)
        #expect(inv.text.split(separator: "\n").last == "I/O: no block or network devices")
    }

    /// A guest with one xenbus disk in the state and binding given.
    func disk(state: String, driver: Bool) -> ExtensionInventory {
        let s = RecordingDirectorySystem()
        s.addFile("/sys/hypervisor/type", "xen\n")
        s.addFile("/proc/interrupts", "  CPU0\n 52: 1 xen-dyn -event xenbus\n")
        s.addLink("/sys/block/xvda", "../devices/vbd-51712/block/xvda")
        s.addLink("/sys/bus/xen/devices/vbd-51712", "../../../devices/vbd-51712")
        s.addFile("/sys/bus/xen/devices/vbd-51712/devtype", "vbd\n")
        s.addFile("/sys/bus/xen/devices/vbd-51712/nodename", "device/vbd/51712\n")
        s.addFile("/sys/bus/xen/devices/vbd-51712/state", state + "\n")
        if driver { s.addLink("/sys/bus/xen/devices/vbd-51712/driver", "../../bus/xen/drivers/vbd") }
        return ExtensionInventory.read(s, context: "PVH", sysfs: SysfsHypervisor.read(s), leaves: nil)
    }

    @Test func stateNotConnectedIsALine() {
        let inv = disk(state: "InitWait", driver: true)
        #expect(inv.problems == ["vbd-51712 (xvda): xenbus state InitWait (2), not Connected (4)"])
        #expect(inv.row(.pvBlock)?.inUse == false)
        #expect(inv.verdict == .pv, "still a PV disk")
    }

    @Test func boundButBackendGoneIsALine() {
        let inv = disk(state: "Closed", driver: true)
        #expect(inv.problems == ["vbd-51712 (xvda): bound to vbd but its backend is gone or closing: xenbus state Closed (6)"])
        #expect(inv.row(.pvBlock)?.inUse == false)
    }

    @Test func connectedIsNoLine() {
        let inv = disk(state: "Connected", driver: true)
        #expect(inv.problems.isEmpty)
        #expect(inv.row(.pvBlock)?.inUse == true)
        #expect(inv.verdict == .pv)
    }

    @Test func unreadableDirectoryIsALine() {
        let s = RecordingDirectorySystem()
        s.addFile("/sys/hypervisor/type", "xen\n")
        s.addDirectory("/sys/block")
        s.base.files["/sys/block"] = []  // a file where a directory should be: ENOTDIR
        let inv = ExtensionInventory.read(s, context: "PVH", sysfs: SysfsHypervisor.read(s), leaves: nil)
        #expect(inv.problems.contains { $0.contains("/sys/block") })
    }

    @Test func verifiedHookFillsRows() throws {
        let inv = disk(state: "Connected", driver: true)
        #expect(inv.extensions.allSatisfy { $0.verified == nil }, "not checked by the inventory alone")
        let checked = inv.verified { $0 == .eventChannels ? .passed("round trip 12 µs") : nil }
        #expect(checked.row(.eventChannels)?.verified == .passed("round trip 12 µs"))
        #expect(checked.row(.grantTables)?.verified == nil)
        #expect(checked.text.contains("passed"))
    }

    /// Not recorded (no domU of the stage mixes the two paths): a PV disk and an emulated e1000 NIC,
    /// laid out as Linux lays out sysfs (net/core/net-sysfs.c: /sys/class/net/<if> -> the device).
    @Test func pvDiskAndEmulatedNICAreMixed() throws {
        let s = RecordingDirectorySystem()
        s.addFile("/sys/hypervisor/type", "xen\n")
        s.addLink("/sys/block/xvda", "../devices/vbd-51712/block/xvda")
        s.addLink("/sys/bus/xen/devices/vbd-51712/driver", "../../bus/xen/drivers/vbd")
        s.addFile("/sys/bus/xen/devices/vbd-51712/state", "Connected\n")
        s.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/0000:00:04.0/net/eth0")
        s.addLink("/sys/class/net/lo", "../../devices/virtual/net/lo")
        s.addFile("/sys/bus/pci/devices/0000:00:04.0/vendor", "0x8086\n")
        s.addFile("/sys/bus/pci/devices/0000:00:04.0/device", "0x100e\n")
        s.addFile("/sys/bus/pci/devices/0000:00:04.0/class", "0x020000\n")
        s.addLink("/sys/bus/pci/devices/0000:00:04.0/driver", "../../../bus/pci/drivers/e1000")
        let inv = ExtensionInventory.read(s, context: "HVM", sysfs: SysfsHypervisor.read(s), leaves: nil)
        #expect(inv.devices.map(\.name) == ["xvda", "eth0"])
        let eth0 = try #require(inv.devices.last)
        #expect(eth0.deviceClass == .network && eth0.path == .emulated && eth0.driver == "e1000")
        #expect(eth0.pci?.knownName == "e1000")
        #expect(inv.unplug.remaining.map(\.ids) == ["8086:100e"])
        #expect(inv.verdict == .mixed)
        #expect(inv.row(.pvNet)?.inUse == false)
        #expect(inv.row(.pvBlock)?.available == false, "an HVM guest without the platform device")
    }

    @Test func mixedIsDecided() {
        let pv = IODevice(name: "xvda", deviceClass: .block, path: .pv, sysfsLink: "", xenbus: nil, pci: nil)
        let emu = IODevice(name: "eth0", deviceClass: .network, path: .emulated, sysfsLink: "", xenbus: nil, pci: nil)
        #expect(IOVerdict.decide(context: "HVM", devices: [pv, emu]) == .mixed)
        #expect(IOVerdict.decide(context: "HVM", devices: [emu]) == .emulated)
        #expect(IOVerdict.decide(context: "HVM", devices: [pv]) == .pvOnHVM)
        #expect(IOVerdict.decide(context: "PV", devices: [pv]) == .pv)
        #expect(IOVerdict.decide(context: "PVH", devices: [pv]) == .pv)
    }
}
