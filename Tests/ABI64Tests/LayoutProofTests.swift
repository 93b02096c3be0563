import Foundation
import Testing
import ABITestSupport
import XenInterface
@testable import ABI64

/// Every covered structure's x86_64 layout against gcc -m64 on Xen's real headers
/// (the checks themselves: ABITestSupport/LayoutProof.swift).
@Suite struct LayoutProofTests64 {
    static var proof: LayoutProof { LayoutProof(bits: 64, architecture: .x86_64) { $0.layout64 } }

    @Test func everyStructureMatchesGcc() throws {
        #expect(try Self.proof.layoutMismatches() == [])
    }

    @Test func constantsMatchHeaders() throws {
        #expect(try Self.proof.constantMismatches() == [])
    }

    @Test func everyGuestStructureIsCovered() throws {
        let gaps = try Self.proof.coverageGaps()
        #expect(gaps.missing == [])
        #expect(gaps.extra == [])
        #expect(gaps.tags > 100)
    }

    @Test func everyMemberIsDescribedInHeaderOrder() throws {
        #expect(try Self.proof.memberOrderMismatches() == [])
    }

    /// Xen 4.20's headers (Debian 13's libxen-dev): every structure of the baseline keeps its
    /// layout and member order there, xen_varbuf (4.20 only) has the catalog's, and every number,
    /// the 4.20-only ones included, is 4.20's.
    static var proof420: LayoutProof {
        LayoutProof(bits: 64, architecture: .x86_64, release: .xen4_20) { $0.layout64 }
    }

    @Test func everyStructureMatchesGccOn420() throws {
        #expect(Self.proof420.covered.contains { $0.description.name == "xen_varbuf" })
        #expect(try Self.proof420.layoutMismatches() == [])
        #expect(try Self.proof420.memberOrderMismatches() == [])
    }

    @Test func constantsMatchHeadersOn420() throws {
        #expect(try Self.proof420.constantMismatches() == [])
    }

    /// The committed constant tables are what the generator writes from today's headers.
    @Test func generatedConstantsAreFresh() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let result = try HeaderProbe.execute("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/abi/gen-constants.py").path, "--check"])
        #expect(result.status == 0, "\(result.output)")
    }
}
