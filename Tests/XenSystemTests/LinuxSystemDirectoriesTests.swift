import Foundation
import Testing
import XenSystem
import XenSystemTesting

/// The real directory calls against a directory this test makes, and the fake's.
@Suite struct LinuxSystemDirectoriesTests {
    @Test func listsAndReadsLinks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xd-dir-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/b", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: dir + "/a", withDestinationPath: "../x/vbd-51712")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let system = LinuxSystem()
        #expect(try system.listDirectory(dir) == ["a", "b", "sub"])
        #expect(try system.readLink(dir + "/a") == "../x/vbd-51712")
        #expect(throws: SystemError("readlink", dir + "/b", .invalidArgument)) { try system.readLink(dir + "/b") }
        #expect(throws: SystemError("opendir", dir + "/none", .noSuchFile)) { try system.listDirectory(dir + "/none") }
    }

    @Test func fakeDerivesListings() throws {
        let s = RecordingDirectorySystem()
        try s.load(recording: """
            # a comment
            D /sys/bus/xen/drivers/vbd
            L /sys/block/xvda ../devices/vbd-51712/block/xvda
            F /sys/bus/xen/devices/vbd-51712/state Connected\\n
            F /proc/xen/xenbus
            """)
        #expect(try s.listDirectory("/sys/bus/xen") == ["devices", "drivers"])
        #expect(try s.listDirectory("/sys/block") == ["xvda"])
        #expect(try s.readLink("/sys/block/xvda") == "../devices/vbd-51712/block/xvda")
        #expect(s.readLine("/sys/bus/xen/devices/vbd-51712/state") == "Connected")
        #expect(s.isDirectory("/sys/bus/xen"))
        #expect(throws: SystemError("opendir", "/sys/class/net", .noSuchFile)) { try s.listDirectory("/sys/class/net") }
        #expect(throws: RecordingDirectorySystem.RecordingError(line: 1, text: "X /nothing")) { try s.load(recording: "X /nothing") }
        #expect(s.calls.first == .listDirectory("/sys/bus/xen"))
    }
}
