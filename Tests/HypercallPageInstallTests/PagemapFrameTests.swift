import Foundation
import Testing
@testable import HypercallPageInstall
import XenSystem

/// The installer's frame reading, against this machine's real /proc/self/pagemap.
struct PagemapFrameTests {
    let system = LinuxSystem()

    /// pagemap gives the frame of a locked page to root; others see frame 0 and are told so.
    @Test func pagemapFrameOfALockedPage() throws {
        let installer = HypercallPageInstaller(system: system)
        let region = try system.mapLockedAnonymous(length: 4096)
        defer { region.release() }
        if geteuid() == 0 {
            let frame = try installer.frame(of: region)
            #expect(frame > 0)
            #expect(frame < 1 << 52)
        } else {
            do { _ = try installer.frame(of: region); Issue.record("frame without root") } catch {
                #expect(error.kind == .permission)
            }
        }
    }
}
