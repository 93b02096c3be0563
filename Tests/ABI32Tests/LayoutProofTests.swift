import Foundation
import Testing
import ABITestSupport
import XenInterface
@testable import ABI32

/// Every covered structure's x86_32 layout against gcc -m32 on Xen's real headers
/// (the checks themselves: ABITestSupport/LayoutProof.swift).
@Suite struct LayoutProofTests32 {
    static var proof: LayoutProof { LayoutProof(bits: 32, architecture: .x86_32) { $0.layout32 } }

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
}
