import XenInterface

/// The results file of one PV test-guest boot (scripts/xen-stage/testguest-pv.sh): the PVH
/// guest's records (calls, buffers, the hypercall page, `xen version=`) plus the PV guest's own
/// `start_info hex=` (the page Xen's domain builder handed over in ESI/RSI) and `pv key=value`
/// (the page-table facts the guest found: docs/test-guest.md, "The PV test guests").
package struct PVGuestResults: Sendable, Equatable {
    /// The records both guest kinds print.
    package let guest: GuestResults
    /// The 4096-byte page at start_info's address, if the guest printed it.
    package let startInfoPage: [UInt8]?
    /// The `pv` record: table_page, mfn, pte_maddr, pte, trap_handler.
    package let facts: [String: UInt64]

    package init(parsing text: String) throws(PlanError) {
        guest = try GuestResults(parsing: text)
        var page: [UInt8]?
        var facts: [String: UInt64] = [:]
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let words = line.split(separator: " ")
            switch words.first {
            case "start_info":
                guard words.count == 2, words[1].hasPrefix("hex=") else {
                    throw .malformed("results line \(lineIndex + 1): start_info needs hex=")
                }
                page = try hexBytes(words[1].dropFirst(4), line: lineIndex + 1)
            case "pv":
                for word in words.dropFirst() {
                    guard let eq = word.firstIndex(of: "="), let n = parseNumber(word[word.index(after: eq)...]) else {
                        throw .malformed("results line \(lineIndex + 1): bad pv field \(word)")
                    }
                    facts[String(word[..<eq])] = n
                }
            default:
                continue
            }
        }
        startInfoPage = page
        self.facts = facts
    }
}
