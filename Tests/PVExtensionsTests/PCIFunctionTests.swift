import PVExtensions
import Testing

@Suite struct PCIFunctionTests {
    @Test func classesAndNames() {
        let ide = PCIFunction(address: "0000:00:01.1", vendor: 0x8086, device: 0x7010, classCode: 0x010180, driver: "ata_piix")
        #expect(ide.isStorage && !ide.isNetwork && !ide.isXenPlatform)
        #expect(ide.knownName == "PIIX3 IDE")
        #expect(ide.ids == "8086:7010")
        let platform = PCIFunction(address: "0000:00:02.0", vendor: 0x5853, device: 0x0001, classCode: 0xff8000, driver: nil)
        #expect(platform.isXenPlatform && !platform.isStorage)
        let nic = PCIFunction(address: "0000:00:03.0", vendor: 0x10ec, device: 0x8139, classCode: 0x020000, driver: "8139cp")
        #expect(nic.isNetwork && nic.knownName == "rtl8139")
    }
}
