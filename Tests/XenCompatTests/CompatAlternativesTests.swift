import Testing
import XenInterface
@testable import XenCompat

/// A union carried by a chosen alternative, as Xen's XLAT_ selectors do (xlat_start_info with
/// XLAT_start_info_console_dom0, xen/common/compat/xlat.c): measured on a 32-bit PV dom0, whose
/// start_info.console holds dom0.info_off and dom0.info_size.
@Suite struct CompatAlternativesTests {
    private func compatStartInfo(infoOff: UInt64, infoSize: UInt64) throws -> [UInt8] {
        try StructDescription.start_info.layout32.encode(
            StructValue(["console.dom0.info_off": [infoOff], "console.dom0.info_size": [infoSize]]))
    }

    @Test func theDom0AlternativeKeepsBothMembers() throws {
        let native = try CompatTranslator(.start_info, alternatives: ["console": "dom0"])
            .toNative(try compatStartInfo(infoOff: 1168, infoSize: 40))
        let value = try StructDescription.start_info.layout64.decode(native)
        #expect(value["console.dom0.info_off"] == 1168)
        #expect(value["console.dom0.info_size"] == 40)
    }

    @Test func theWidestAlternativeIsTheDefault() throws {
        // Without a choice the 8-byte domU.mfn carries the first 4 compat bytes and domU.evtchn
        // the next 4: read as dom0 on the native side, info_size is lost.
        let native = try CompatTranslator(.start_info).toNative(try compatStartInfo(infoOff: 1168, infoSize: 40))
        let value = try StructDescription.start_info.layout64.decode(native)
        #expect(value["console.domU.mfn"] == 1168)
        #expect(value["console.domU.evtchn"] == 40)
        #expect(value["console.dom0.info_size"] == 0)
    }

    @Test func theChosenAlternativeRoundTrips() throws {
        let translator = try CompatTranslator(.start_info, alternatives: ["console": "dom0"])
        let compat = try compatStartInfo(infoOff: 1168, infoSize: 40)
        #expect(try translator.toCompat(try translator.toNative(compat)) == compat)
        #expect(!translator.nativeOnly.contains { $0.path.hasPrefix("console.") })
    }
}
