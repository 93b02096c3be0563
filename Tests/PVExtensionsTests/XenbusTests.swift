import PVExtensions
import Testing

@Suite struct XenbusTests {
    /// public/io/xenbus.h numbers the states 0..8; Linux's xenbus_strstate names them.
    @Test func statesRoundTrip() {
        #expect(XenbusState.allCases.map(\.rawValue) == Array(0...8))
        #expect(XenbusState.connected.rawValue == 4)
        for s in XenbusState.allCases { #expect(XenbusState(sysfsName: s.sysfsName) == s) }
        #expect(XenbusState(sysfsName: "connected") == nil, "the kernel's words are capitalised")
    }
}
