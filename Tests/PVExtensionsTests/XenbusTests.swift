import PVExtensions
import Testing
import XenInterface

@Suite struct XenbusTests {
    /// Every state is public/io/xenbus.h's enumerator whose name is its sysfs word (Linux's
    /// xenbus_strstate spells them as the header does), with the generated number, and every
    /// enumerator of the header has a state.
    @Test func statesAreTheHeadersEnumerators() throws {
        let group = try #require(XenConstantGroup.all.first { $0.group == "xenbus_state" })
        #expect(group.header == "io/xenbus.h")
        #expect(group.constants.count == XenbusState.allCases.count)
        for s in XenbusState.allCases {
            #expect(group.value(s.sysfsName) == s.number, "\(s)")
            #expect(XenbusState(number: s.number) == s)
            #expect(XenbusState(sysfsName: s.sysfsName) == s)
        }
        #expect(XenbusState.connected.number == 4, "public/io/xenbus.h: XenbusStateConnected = 4")
        #expect(XenbusState(number: 9) == nil)
        #expect(XenbusState(sysfsName: "connected") == nil, "the kernel's words are capitalised")
    }
}
